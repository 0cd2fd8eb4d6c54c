// Preview links (site/creator/preview.h): secret, expiring (7 days by
// default, on the fake clock across a restart), revocable, marked as a
// draft, noindex, never cached, always the current text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken, Client, siteSql } from './harness.mjs';
import { apiFor, json, draft } from './creator-lib.mjs';

const T0 = Math.floor(Date.now() / 1000);
let srv, api, alice, bob, dataDir;
before(async () => {
  srv = await startServer({ env: { HAO_FAKE_NOW: String(T0) } });
  dataDir = srv.dataDir;
  addUser(dataDir, 'alice', 'creator', 'alice-password-1', 'Alice');
  addUser(dataDir, 'bob', 'creator', 'bob-password-1');
  api = apiFor(srv.base);
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

test('a preview link shows the current draft to anyone holding it, privately, until revoked', async () => {
  const id = await draft(api, alice, '预览草稿', '第一版正文:青苔小径。');
  const res = await api('POST', `/api/v1/articles/${id}/previews`, alice);
  assert.equal(res.status, 201);
  const link = await json(res);
  assert.match(link.token, /^[0-9a-f]{48}$/);
  assert.equal(link.url, '/p/' + link.token);
  assert.equal(Date.parse(link.expires_at) / 1000 - T0 >= 7 * 86400 - 5, true, 'seven days by default');
  assert.equal(Date.parse(link.expires_at) / 1000 - T0 <= 7 * 86400 + 60, true);
  // Only the hash is stored.
  assert.equal(siteSql(dataDir, `SELECT count(*) FROM creator_previews WHERE token_hash = '${link.token}'`).stdout.trim(), '0');

  const p = await fetch(srv.base + link.url); // anonymous
  assert.equal(p.status, 200);
  assert.match(p.headers.get('cache-control'), /no-store/);
  assert.match(p.headers.get('x-robots-tag'), /noindex/);
  const html = await p.text();
  assert.match(html, /<meta name="robots" content="noindex/);
  assert.match(html, /draft-banner/);
  assert.match(html, /青苔小径/);
  assert.equal((await fetch(srv.base + '/a/' + id)).status, 404, 'the work itself stays hidden');

  // The current text, at once (nothing cached for anyone).
  assert.equal((await api('PUT', `/api/v1/articles/${id}`, alice, { body: '第二版正文:白鹭沙洲。' })).status, 200);
  const p2 = await (await fetch(srv.base + link.url)).text();
  assert.match(p2, /白鹭沙洲/);
  assert.doesNotMatch(p2, /青苔小径/);

  // Listing, then revoking: 410; bob cannot see or revoke.
  assert.equal((await api('GET', `/api/v1/articles/${id}/previews`, bob)).status, 403);
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/previews/${link.id}`, bob)).status, 403);
  const list = await json(await api('GET', `/api/v1/articles/${id}/previews`, alice));
  assert.equal(list.previews.length, 1);
  assert.equal(list.previews[0].status, 'active');
  assert.equal(list.previews[0].token, undefined, 'the secret is not listed');
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/previews/${link.id}`, alice)).status, 204);
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/previews/${link.id}`, alice)).status, 404);
  const gone = await fetch(srv.base + link.url);
  assert.equal(gone.status, 410);
  assert.doesNotMatch(await gone.text(), /白鹭沙洲/);
  assert.equal((await fetch(srv.base + '/p/' + '0'.repeat(48))).status, 404);
  assert.equal((await fetch(srv.base + '/p/short')).status, 404);
});

test('bad inputs are refused and make no link', async () => {
  const id = await draft(api, alice, '坏输入');
  for (const days of [0, -1, 91, 1.5, '7']) {
    const r = await api('POST', `/api/v1/articles/${id}/previews`, alice, { days });
    assert.equal(r.status, 422, `days ${days}`);
    assert.equal((await json(r)).error.code, 'bad_days');
  }
  assert.equal((await api('POST', `/api/v1/articles/${id}/previews`, bob)).status, 403);
  assert.equal((await api('POST', `/api/v1/articles/${id}/previews`, alice, '[1]')).status, 400);
  assert.equal(siteSql(dataDir, `SELECT count(*) FROM creator_previews WHERE work_id = '${id}'`).stdout.trim(), '0');
});

test('made and revoked in the studio; a link expires after its days', async () => {
  const id = await draft(api, alice, '工作室预览', '工作室里生成的预览。');
  const c = new Client(srv.base);
  assert.equal((await c.login('alice', 'alice-password-1')).status, 303);
  const csrf = await c.csrf('/studio/' + id);
  assert.equal((await c.post(`/studio/${id}/previews`, { csrf, days: '0' })).status, 422);
  const made = await c.post(`/studio/${id}/previews`, { csrf, days: '2' });
  assert.equal(made.status, 201);
  const url = /href="(\/p\/[0-9a-f]{48})"/.exec(await made.text())[1];
  assert.equal((await fetch(srv.base + url)).status, 200);
  const ed = await (await c.get('/studio/' + id)).text();
  const rev = /action="(\/studio\/[^"]+\/previews\/\d+\/revoke)"/.exec(ed);
  assert.ok(rev, 'the editor lists the live link with a revoke button');
  const second = await c.post(`/studio/${id}/previews`, { csrf, days: '1' });
  const url2 = /href="(\/p\/[0-9a-f]{48})"/.exec(await second.text())[1];
  assert.equal((await c.post(rev[1], { csrf })).status, 303);
  assert.equal((await fetch(srv.base + url)).status, 410);
  assert.equal((await fetch(srv.base + url2)).status, 200, 'the other link still works');

  // Three days later (the fake clock, across a restart) the one-day link has expired.
  await srv.stop();
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(T0 + 3 * 86400) } });
  const late = await fetch(srv.base + url2);
  assert.equal(late.status, 410);
  assert.match(await late.text(), /过期|expired/);
});
