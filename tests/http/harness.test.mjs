// The harness's cookie jar on both kinds of fetch headers: with
// getSetCookie() (Node 20 and newer, upstream Node 18.20) and without it, as
// Node 18 from Debian 12 has them, where several Set-Cookie lines come joined
// with ", " and a comma also occurs inside an Expires date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setCookies, Client } from './harness.mjs';

const LINES = [
  'hao_session=abc123; Path=/; SameSite=Lax; Max-Age=2592000; HttpOnly',
  'old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/',
  'hao_lang=en; Path=/; SameSite=Lax',
  'gone=; Path=/; Max-Age=0',
];

// Headers as Debian 12's Node 18 gives them: no getSetCookie, lines joined.
function joinedHeaders(lines) {
  return { get: (name) => (name.toLowerCase() === 'set-cookie' && lines.length ? lines.join(', ') : null) };
}

test('Set-Cookie lines joined with ", " split back, Expires dates kept whole', () => {
  assert.deepEqual(setCookies(joinedHeaders(LINES)), LINES);
  assert.deepEqual(setCookies(joinedHeaders([LINES[1]])), [LINES[1]]);
  assert.deepEqual(setCookies(joinedHeaders([])), []);
});

test('getSetCookie() is used where fetch has it', () => {
  const h = new Headers();
  for (const l of LINES) h.append('set-cookie', l);
  if (typeof h.getSetCookie !== 'function') return; // Debian 12's Node 18: the case above
  assert.deepEqual(setCookies(h), LINES);
});

test('the client keeps cookies, drops the ones cleared, from joined headers', () => {
  const c = new Client('http://127.0.0.1:1');
  c.jar.set('gone', 'x');
  c.keep({ headers: joinedHeaders(LINES) });
  assert.deepEqual(Object.fromEntries(c.jar), { hao_session: 'abc123', old: '1', hao_lang: 'en' });
  assert.equal(c.cookieHeader(), 'hao_session=abc123; old=1; hao_lang=en');
});
