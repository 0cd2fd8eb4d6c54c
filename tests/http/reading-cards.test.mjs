// Reading (issue 18, item 5): summaries from the first real paragraph or
// the creator's own, cover pictures as card thumbnails and og:image, lang on
// a work's text by its language, the language switch returning to the same
// page, and the footer's 订阅 leading to a page about that page's feeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir } from './harness.mjs';

let srv, alice, bob, dir;

function api(method, p, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
async function create(token, fields) {
  const r = await api('POST', '/api/v1/articles', token, { declaration: 'none', ...fields });
  const j = await r.json();
  assert.equal(r.status, 201, JSON.stringify(j));
  return j;
}
async function publish(token, id) {
  const r = await api('POST', `/api/v1/articles/${id}/publish`, token);
  assert.equal(r.status, 200, await r.text());
}
async function picture(token, name, w, h, alt) {
  const file = path.join(dir, name);
  execFileSync('vips', ['black', file, String(w), String(h)], { stdio: 'pipe' });
  const fd = new FormData();
  fd.append('alt', alt);
  fd.append('file', new Blob([fs.readFileSync(file)], { type: 'image/png' }), name);
  const r = await fetch(srv.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } });
  const j = await r.json();
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(j));
  return j;
}
const page = async (p, lang = 'zh') => {
  const r = await fetch(srv.base + p, { headers: { cookie: `hao_lang=${lang}` } });
  return { status: r.status, html: await r.text() };
};
// The card of work id on a list page's HTML.
function card(html, id) {
  const cards = html.split('<article class="card').slice(1);
  const c = cards.find((x) => x.includes(`href="/a/${id}"`));
  assert.ok(c, `a card for ${id}`);
  return c.slice(0, c.indexOf('</article>'));
}

before(async () => {
  dir = tmpDir();
  srv = await startServer();
  addUser(srv.dataDir, 'alice', 'creator', 'alice-pass-123', 'Alice');
  addUser(srv.dataDir, 'bob', 'creator', 'bob-pass-1234', 'Bob');
  alice = await apiToken(srv.base, 'alice', 'alice-pass-123');
  bob = await apiToken(srv.base, 'bob', 'bob-pass-1234');
});
after(async () => { await srv.stop(); });

test('the generated summary is the first real paragraph, never headings, cells, code or alt text', async () => {
  const body = '# 标题不该出现\n\n| 单元格甲 | 单元格乙 |\n|---|---|\n| 表格内容 | 更多 |\n\n' +
    '![替代文字](/m/doesnotexist)\n\n```\n代码块内容\n```\n\n' +
    '这是**第一段**真正的正文,&amp; 它有 `行内代码`。\n第二行。\n\n第二段不该出现。';
  const w = await create(alice, { title: '摘要测试', body, tags: ['阅读'] });
  await publish(alice, w.id);
  const c = card((await page('/')).html, w.id);
  const ex = /<p class="excerpt">([^<]*)<\/p>/.exec(c);
  assert.ok(ex, c);
  assert.equal(ex[1], '这是第一段真正的正文,&amp; 它有 行内代码。 第二行。');
  for (const bad of ['标题不该出现', '单元格', '表格内容', '替代文字', '代码块内容', '第二段']) assert.ok(!c.includes(bad), bad);
  // The same summary in the feeds, the API list and the page's description.
  const atom = await (await fetch(srv.base + '/feed.atom')).text();
  assert.match(atom, /<summary>这是第一段真正的正文/);
  const list = await (await api('GET', '/api/v1/articles?author=alice', alice)).json();
  const item = list.articles.find((x) => x.id === w.id);
  assert.match(item.excerpt, /^这是第一段真正的正文/);
  assert.match((await page(`/a/${w.id}`)).html, /<meta name="description" content="这是第一段真正的正文/);
});

test("a creator's own summary replaces the generated one; a bad one is refused and changes nothing", async () => {
  const w = await create(alice, { title: 'Own summary', body: 'Body paragraph.', summary: '  My <own> summary.  ' });
  assert.equal(w.summary, 'My <own> summary.');
  await publish(alice, w.id);
  assert.match(card((await page('/')).html, w.id), /<p class="excerpt" lang="en">My &lt;own&gt; summary\.<\/p>/);
  for (const summary of ['长'.repeat(201), 'bad\u0001control', 42]) {
    const r = await api('PUT', `/api/v1/articles/${w.id}`, alice, { summary });
    assert.equal(r.status, 422);
    const j = await r.json();
    assert.equal(j.error.field, 'summary');
  }
  const again = await (await api('GET', `/api/v1/articles/${w.id}`, alice)).json();
  assert.equal(again.summary, 'My <own> summary.');
  assert.equal(again.rev, w.rev);
  // Cleared, the summary is generated again.
  assert.equal((await api('PUT', `/api/v1/articles/${w.id}`, alice, { summary: '' })).status, 200);
  assert.match(card((await page('/')).html, w.id), /<p class="excerpt" lang="en">Body paragraph\.<\/p>/);
});

test('the cover: the first picture by default, a chosen one when set, as a thumbnail variant and og:image', async () => {
  const big = await picture(alice, 'big.png', 1200, 800, '一张大图');
  const small = await picture(alice, 'small.png', 300, 200, 'small <one>');
  const theirs = await picture(bob, 'bob.png', 640, 480, 'bob');
  const w = await create(alice, { title: '封面', body: `开头一段。\n\n![一张大图](${big.url})\n\n![小图](${small.url})` });
  await publish(alice, w.id);
  let c = card((await page('/')).html, w.id);
  const img = /<img class="card-cover" src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]*)" loading="lazy"/.exec(c);
  assert.ok(img, c);
  assert.match(img[1], new RegExp(`^/m/${big.id}/w\\d+\\.webp$`));
  assert.equal(Number(img[3]) * 3, Number(img[2]) * 2, 'the aspect ratio is kept');
  assert.equal(img[4], '一张大图');
  assert.equal((await fetch(srv.base + img[1])).status, 200, 'the variant exists');
  let wp = (await page(`/a/${w.id}`)).html;
  assert.match(wp, new RegExp(`<meta property="og:image" content="http://[^"]+/m/${big.id}">`));
  assert.match(wp, /<meta property="og:image:width" content="1200">/);
  // Chosen: the small one (no variants: the picture itself).
  assert.equal((await api('PUT', `/api/v1/articles/${w.id}`, alice, { cover: small.id })).status, 200);
  c = card((await page('/')).html, w.id);
  assert.match(c, new RegExp(`<img class="card-cover" src="/m/${small.id}" width="300" height="200" alt="small &lt;one&gt;"`));
  // Not a picture of hers, or not an id: refused, nothing changes.
  for (const cover of [theirs.id, 'nope', '0123456789abcdef']) {
    const r = await api('PUT', `/api/v1/articles/${w.id}`, alice, { cover });
    assert.equal(r.status, 422, cover);
    assert.equal((await r.json()).error.field, 'cover');
  }
  assert.equal((await (await api('GET', `/api/v1/articles/${w.id}`, alice)).json()).cover, small.id);
  // A work without pictures has no cover and no og:image.
  const plain = await create(alice, { title: 'Plain', body: 'Words only.' });
  await publish(alice, plain.id);
  assert.ok(!card((await page('/')).html, plain.id).includes('<img'));
  assert.ok(!(await page(`/a/${plain.id}`)).html.includes('og:image'));
  // The JSON Feed gives the cover as the item's image.
  const jf = await (await fetch(srv.base + '/feed.json')).json();
  assert.equal(jf.items.find((i) => i.id.endsWith(w.id)).image, `${srv.base}/m/${small.id}`);
  assert.equal(jf.items.find((i) => i.id.endsWith(plain.id)).image, undefined);
  // Author and tag pages show the cards with covers too.
  assert.match((await page('/u/alice')).html, /class="card-cover"/);
});

test('lang on the work: a Chinese work inside an English page, an English one inside a Chinese page', async () => {
  const zh = await create(alice, { title: '中文作品', body: '这是一篇中文作品,用来检查语言标记。', tags: ['语言'] });
  const en = await create(alice, { title: 'An English work', body: 'This is written in English, with 一个 word.' });
  await publish(alice, zh.id);
  await publish(alice, en.id);
  const zhPage = (await page(`/a/${zh.id}`, 'en')).html;
  assert.match(zhPage, /<html lang="en">/);
  assert.match(zhPage, /<h1 lang="zh-CN">中文作品<\/h1>/);
  assert.match(zhPage, /<div class="work-text" lang="zh-CN"><div class="body">/);
  const enPage = (await page(`/a/${en.id}`, 'zh')).html;
  assert.match(enPage, /<div class="work-text" lang="en"><div class="body">/);
  assert.match(card((await page('/t/%E8%AF%AD%E8%A8%80', 'en')).html, zh.id), /<h2 lang="zh-CN">/);
  // Feeds mark each entry's language too.
  const atom = await (await fetch(srv.base + '/u/alice/feed.atom')).text();
  assert.match(atom, /<entry xml:lang="zh-CN">\n<title>中文作品<\/title>/);
  assert.match(atom, /<entry xml:lang="en">\n<title>An English work<\/title>/);
  const jf = await (await fetch(srv.base + '/u/alice/feed.json')).json();
  assert.equal(jf.items.find((i) => i.title === '中文作品').language, 'zh-CN');
  assert.equal(jf.items.find((i) => i.title === 'An English work').language, 'en');
});

test('the language switch returns to the same page, and only to a page of this site', async () => {
  const home = (await page('/u/alice?before=9999999999', 'zh')).html;
  assert.match(home, /href="\/lang\?to=en&amp;back=%2Fu%2Falice%3Fbefore%3D9999999999"/);
  const go = async (q) => fetch(srv.base + '/lang?' + q, { redirect: 'manual' });
  let r = await go('to=en&back=%2Fu%2Falice%3Fbefore%3D9999999999');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/u/alice?before=9999999999');
  assert.match(r.headers.get('set-cookie'), /hao_lang=en/);
  for (const back of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/a b', 'a/b']) {
    r = await go('to=zh&back=' + encodeURIComponent(back));
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/', back);
  }
  assert.equal((await go('to=xx&back=%2F')).status, 400);
});

test("the footer's 订阅 leads to a page about the feeds of the page it is on", async () => {
  assert.match((await page('/')).html, /<a href="\/feeds">订阅<\/a>/);
  assert.match((await page('/u/alice')).html, /<a href="\/feeds\?u=alice">订阅<\/a>/);
  assert.match((await page('/t/%E8%AF%AD%E8%A8%80')).html, /<a href="\/feeds\?t=%E8%AF%AD%E8%A8%80">订阅<\/a>/);
  assert.ok(!(await page('/a/x')).html.includes('href="/feed.atom">'), 'no raw XML link in the footer');
  const a = await page('/feeds?u=alice');
  assert.equal(a.status, 200);
  assert.match(a.html, /<a href="\/u\/alice\/feed\.atom">/);
  assert.match(a.html, /<a href="\/u\/alice\/feed\.json">/);
  assert.match(a.html, /<code class="feed-url">http:\/\/[^<]+\/u\/alice\/feed\.atom<\/code>/);
  assert.match(a.html, /<a href="\/feed\.atom">/);
  const t = await page('/feeds?t=%E8%AF%AD%E8%A8%80');
  assert.match(t.html, /<a href="\/t\/%E8%AF%AD%E8%A8%80\/feed\.atom">/);
  assert.equal((await page('/feeds?u=nobody')).status, 404);
  assert.equal((await page('/feeds?t=' + encodeURIComponent('x'.repeat(40)))).status, 404);
  assert.equal((await page('/feeds')).status, 200);
});
