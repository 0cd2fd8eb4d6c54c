// How readers, feed readers, link previews and search engines discover works:
// feed autodiscovery links on every list and work page, canonical and Open
// Graph / Twitter card meta on work pages, the declaration and statement in
// JSON Feed entries, and the sitemap split at 50,000 URLs (home included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { startServer, addUser, apiToken, siteSql } from './harness.mjs';

let srv, token, work;

async function call(method, p, body) {
  const res = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'disco', 'creator', 'disco-password-1', '发现者');
  token = await apiToken(srv.base, 'disco', 'disco-password-1');
  work = await call('POST', '/api/v1/articles', { title: '被发现的作品 <&>', body: '第一段有**内容**。', declaration: 'opinion', tags: ['发现'] });
  await call('POST', `/api/v1/articles/${work.id}/publish`);
});
after(async () => { await srv?.stop(); });

const tagPath = '/t/' + encodeURIComponent('发现');

test('feed autodiscovery links on home, author, tag and work pages', async () => {
  const cases = [
    ['/', '/feed.atom', '/feed.json'],
    ['/u/disco', '/u/disco/feed.atom', '/u/disco/feed.json'],
    [tagPath, `${tagPath}/feed.atom`, `${tagPath}/feed.json`],
    [`/a/${work.id}`, '/u/disco/feed.atom', null],
  ];
  for (const [page, atom, json] of cases) {
    const html = await (await fetch(srv.base + page)).text();
    assert.ok(html.includes(`<link rel="alternate" type="application/atom+xml" href="${atom}">`), `${page} atom`);
    if (json) assert.ok(html.includes(`<link rel="alternate" type="application/feed+json" href="${json}">`), `${page} json`);
    // and each advertised feed answers
    assert.equal((await fetch(srv.base + atom)).status, 200, atom);
  }
});

test('work pages: absolute canonical URL, Open Graph and Twitter card meta', async () => {
  const html = await (await fetch(`${srv.base}/a/${work.id}`)).text();
  const url = `${srv.base}/a/${work.id}`;
  assert.ok(html.includes(`<link rel="canonical" href="${url}">`));
  assert.ok(html.includes(`<meta property="og:url" content="${url}">`));
  assert.ok(html.includes('<meta property="og:type" content="article">'));
  assert.ok(html.includes('<meta property="og:title" content="被发现的作品 &lt;&amp;&gt;">'));
  assert.match(html, /<meta property="og:description" content="第一段有内容。">/);
  assert.match(html, /<meta property="article:published_time" content="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);
  assert.ok(html.includes('<meta property="article:author" content="发现者">'));
  assert.ok(html.includes('<meta name="twitter:card" content="summary">'));
  assert.ok(html.includes('<meta name="twitter:title" content="被发现的作品 &lt;&amp;&gt;">'));
  assert.ok(html.includes('<meta name="twitter:description" content="第一段有内容。">'));
  // A Host header with junk cannot inject markup into the canonical URL.
  const res = await fetch(`${srv.base}/u/disco`, { headers: { host: 'evil.example"><script>' } });
  assert.doesNotMatch(await res.text(), /<script>/);
});

test('JSON Feed entries carry the declaration and the statement in content_html', async () => {
  const j = await (await fetch(srv.base + '/feed.json')).json();
  const item = j.items.find((i) => i.url.endsWith(work.id));
  assert.match(item.content_html, /^<p class="declaration">个人观点,仅供参考 \/ Personal opinion, for reference only<\/p>/);
  assert.match(item.content_html, /<p class="statement">[^<]*仅提供信息存储服务[^<]*<\/p>$/);
});

test('robots.txt points crawlers to the sitemap and keeps them out of private pages; every page links the icon', async () => {
  const r = await fetch(srv.base + '/robots.txt');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const txt = await r.text();
  assert.match(txt, /^User-agent: \*$/m);
  for (const p of ['/studio', '/mod', '/admin', '/api/']) assert.match(txt, new RegExp(`^Disallow: ${p}$`, 'm'));
  assert.match(txt, new RegExp(`^Sitemap: ${srv.base}/sitemap.xml$`, 'm'));
  assert.doesNotMatch(txt, /^Disallow: \/$/m, 'the works stay open to crawlers');
  for (const page of ['/', `/a/${work.id}`, '/login']) {
    const html = await (await fetch(srv.base + page)).text();
    const icon = html.match(/<link rel="icon" type="image\/svg\+xml" href="(\/static\/icon\.[0-9a-f]{8}\.svg)">/);
    assert.ok(icon, `${page} links the icon`);
    const res = await fetch(srv.base + icon[1]);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.match(res.headers.get('cache-control'), /immutable/);
    assert.match(await res.text(), /^<svg /);
  }
  const fav = await fetch(srv.base + '/favicon.ico');
  assert.equal(fav.status, 200, 'no 404 where browsers look without a link');
  assert.equal(fav.headers.get('content-type'), 'image/svg+xml');
});

test('the sitemap splits past 50,000 URLs, the home page counted', async () => {
  // 50,000 more published works, written straight into the database (the API
  // would take minutes); the sitemap is read for the first time after this,
  // so no cached copy is in the way.
  const onPg = fs.existsSync(path.join(srv.dataDir, 'hao.conf'));
  const cols = 'INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, updated_at, published_at)';
  const sql = onPg
    ? `${cols} SELECT lpad(to_hex(i), 16, '0'), 1, 't' || i, 'b', 'published', 'h' || i, 1, 1, 1000 + i FROM generate_series(1, 50000) AS i`
    : `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
    ${cols} SELECT printf('%016x', i), 1, 't' || i, 'b', 'published', 'h' || i, 1, 1, 1000 + i FROM n;`;
  const r = siteSql(srv.dataDir, sql);
  assert.equal(r.status, 0, r.stderr);
  const index = await (await fetch(srv.base + '/sitemap.xml')).text();
  assert.match(index, /<sitemapindex /);
  assert.equal((index.match(/<sitemap>/g) || []).length, 2);
  const p1 = await (await fetch(srv.base + '/sitemap-1.xml')).text();
  const p2 = await (await fetch(srv.base + '/sitemap-2.xml')).text();
  const n1 = (p1.match(/<url>/g) || []).length, n2 = (p2.match(/<url>/g) || []).length;
  assert.equal(n1, 50000, 'a sitemap file holds at most 50,000 URLs');
  assert.equal(n2, 2, 'home + 50,001 works = 50,002 URLs');
  assert.ok(p1.includes(`<loc>${srv.base}/</loc>`));
  assert.ok(p2.includes(`/a/${work.id}</loc>`), 'the newest work is on the last page');
  assert.equal((await fetch(srv.base + '/sitemap-3.xml')).status, 404);
});
