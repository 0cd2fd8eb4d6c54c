// Accounts: register, log in/out, CSRF, throttling, setup link, API tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, Client, BIN, siteSql, setCookies } from './harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

function userCount() {
  const r = siteSql(srv.dataDir, 'SELECT count(*) FROM users');
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('register, studio, logout, log in again', async () => {
  const c = new Client(srv.base);
  const reg = await c.register('alice', 'alice-password-1', '爱丽丝');
  assert.equal(reg.status, 303);
  assert.equal(reg.headers.get('location'), '/studio');
  const cookie = setCookies(reg.headers).find((x) => x.startsWith('hao_session='));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  const studio = await c.get('/studio');
  assert.equal(studio.status, 200);
  const home = await (await c.get('/')).text();
  assert.ok(home.includes('爱丽丝'), 'display name in the header');

  const csrf = await c.csrf('/');
  const out = await c.post('/logout', { csrf });
  assert.equal(out.status, 303);
  assert.equal((await c.get('/studio')).status, 303, 'logged out: redirected to login');

  const login = await c.login('ALICE', 'alice-password-1');
  assert.equal(login.status, 303);
  assert.equal((await c.get('/studio')).status, 200);
});

test('registration bad input: clear message in place, nothing written', async () => {
  const c = new Client(srv.base);
  const n0 = userCount();
  const cases = [
    [{ handle: 'ab', password: 'long-enough-1' }, 422],
    [{ handle: '1abc', password: 'long-enough-1' }, 422],
    [{ handle: 'has space', password: 'long-enough-1' }, 422],
    [{ handle: 'okname', password: 'short' }, 422],
    [{ handle: 'okname', password: 'long-enough-1', name: 'a\nb' }, 422],
    [{ handle: 'okname', password: 'long-enough-1', name: '名'.repeat(51) }, 422],
    [{ handle: 'alice', password: 'long-enough-1' }, 409],
  ];
  for (const [fields, status] of cases) {
    const csrf = await c.csrf('/register');
    const res = await c.post('/register', { csrf, ...fields });
    assert.equal(res.status, status, JSON.stringify(fields));
    const html = await res.text();
    assert.match(html, /role="alert"/);
    if (fields.handle !== 'has space') assert.ok(html.includes(`value="${fields.handle}"`), 'input kept');
  }
  // Bad UTF-8 in the form body.
  const csrf = await c.csrf('/register');
  const raw = `csrf=${csrf}&handle=zed&password=long-enough-1&name=%FF%FE`;
  assert.equal((await c.post('/register', raw)).status, 400);
  assert.equal(userCount(), n0);
});

test('CSRF: missing, forged and cross-origin form posts are refused', async () => {
  const c = new Client(srv.base);
  const n0 = userCount();
  await c.csrf('/register');
  assert.equal((await c.post('/register', { handle: 'mallory', password: 'long-enough-1' })).status, 403);
  assert.equal((await c.post('/register', { csrf: 'deadbeef'.repeat(4), handle: 'mallory', password: 'long-enough-1' })).status, 403);
  const csrf = await c.csrf('/register');
  const cross = await c.post('/register', { csrf, handle: 'mallory', password: 'long-enough-1' }, { origin: 'http://evil.example' });
  assert.equal(cross.status, 403);
  // A token from another browser (cookie) does not work either.
  const other = new Client(srv.base);
  const theirs = await other.csrf('/register');
  assert.equal((await c.post('/register', { csrf: theirs, handle: 'mallory', password: 'long-enough-1' })).status, 403);
  assert.equal(userCount(), n0);
});

test('wrong password is 401, then the account is throttled (429)', async () => {
  addUser(srv.dataDir, 'bob', 'creator', 'bob-password-1');
  const c = new Client(srv.base);
  for (let i = 0; i < 5; i++) {
    const res = await c.login('bob', 'wrong-password');
    assert.equal(res.status, 401);
    assert.match(await res.text(), /role="alert"/);
  }
  assert.equal((await c.login('bob', 'bob-password-1')).status, 429, 'even the right password waits');
  const api = await fetch(srv.base + '/api/v1/tokens', { method: 'POST', body: JSON.stringify({ handle: 'bob', password: 'bob-password-1' }) });
  assert.equal(api.status, 429);
  assert.equal((await api.json()).error.code, 'rate_limited');
  // Unknown handles answer like wrong passwords.
  assert.equal((await new Client(srv.base).login('nobody_here', 'whatever-1')).status, 401);
});

test('next is only followed to local paths', async () => {
  addUser(srv.dataDir, 'carol', 'creator', 'carol-password-1');
  for (const [next, want] of [['/u/carol', '/u/carol'], ['//evil.example/', '/studio'], ['https://evil.example/', '/studio'], ['/\\evil.example', '/studio']]) {
    const c = new Client(srv.base);
    const csrf = await c.csrf('/login');
    const res = await c.post('/login', { csrf, handle: 'carol', password: 'carol-password-1', next });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), want, next);
  }
});

test('setup link creates the admin once', async () => {
  const fresh = await startServer();
  try {
    const m = fresh.stdout.match(/\/setup\/([0-9a-f]{48})/);
    assert.ok(m, 'setup link printed');
    const c = new Client(fresh.base);
    assert.equal((await c.get('/setup/' + '0'.repeat(48))).status, 404);
    const csrf = await c.csrf(`/setup/${m[1]}`);
    const res = await c.post(`/setup/${m[1]}`, { csrf, handle: 'root_admin', password: 'admin-password-1' });
    assert.equal(res.status, 303);
    assert.equal((await new Client(fresh.base).get(`/setup/${m[1]}`)).status, 404, 'used up');
  } finally {
    await fresh.stop();
  }
});

test('API tokens: happy path and bad input', async () => {
  addUser(srv.dataDir, 'dave', 'creator', 'dave-password-1');
  const post = (body, headers = {}) => fetch(srv.base + '/api/v1/tokens', { method: 'POST', body, headers });
  const ok = await post(JSON.stringify({ handle: 'dave', password: 'dave-password-1' }));
  assert.equal(ok.status, 201);
  const { token, expires_at } = await ok.json();
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.ok(expires_at > Date.now() / 1000);
  const created = await fetch(srv.base + '/api/v1/articles', {
    method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ title: 't', body: 'b' }),
  });
  assert.equal(created.status, 201);

  assert.equal((await post('{nope')).status, 400);
  assert.equal((await post('[]')).status, 400);
  const missing = await post(JSON.stringify({ handle: 'dave' }));
  assert.equal(missing.status, 422);
  assert.deepEqual((await missing.json()).error.missing, ['password']);
  const both = await post(JSON.stringify({}));
  assert.deepEqual((await both.json()).error.missing, ['handle', 'password']);
  const wrong = await post(JSON.stringify({ handle: 'dave', password: 'nope-nope-nope' }));
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).error.code, 'bad_credentials');
  // A session cookie is not an API credential; a malformed header is 401.
  const bad = await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: { authorization: 'Basic abc' }, body: '{}' });
  assert.equal(bad.status, 401);
});

test('CLI user add: the created user can log in', async () => {
  const r = spawnSync(BIN, ['user', 'add', 'erin', '--role', 'moderator', '--name', '审核员', '--data', srv.dataDir], { input: 'erin-password-1\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await new Client(srv.base).login('erin', 'erin-password-1')).status, 303);
});
