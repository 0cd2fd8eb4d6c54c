// Feeds (Atom validated against RFC 4287 with xmllint, JSON Feed 1.1), conditional GET, sitemap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, addUser, apiToken } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
let srv, token, pub, draft;

async function call(method, p, body) {
  const res = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.status === 204 ? null : res.json();
}

before(async () => {
  srv = await startServer();
  await addUser(srv.dataDir, 'feeder', 'creator', 'feeder-password-1');
  token = await apiToken(srv.base, 'feeder', 'feeder-password-1');
  pub = await call('POST', '/api/v1/articles', { title: '订阅 & <测试>', body: '正文 **一** 段。\n\n第二段。', declaration: 'fiction', tags: ['小说'] });
  await call('POST', `/api/v1/articles/${pub.id}/publish`);
  draft = await call('POST', '/api/v1/articles', { title: '草稿', body: '不应出现', tags: ['小说'] });
});
after(async () => { await srv?.stop(); });

function validAtom(xml) {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hao-feed-')), 'feed.xml');
  fs.writeFileSync(f, xml);
  const r = spawnSync('xmllint', ['--noout', '--relaxng', path.join(here, 'schemas/atom.rng'), f], { encoding: 'utf8' });
  assert.equal(r.status, 0, `xmllint: ${r.stderr}`);
}

for (const p of ['/feed.atom', '/u/feeder/feed.atom', '/t/' + encodeURIComponent('小说') + '/feed.atom']) {
  test(`Atom ${p} is valid RFC 4287 with declaration and statement`, async () => {
    const res = await fetch(srv.base + p);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /application\/atom\+xml/);
    const xml = await res.text();
    validAtom(xml);
    assert.ok(xml.includes(`/a/${pub.id}</id>`));
    assert.ok(xml.includes('订阅 &amp; &lt;测试&gt;'));
    assert.ok(!xml.includes(draft.id), 'drafts stay out');
    assert.ok(xml.includes('虚构演绎,故事经历'), 'declaration');
    assert.ok(xml.includes('仅提供信息存储服务'), 'statement');
  });
}

test('JSON Feed 1.1 for the site, author and tag', async () => {
  for (const p of ['/feed.json', '/u/feeder/feed.json', '/t/' + encodeURIComponent('小说') + '/feed.json']) {
    const res = await fetch(srv.base + p);
    assert.equal(res.status, 200, p);
    const j = await res.json();
    assert.equal(j.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(typeof j.title, 'string');
    const item = j.items.find((i) => i.url.endsWith(`/a/${pub.id}`));
    assert.ok(item, p);
    assert.match(item.content_html, /<strong>一<\/strong>/);
    assert.equal(item._hao.declaration.code, 'fiction');
    assert.ok(item._hao.statement.zh.includes('信息存储服务'));
    assert.ok(!j.items.some((i) => i.url.endsWith(draft.id)));
  }
  assert.equal((await fetch(srv.base + '/u/nobody/feed.json')).status, 404);
});

test('conditional GET: ETag and If-Modified-Since answer 304', async () => {
  const first = await fetch(srv.base + '/feed.atom');
  await first.text();
  const again = await fetch(srv.base + '/feed.atom');
  const etag = again.headers.get('etag');
  await again.text();
  assert.ok(etag, 'etag');
  const cond = await fetch(srv.base + '/feed.atom', { headers: { 'if-none-match': etag } });
  assert.equal(cond.status, 304);
  const lm = first.headers.get('last-modified');
  assert.ok(lm, 'last-modified');
  // A change makes the cached copy stale: a new ETag.
  await call('PUT', `/api/v1/articles/${pub.id}`, { body: '改了。' });
  const changed = await fetch(srv.base + '/feed.atom', { headers: { 'if-none-match': etag } });
  assert.equal(changed.status, 200);
  assert.ok((await changed.text()).includes('改了'));
});

test('autodiscovery links and the sitemap', async () => {
  const home = await (await fetch(srv.base + '/')).text();
  assert.match(home, /rel="alternate" type="application\/atom\+xml" href="\/feed.atom"/);
  assert.match(home, /rel="alternate" type="application\/feed\+json" href="\/feed.json"/);
  const sm = await fetch(srv.base + '/sitemap.xml');
  assert.equal(sm.status, 200);
  const xml = await sm.text();
  assert.ok(xml.includes(`/a/${pub.id}</loc>`));
  assert.ok(!xml.includes(draft.id));
  assert.equal((await fetch(srv.base + '/sitemap-9.xml')).status, 404);
  assert.equal((await fetch(srv.base + '/sitemap-x.xml')).status, 404);
});
