// The data pages (site/creator/stats.h): likes, comments, followers per
// China day as SVG charts with the same numbers in a table and the CSV;
// another's work refused; the operator's page for the whole site. Reads,
// unique readers, read-through (the end image) and referring sites counted
// from page loads: once per reader and day, bots not at all.
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
  // Three loads by one reader (the second and third from the page cache) are one read, written by the
  // view writer within a second or two.
  for (let i = 0; i < 3; i++) assert.equal((await fetch(srv.base + '/a/' + id)).status, 200);
  await new Promise((r) => setTimeout(r, 2500));
  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  const html = await (await c.get('/studio/stats')).text();
  assert.equal((html.match(/<svg class="stats-chart"[^>]*role="img"/g) || []).length, 7);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const row = (k) => {
    const sec = html.split('<section class="stats-series"')[k + 1];
    const m = new RegExp(`<tr><td>${today}</td><td class="num">(\\d+)</td>`).exec(sec);
    return m && Number(m[1]);
  };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(row), [1, 1, 0, 2, 1, 1, 0]);
  // The bars: 30 per chart, the tallest today's.
  const first = html.split('<section class="stats-series"')[1];
  assert.equal((first.match(/<rect class="bar"/g) || []).length, 30);
  const csv = await (await c.get('/studio/stats.csv')).text();
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'date,reads,unique_readers,read_to_end,likes,comments,followers,subscribers');
  assert.equal(lines.length, 31);
  assert.equal(lines[30], `${today},1,1,0,2,1,1,0`);
  const ninety = await (await c.get('/studio/stats?days=90')).text();
  assert.equal((ninety.split('<section class="stats-series"')[1].match(/<rect class="bar"/g) || []).length, 90);
  assert.equal((await c.get('/studio/stats?days=7')).status, 400);
  // Per work; not someone else's.
  const w = await (await c.get(`/studio/${id}/stats`)).text();
  assert.equal((w.match(/<svg class="stats-chart"/g) || []).length, 5);
  const cb = new Client(srv.base);
  await cb.login('bob', 'bob-password-1');
  const other = await cb.get(`/studio/${id}/stats`);
  assert.equal(other.status, 403);
  assert.doesNotMatch(await other.text(), /stats-chart/);
  assert.doesNotMatch(await (await cb.get('/studio/stats.csv')).text(), /,1,1,0,2,1,1,0/);
  // The operator's page; not for creators.
  assert.equal((await c.get('/admin/stats')).status, 403);
  const ca = new Client(srv.base);
  await ca.login('boss', 'boss-password-12');
  assert.match(await (await ca.get('/admin/stats')).text(), /stats-chart/);
});

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
// Today's number of series k in a data page's table.
function tableRow(html, k) {
  const sec = html.split('<section class="stats-series"')[k + 1];
  const m = new RegExp(`<tr><td>${today()}</td><td class="num">(\\d+)</td>`).exec(sec);
  return m && Number(m[1]);
}
const load = (path, ua, extra = {}) => fetch(srv.base + path, { headers: { 'user-agent': ua, ...extra } });
const ONE = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 reader-one';
const TWO = 'Mozilla/5.0 (iPhone) Safari/604.1 reader-two';

test('readers, not loads: uniques, reloads, bots, the end image and referring sites', async () => {
  const cb = new Client(srv.base);
  await cb.login('bob', 'bob-password-1');
  const id = await draft(api, bob, '第一篇有读者的');
  await publish(api, bob, id);
  const id2 = await draft(api, bob, '第二篇');
  await publish(api, bob, id2);
  // Reader one: a reload, from a news site; reader two: from this site; two robots.
  const page = await (await load(`/a/${id}`, ONE, { referer: 'https://News.Example.com:8443/today?x=1' })).text();
  assert.equal((await load(`/a/${id}`, ONE, { referer: 'https://news.example.com/' })).status, 200);
  assert.equal((await load(`/a/${id}`, TWO, { referer: srv.base + '/' })).status, 200);
  assert.equal((await load(`/a/${id}`, 'Mozilla/5.0 (compatible; Googlebot/2.1)')).status, 200);
  assert.equal((await load(`/a/${id}`, 'curl/8.5.0')).status, 200);
  assert.equal((await load(`/a/${id2}`, ONE)).status, 200);
  // The end image: the same for every reader, so the cached page is too.
  const src = /<img class="end-mark" src="(\/a\/[^"]+\/end\/[0-9a-f]{16}\.gif)" alt="" width="1" height="1" loading="lazy"/.exec(page)[1];
  assert.match((await (await load(`/a/${id}`, TWO)).text()), new RegExp(src.replace(/[./]/g, '\\$&')));
  const end = await load(src, ONE);
  assert.equal(end.status, 200);
  assert.equal(end.headers.get('content-type'), 'image/gif');
  assert.equal(end.headers.get('cache-control'), 'no-store');
  assert.equal((await end.arrayBuffer()).byteLength, 43);
  assert.equal((await load(src, ONE)).status, 200); // again: still one
  assert.equal((await load(src, 'Googlebot/2.1')).status, 200); // a robot: none
  // A bad key, or this work's key on another work: refused and not counted.
  assert.equal((await load(`/a/${id}/end/0123456789abcdef.gif`, TWO)).status, 404);
  assert.equal((await load(src.replace(id, id2), TWO)).status, 404);
  assert.equal((await load(src.replace('.gif', '.png'), TWO)).status, 404);
  await new Promise((r) => setTimeout(r, 2500));

  const html = await (await cb.get('/studio/stats')).text();
  // reads (reader+work), unique readers, reached the end, likes, comments, followers, subscribers
  const mine = [0, 1, 2, 3, 4, 5, 6].map((k) => tableRow(html, k));
  assert.deepEqual(mine, [3, 2, 1, 0, 0, 0, 0]);
  assert.match(html, /<p class="stats-rate"><strong>[^<]+<\/strong> 33% <span class="hint">\(1 \/ 3\)<\/span><\/p>/);
  const refs = html.split('<section class="stats-referrers"')[1];
  assert.match(refs, /<tr><td>news\.example\.com<\/td><td class="num">1<\/td><\/tr>/);
  assert.doesNotMatch(refs, /127\.0\.0\.1|localhost/);
  // The SVG says the same: each chart's title has the period's total.
  const titles = [...html.matchAll(/<title id="stats-t\d+">[^<]*: (\d+), max (\d+)<\/title>/g)].map((m) => Number(m[1]));
  const csv = (await (await cb.get('/studio/stats.csv')).text()).trim().split('\r\n');
  const cols = csv.slice(1).map((l) => l.split(',').slice(1).map(Number));
  const sums = [0, 1, 2, 3, 4, 5, 6].map((k) => cols.reduce((a, c) => a + c[k], 0));
  assert.deepEqual(titles, sums);
  assert.equal(csv[csv.length - 1], `${today()},${mine.join(',')}`);
  // One work: its reads are its unique readers.
  const w = await (await cb.get(`/studio/${id}/stats`)).text();
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => tableRow(w, k)), [2, 2, 1, 0, 0]);
  assert.match(w, / 50% /);
  assert.match(w.split('<section class="stats-referrers"')[1], /news\.example\.com/);
  const w2 = await (await cb.get(`/studio/${id2}/stats`)).text();
  assert.doesNotMatch(w2.split('<section class="stats-referrers"')[1], /news\.example\.com/);
  // The site: bob's two readers and alice's one.
  const ca = new Client(srv.base);
  await ca.login('boss', 'boss-password-12');
  const site = await (await ca.get('/admin/stats')).text();
  assert.ok(tableRow(site, 1) >= 3, `site uniques ${tableRow(site, 1)}`);
  assert.match(site.split('<section class="stats-referrers"')[1], /news\.example\.com/);
});

// The salt is the day's: at China midnight (on the fake clock) a new one is
// drawn and yesterday's readers are forgotten, so the same reader counts
// again on the new day, once.
test('a new China day: a new salt, the same reader counts once again', async () => {
  const midnight = Date.UTC(2025, 11, 31, 16, 0, 0) / 1000; // 2026-01-01 00:00 in UTC+8
  const t0 = Date.now();
  // 30 s before midnight: the set-up (a server, an argon2id token, a
  // publish) must be done before it, which took up to 12 s on a loaded
  // machine under ASan; a wait of 30 s is the price of never racing it.
  const s = await startServer({ env: { HAO_FAKE_NOW: String(midnight - 30) } });
  const t1 = Date.now();
  try {
    addUser(s.dataDir, 'carol', 'creator', 'carol-password-1');
    const a = apiFor(s.base);
    const tok = await apiToken(s.base, 'carol', 'carol-password-1');
    const id = await draft(a, tok, '跨日');
    await publish(a, tok, id);
    const read = () => fetch(`${s.base}/a/${id}`, { headers: { 'user-agent': ONE } });
    assert.ok(Date.now() - t0 < 26000, 'set up in time to read before midnight');
    await read();
    await read();
    // Past midnight on the server's clock (started no later than t1).
    await new Promise((r) => setTimeout(r, Math.max(0, 31000 - (Date.now() - t1))));
    await read();
    await read();
    await new Promise((r) => setTimeout(r, 2500));
    const c = new Client(s.base);
    await c.login('carol', 'carol-password-1');
    const csv = (await (await c.get('/studio/stats.csv')).text()).trim().split('\r\n');
    assert.equal(csv[csv.length - 2], '2025-12-31,1,1,0,0,0,0,0');
    assert.equal(csv[csv.length - 1], '2026-01-01,1,1,0,0,0,0,0');
  } finally {
    await s.stop();
  }
});

// A Referer is the reader's to write: anything but an http(s) URL with a
// plain host name counts the read and no referring site.
test('hostile referers: the read counts, no referring site is made up', async () => {
  const id = await draft(api, bob, '来路不明');
  await publish(api, bob, id);
  const hostile = [
    'javascript:alert(1)',
    'https://' + 'a'.repeat(80) + '.example/',
    'https://evil.example<script>/',
    `https://${Buffer.from('例子', 'utf8').toString('latin1')}.example/`, // UTF-8 bytes of a Chinese host
    'https://[::1]:8080/',
    'https:///nohost',
    'x'.repeat(4000),
  ];
  for (const [i, ref] of hostile.entries()) {
    assert.equal((await load(`/a/${id}`, `Mozilla/5.0 hostile-${i}`, { referer: ref })).status, 200, ref);
  }
  assert.equal((await load(`/a/${id}`, 'Mozilla/5.0 spy', { referer: 'https://user:pw@Spy.Example.ORG:1/x' })).status, 200);
  await new Promise((r) => setTimeout(r, 2500));
  const c = new Client(srv.base);
  await c.login('bob', 'bob-password-1');
  const w = await (await c.get(`/studio/${id}/stats`)).text();
  assert.equal(tableRow(w, 0), hostile.length + 1, 'every read counted');
  const refs = w.split('<section class="stats-referrers"')[1].split('</section>')[0];
  assert.deepEqual([...refs.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1]), ['spy.example.org']);
});
