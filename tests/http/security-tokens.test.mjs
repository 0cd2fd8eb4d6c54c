// Scoped API tokens: made on /account/security/tokens (name, scope, expiry;
// shown once; stored hashed), listed with their last use, revoked; every
// API route checks the token's scope (a table read from the real route
// table, so a new API route is checked too); expired and revoked tokens are
// 401; the password-for-token endpoint takes a scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, addUser, Client, siteSql } from './harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'ada', 'admin', 'ada-password-1');
  addUser(srv.dataDir, 'cyd', 'creator', 'cyd-password-1');
});
after(async () => { await srv?.stop(); });

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function makeToken(c, fields) {
  const csrf = await c.csrf('/account/security/tokens');
  const res = await c.post('/account/security/tokens', { csrf, ...fields });
  const html = await res.text();
  const m = html.match(/<code id="new-token">([0-9a-f]{64})<\/code>/);
  return { status: res.status, html, token: m && m[1] };
}

function api(method, p, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

// Every RT_API route in the route table, as [method, path with dummy params].
function apiRoutes() {
  const src = fs.readFileSync(new URL('../../src/site/routes.c', import.meta.url), 'utf8');
  const out = [];
  for (const m of src.matchAll(/\{"(GET|POST|PUT|DELETE|PATCH)", "([^"]+)", \w+, ROLE_\w+, ([^,]+),/g)) {
    if (!/RT_API/.test(m[3])) continue;
    const scope = /RT_SCOPE_(\w+)/.exec(m[3]);
    out.push({ method: m[1], path: m[2].replace(/:\w+/g, 'x1'), explicit: scope && scope[1].toLowerCase() });
  }
  return out;
}

test('make, list, use and revoke tokens on the page', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.login('cyd', 'cyd-password-1')).status, 303);
  const page = await (await c.get('/account/security/tokens')).text();
  assert.match(page, /value="read"/);
  assert.match(page, /value="write"/);
  assert.doesNotMatch(page, /value="admin"/, 'a creator is not offered admin');

  const n0 = sql("SELECT count(*) FROM sessions WHERE kind = 'api'");
  for (const [fields, why] of [
    [{ name: '', scope: 'read', expires: '30' }, 'no name'],
    [{ name: 'a\nb', scope: 'read', expires: '30' }, 'two lines'],
    [{ name: 'x'.repeat(61), scope: 'read', expires: '30' }, 'too long'],
    [{ name: 'ci', scope: 'admin', expires: '30' }, 'beyond the role'],
    [{ name: 'ci', scope: 'root', expires: '30' }, 'unknown scope'],
    [{ name: 'ci', scope: 'read', expires: '12' }, 'unknown expiry'],
  ]) {
    const r = await makeToken(c, fields);
    assert.equal(r.status, 422, why);
    assert.match(r.html, /role="alert"/, why);
    assert.equal(r.token, null, why);
  }
  assert.equal(sql("SELECT count(*) FROM sessions WHERE kind = 'api'"), n0, 'nothing made');

  const ro = await makeToken(c, { name: 'reader bot', scope: 'read', expires: 'never' });
  assert.equal(ro.status, 201);
  assert.ok(ro.token);
  const rw = await makeToken(c, { name: 'writer bot', scope: 'write', expires: '7' });
  assert.ok(rw.token);
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE token_hash LIKE '${ro.token.slice(0, 10)}%'`), '0', 'stored hashed');
  assert.equal(sql("SELECT scope FROM sessions WHERE name = 'reader bot'"), 'read');

  // Read token: reads, cannot write (403, not 401: the caller is known).
  assert.equal((await api('GET', '/api/v1/articles?author=cyd', ro.token)).status, 200);
  const w = await api('POST', '/api/v1/articles', ro.token, { title: 't', body: 'b', declaration: 'none' });
  assert.equal(w.status, 403);
  assert.equal((await w.json()).error.code, 'insufficient_scope');
  assert.equal(sql("SELECT count(*) FROM works"), '0', 'nothing written');
  const ok = await api('POST', '/api/v1/articles', rw.token, { title: 't', body: 'b', declaration: 'none' });
  assert.equal(ok.status, 201);

  // The list shows last use and where.
  const list = await (await c.get('/account/security/tokens')).text();
  assert.match(list, /reader bot/);
  assert.match(list, /writer bot/);
  assert.match(list, /never<\/td>|永不过期<\/td>/, 'no-expiry shown');
  assert.match(list, /127\.0\.0\.1/);
  assert.doesNotMatch(list, new RegExp(ro.token), 'never shown again');

  // Revoke: 401 afterwards. Unknown ids: 404/422, nothing revoked.
  const id = sql("SELECT substr(token_hash,1,16) FROM sessions WHERE name = 'reader bot'");
  for (const bad of ['0000000000000000', 'nothex', '']) {
    const csrf = await c.csrf('/account/security/tokens');
    const r = await c.post('/account/security/tokens/revoke', { csrf, token: bad });
    assert.ok([404, 422].includes(r.status), bad);
  }
  assert.equal((await api('GET', '/api/v1/articles', ro.token)).status, 200);
  let csrf = await c.csrf('/account/security/tokens');
  assert.equal((await c.post('/account/security/tokens/revoke', { csrf, token: id })).status, 200);
  const gone = await api('GET', '/api/v1/articles', ro.token);
  assert.equal(gone.status, 401);

  // Someone else cannot revoke cy's token.
  const other = new Client(srv.base);
  await other.login('ada', 'ada-password-1');
  const wid = sql("SELECT substr(token_hash,1,16) FROM sessions WHERE name = 'writer bot'");
  csrf = await other.csrf('/account/security/tokens');
  assert.equal((await other.post('/account/security/tokens/revoke', { csrf, token: wid })).status, 404);
  assert.equal((await api('GET', '/api/v1/articles', rw.token)).status, 200);

  // Expired: 401.
  sql("UPDATE sessions SET expires_at = 1000 WHERE name = 'writer bot'");
  assert.equal((await api('GET', '/api/v1/articles', rw.token)).status, 401);

  assert.ok(Number(sql("SELECT count(*) FROM audit_log WHERE action = 'security.token_created'")) >= 2);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.token_revoked'"), '1');
});

test('every API route checks the scope (read token: 403 on anything but a read)', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.login('ada', 'ada-password-1')).status, 303);
  const tokens = {};
  for (const s of ['read', 'write', 'moderate', 'admin']) tokens[s] = (await makeToken(c, { name: s, scope: s, expires: '7' })).token;
  const order = ['read', 'write', 'moderate', 'admin'];
  const routes = apiRoutes();
  assert.ok(routes.length >= 20, `found ${routes.length} API routes`);
  for (const rt of routes) {
    const need = rt.explicit || (rt.method === 'GET' ? 'read' : 'write');
    const below = order[order.indexOf(need) - 1];
    const what = `${rt.method} ${rt.path} needs ${need}`;
    if (below) {
      const r = await api(rt.method, rt.path, tokens[below]);
      assert.equal(r.status, 403, `${what}: ${below} token`);
      assert.equal((await r.json()).error.code, 'insufficient_scope', what);
    }
    const r = await api(rt.method, rt.path, tokens[need]);
    const body = await r.text();
    assert.ok(!body.includes('insufficient_scope'), `${what}: ${need} token refused`);
  }
});

test('the password-for-token endpoint takes a scope', async () => {
  const post = (body) => fetch(srv.base + '/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let r = await post({ handle: 'cyd', password: 'cyd-password-1', scope: 'read' });
  assert.equal(r.status, 201);
  const t = (await r.json()).token;
  assert.equal((await api('POST', '/api/v1/articles', t, { title: 't', body: 'b', declaration: 'none' })).status, 403);
  r = await post({ handle: 'cyd', password: 'cyd-password-1', scope: 'admin' });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).error.code, 'scope_not_allowed');
  r = await post({ handle: 'cyd', password: 'cyd-password-1', scope: 'everything' });
  assert.equal(r.status, 422);
  // No scope: what the role allows (as before scopes).
  r = await post({ handle: 'cyd', password: 'cyd-password-1' });
  assert.equal(r.status, 201);
  const full = (await r.json()).token;
  assert.equal((await api('POST', '/api/v1/articles', full, { title: 't2', body: 'b', declaration: 'none' })).status, 201);
});
