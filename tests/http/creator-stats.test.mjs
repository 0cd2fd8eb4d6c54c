// The data pages (site/creator/stats.h): likes, comments, followers per
// China day as SVG charts with the same numbers in a table and the CSV;
// another's work refused; the operator's page for the whole site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken, Client } from './harness.mjs';
import { apiFor, json, draft, publish } from './creator-lib.mjs';

let srv, api, alice, bob, reader;
before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'alice', 'creator', 'alice-password-1', 'Alice');
  addUser(srv.dataDir, 'bob', 'creator', 'bob-password-1');
  addUser(srv.dataDir, 'rita', 'reader', 'rita-password-1');
  addUser(srv.dataDir, 'boss', 'admin', 'boss-password-12');
  api = apiFor(srv.base);
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
  reader = await apiToken(srv.base, 'rita', 'rita-password-1');
});
after(async () => { await srv?.stop(); });

test('likes, comments and followers of today appear in the chart, the table and the CSV', async () => {
  const id = await draft(api, alice, '有数据的一篇');
  await publish(api, alice, id);
  assert.equal((await api('PUT', `/api/v1/articles/${id}/like`, reader)).status < 300, true);
  assert.equal((await api('PUT', `/api/v1/articles/${id}/like`, bob)).status < 300, true);
  const cm = await api('POST', `/api/v1/articles/${id}/comments`, reader, { body: '写得好' });
  assert.ok(cm.status < 300, `comment ${cm.status}`);
  assert.ok((await api('PUT', '/api/v1/follows/alice', reader)).status < 300);
  // Three reads (the second and third from the page cache), written by the view writer within a second or two.
  for (let i = 0; i < 3; i++) assert.equal((await fetch(srv.base + '/a/' + id)).status, 200);
  await new Promise((r) => setTimeout(r, 2500));
  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  const html = await (await c.get('/studio/stats')).text();
  assert.equal((html.match(/<svg class="stats-chart"[^>]*role="img"/g) || []).length, 5);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const row = (k) => {
    const sec = html.split('<section class="stats-series"')[k + 1];
    const m = new RegExp(`<tr><td>${today}</td><td class="num">(\\d+)</td>`).exec(sec);
    return m && Number(m[1]);
  };
  assert.deepEqual([row(0), row(1), row(2), row(3), row(4)], [3, 2, 1, 1, 0]);
  // The bars: 30 per chart, the tallest today's.
  const first = html.split('<section class="stats-series"')[1];
  assert.equal((first.match(/<rect class="bar"/g) || []).length, 30);
  const csv = await (await c.get('/studio/stats.csv')).text();
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'date,reads,likes,comments,followers,subscribers');
  assert.equal(lines.length, 31);
  assert.equal(lines[30], `${today},3,2,1,1,0`);
  const ninety = await (await c.get('/studio/stats?days=90')).text();
  assert.equal((ninety.split('<section class="stats-series"')[1].match(/<rect class="bar"/g) || []).length, 90);
  assert.equal((await c.get('/studio/stats?days=7')).status, 400);
  // Per work; not someone else's.
  const w = await (await c.get(`/studio/${id}/stats`)).text();
  assert.equal((w.match(/<svg class="stats-chart"/g) || []).length, 3);
  const cb = new Client(srv.base);
  await cb.login('bob', 'bob-password-1');
  const other = await cb.get(`/studio/${id}/stats`);
  assert.equal(other.status, 403);
  assert.doesNotMatch(await other.text(), /stats-chart/);
  assert.doesNotMatch(await (await cb.get('/studio/stats.csv')).text(), /,3,2,1,1,0/);
  // The operator's page; not for creators.
  assert.equal((await c.get('/admin/stats')).status, 403);
  const ca = new Client(srv.base);
  await ca.login('boss', 'boss-password-12');
  assert.match(await (await ca.get('/admin/stats')).text(), /stats-chart/);
});
