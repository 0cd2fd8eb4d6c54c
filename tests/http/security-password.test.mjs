// Account security: changing the password (the current one required; other
// sessions end; audited; mailed when SMTP is set) and the sessions page
// (device, address, last seen; end one or all others).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, Client, siteSql, BIN } from './harness.mjs';
import { smtpSink, decode } from './smtp.mjs';

let srv, sink;
before(async () => {
  sink = await smtpSink();
  srv = await startServer();
  addUser(srv.dataDir, 'pat', 'creator', 'pat-password-1');
  for (const [k, v] of [['smtp_url', `smtp://127.0.0.1:${sink.port}`], ['smtp_from', 'site@example.com']]) {
    const r = spawnSync(BIN, ['set', k, v, '--data', srv.dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  siteSql(srv.dataDir, "UPDATE users SET email = 'pat@example.com' WHERE handle = 'pat'");
});
after(async () => { await srv?.stop(); sink?.server.close(); });

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function waitMail(pred, ms = 8000) {
  for (let t = 0; t < ms; t += 100) {
    const m = sink.messages.map(decode).find(pred);
    if (m) return m;
    await new Promise((res) => setTimeout(res, 100));
  }
  return null;
}

test('sessions page lists each browser with device and address; end one, end all others', async () => {
  const a = new Client(srv.base), b = new Client(srv.base), c = new Client(srv.base);
  assert.equal((await a.login('pat', 'pat-password-1')).status, 303);
  await b.get('/'); // a pre-session cookie first, like a browser
  const ua = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' };
  let csrf = await b.csrf('/login');
  assert.equal((await b.post('/login', { csrf, handle: 'pat', password: 'pat-password-1' }, ua)).status, 303);
  assert.equal((await c.login('pat', 'pat-password-1')).status, 303);

  const page = await a.get('/account/security/sessions');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Firefox \/ Linux/);
  assert.match(html, /127\.0\.0\.1/);
  const ends = [...html.matchAll(/name="end" value="([0-9a-f]{16})"/g)].map((m) => m[1]);
  assert.equal(ends.length, 2, 'two other sessions, each with an end button; not this one');

  // End b's session (the Firefox one).
  const bHash = sql("SELECT substr(token_hash,1,16) FROM sessions WHERE user_agent LIKE '%Firefox%'");
  csrf = await a.csrf('/account/security/sessions');
  let res = await a.post('/account/security/sessions', { csrf, end: bHash });
  assert.equal(res.status, 200);
  assert.equal((await b.get('/studio')).status, 303, 'b is signed out');
  assert.equal((await c.get('/studio')).status, 200, 'c still signed in');

  // Bad input: unknown, malformed, someone else's: nothing ends.
  for (const end of ['0123456789abcdef', 'zz', '']) {
    csrf = await a.csrf('/account/security/sessions');
    res = await a.post('/account/security/sessions', { csrf, end });
    assert.ok([404, 422].includes(res.status), `end=${end}: ${res.status}`);
    assert.match(await res.text(), /role="alert"/);
  }
  assert.equal((await c.get('/studio')).status, 200);

  csrf = await a.csrf('/account/security/sessions');
  res = await a.post('/account/security/sessions', { csrf, others: '1' });
  assert.equal(res.status, 200);
  assert.equal((await c.get('/studio')).status, 303, 'c is signed out');
  assert.equal((await a.get('/studio')).status, 200, 'this session stays');
  assert.ok(Number(sql("SELECT count(*) FROM audit_log WHERE action = 'security.sessions_ended'")) >= 2);
});

test('change password: current one required, other sessions end, audited and mailed', async () => {
  const a = new Client(srv.base), other = new Client(srv.base);
  assert.equal((await a.login('pat', 'pat-password-1')).status, 303);
  assert.equal((await other.login('pat', 'pat-password-1')).status, 303);
  const before = sql("SELECT pass_hash FROM users WHERE handle = 'pat'");

  const bad = [
    [{ current: 'wrong-password', password: 'new-password-2', password2: 'new-password-2' }, 403],
    [{ current: '', password: 'new-password-2', password2: 'new-password-2' }, 422],
    [{ current: 'pat-password-1', password: 'short', password2: 'short' }, 422],
    [{ current: 'pat-password-1', password: 'new-password-2', password2: 'new-password-3' }, 422],
  ];
  for (const [fields, status] of bad) {
    const csrf = await a.csrf('/account/security/password');
    const res = await a.post('/account/security/password', { csrf, ...fields });
    assert.equal(res.status, status, JSON.stringify(fields));
    assert.match(await res.text(), /role="alert"/);
  }
  assert.equal(sql("SELECT pass_hash FROM users WHERE handle = 'pat'"), before, 'nothing changed');
  assert.equal((await other.get('/studio')).status, 200);
  sql("DELETE FROM throttle");

  // No CSRF token: refused.
  assert.equal((await a.post('/account/security/password', { current: 'pat-password-1', password: 'x'.repeat(9), password2: 'x'.repeat(9) })).status, 403);

  const csrf = await a.csrf('/account/security/password');
  const res = await a.post('/account/security/password', { csrf, current: 'pat-password-1', password: 'new-password-2', password2: 'new-password-2' });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Password changed|密码已修改/);
  assert.notEqual(sql("SELECT pass_hash FROM users WHERE handle = 'pat'"), before);
  assert.equal((await a.get('/studio')).status, 200, 'this session stays');
  assert.equal((await other.get('/studio')).status, 303, 'the other session ended');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.password_changed' AND subject = 'user:pat'"), '1');

  const fresh = new Client(srv.base);
  assert.equal((await fresh.login('pat', 'pat-password-1')).status, 401, 'old password no longer works');
  assert.equal((await fresh.login('pat', 'new-password-2')).status, 303);

  const m = await waitMail((x) => x.to === 'pat@example.com' && /password was changed/.test(x.body));
  assert.ok(m, 'a security notice was mailed');
});

test('wrong current passwords are throttled per account', async () => {
  const a = new Client(srv.base);
  assert.equal((await a.login('pat', 'new-password-2')).status, 303);
  let last;
  for (let i = 0; i < 6; i++) {
    const csrf = await a.csrf('/account/security/password');
    last = await a.post('/account/security/password', { csrf, current: 'guess-' + i + 'xxxx', password: 'new-password-3', password2: 'new-password-3' });
  }
  assert.equal(last.status, 429);
  sql("DELETE FROM throttle");
});

test('security pages need a signed-in user', async () => {
  const anon = new Client(srv.base);
  for (const p of ['/account/security', '/account/security/password', '/account/security/sessions']) {
    const r = await anon.get(p);
    assert.equal(r.status, 303, p);
    assert.match(r.headers.get('location'), /^\/login\?next=/);
  }
});
