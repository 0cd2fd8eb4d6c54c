// Provenance through the API, the reader pages, feeds, the studio and the
// moderation view: AI labels from declarations, copies (洗稿) found on publish
// with the earliest work of the cluster as source, the 原创 claim refused for
// a copy, and boilerplate or degenerate text never judged a copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, addUser, apiToken, Client, tmpDir, siteSql } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

let srv, alice, bob, carol, dave;

before(async () => {
  srv = await startServer();
  for (const u of ['alice', 'bob', 'carol', 'dave']) addUser(srv.dataDir, u, 'creator', `${u}-password-1`);
  addUser(srv.dataDir, 'molly', 'moderator', 'molly-password-1');
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
  carol = await apiToken(srv.base, 'carol', 'carol-password-1');
  dave = await apiToken(srv.base, 'dave', 'dave-password-1');
});
after(async () => { await srv?.stop(); });

function api(method, path, token, body) {
  const h = {};
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  return fetch(srv.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function create(token, fields, status = 201) {
  const res = await api('POST', '/api/v1/articles', token, fields);
  const j = await res.json();
  assert.equal(res.status, status, JSON.stringify(j));
  return j;
}

async function publish(token, id, status = 200) {
  const res = await api('POST', `/api/v1/articles/${id}/publish`, token);
  const j = await res.json();
  assert.equal(res.status, status, JSON.stringify(j));
  return j;
}

// An original article (our own prose, five paragraphs).
const ORIGINAL = [
  '清晨六点,老街的早点铺子已经冒起了热气。老板娘把揉好的面团摔在案板上,啪的一声,惊醒了门口打盹的黄狗。第一锅油条下锅的时候,巷子口已经排起了队。',
  '排队的人大多是附近的老住户,彼此都认识。退休的王老师每天都要两根油条一碗豆浆,二十年没换过口味。他说年轻时在外地教书,最想念的就是这一口。',
  '铺子开了快三十年,墙上的价目表换过五次。最早一根油条五分钱,现在要一块五。老板娘说面粉和油都涨了价,可她还是坚持每天现炸,不用隔夜的油。',
  '附近的楼盘一栋接一栋盖起来,老街的住户越来越少。有人劝她搬到新区去开店,说那里人多生意好。她摇摇头说,老顾客找不到我怎么办。',
  '太阳升高以后,队伍慢慢散了。老板娘擦干净案板,坐下来给自己盛了一碗豆浆。街对面的拆迁公告被风吹得哗哗响,她看了一眼,又低头喝起来。',
].join('\n\n');

// bob's 洗稿: sentences reordered, some words swapped, punctuation changed,
// the fourth paragraph dropped, one paragraph of his own added.
const REWRITE = [
  '巷子口已经排起了队,第一锅油条下锅了。清晨六点 老街的早点铺子已经冒起了热气!老板娘把揉好的面团摔在案板上 啪的一声 惊醒了门口打盹的黄狗',
  '排队的人大多是附近的老住户,彼此都认识……退休的王老师每天都要两根油条一碗豆浆,二十年没换过口味;他说年轻时在外地教学,最想念的就是这一口',
  '我也常去这家店,觉得味道确实不错,推荐大家有空去尝尝。',
  '铺子开了快三十年,墙上的价格表换过五次。最早一根油条五分钱,现在要一块五。老板娘说面粉和油都涨了价,可她还是坚持每天现炸,不用隔夜的油。',
  '太阳升高以后,队伍渐渐散了。老板娘擦干净案板,坐下来给自己盛了一碗豆浆。街对面的拆迁公告被风吹得哗哗响,她看了一眼,又低头喝起来。',
].join('\n\n');

const STATEMENT = '特别声明:以上内容(如有图片或视频亦包括在内)为「hao」用户上传并发布,本平台仅提供信息存储服务。';
const HEADER = '点击上方蓝字关注我们,每天为你分享有趣有用的生活小知识,记得点赞收藏转发哦!';

let aliceId, bobId;

test('an original, then a rewritten copy by another creator: similar_to and source_id name the original', async () => {
  const a = await create(alice, { title: '老街的早点铺', body: ORIGINAL, declaration: 'none', original: true });
  assert.equal(a.original, true);
  assert.deepEqual(a.provenance, { ai_label: 'none', similar_to: [], source_id: null });
  aliceId = a.id;
  const pa = await publish(alice, aliceId);
  assert.deepEqual(pa.provenance.similar_to, []);
  assert.equal(pa.provenance.source_id, null);

  const b = await create(bob, { title: '一家老店', body: REWRITE, declaration: 'web-sourced' });
  bobId = b.id;
  const pb = await publish(bob, bobId);
  assert.equal(pb.provenance.similar_to.length, 1, JSON.stringify(pb.provenance));
  assert.equal(pb.provenance.similar_to[0].id, aliceId);
  assert.ok(pb.provenance.similar_to[0].score >= 0.45 && pb.provenance.similar_to[0].score <= 1);
  assert.equal(pb.provenance.source_id, aliceId);
  const audit = siteSql(srv.dataDir, `SELECT detail FROM audit_log WHERE action = 'work.copy' AND subject = 'work:${bobId}'`);
  assert.match(audit.stdout, new RegExp(`overlaps ${aliceId} .*source ${aliceId}`), 'the verdict is in the audit log');

  // The same through GET, for anyone; the original stays clean.
  const g = await (await api('GET', `/api/v1/articles/${bobId}`)).json();
  assert.equal(g.provenance.source_id, aliceId);
  const ga = await (await api('GET', `/api/v1/articles/${aliceId}`)).json();
  assert.deepEqual(ga.provenance.similar_to, []);
  assert.equal(ga.provenance.source_id, null);
});

test('the copy\'s page links to the source; the source\'s page does not', async () => {
  const html = await (await fetch(`${srv.base}/a/${bobId}`, { headers: { 'accept-language': 'zh' } })).text();
  assert.match(html, new RegExp(`class="source" data-source="${aliceId}"`));
  assert.match(html, new RegExp(`<a class="source-link" href="/a/${aliceId}">老街的早点铺</a>`));
  assert.match(html, /首发\/来源/);
  const en = await (await fetch(`${srv.base}/a/${bobId}`, { headers: { 'accept-language': 'en' } })).text();
  assert.match(en, /First published \/ source/);
  // On bob's author page, the card links to the source too.
  const cards = await (await fetch(`${srv.base}/u/bob`, { headers: { 'accept-language': 'zh' } })).text();
  assert.match(cards, new RegExp(`<p class="source">首发/来源: <a href="/a/${aliceId}">查看首发作品</a></p>`));
  const orig = await (await fetch(`${srv.base}/a/${aliceId}`)).text();
  assert.doesNotMatch(orig, /class="source"/);
  assert.match(orig, /class="original-badge"/);
});

test('claiming 原创 for a copy is refused with 422 and changes nothing', async () => {
  // On create.
  const res = await api('POST', '/api/v1/articles', carol, { title: '抄来的', body: REWRITE, original: true });
  assert.equal(res.status, 422);
  const e = await res.json();
  assert.equal(e.error.code, 'not_original');
  assert.equal(e.error.field, 'original');
  assert.equal(e.error.source_id, aliceId);
  // On update of a draft, and the draft keeps original=false.
  const d = await create(carol, { title: '草稿', body: REWRITE });
  const up = await api('PUT', `/api/v1/articles/${d.id}`, carol, { original: true });
  assert.equal(up.status, 422);
  assert.equal((await up.json()).error.code, 'not_original');
  const back = await (await api('GET', `/api/v1/articles/${d.id}`, carol)).json();
  assert.equal(back.original, false);
  assert.equal(back.rev, 1);
  // bob's published copy cannot become "original" either.
  const ub = await api('PUT', `/api/v1/articles/${bobId}`, bob, { original: true });
  assert.equal(ub.status, 422);
  // A wrong type is a plain validation error.
  const bad = await api('PUT', `/api/v1/articles/${d.id}`, carol, { original: 'yes' });
  assert.equal(bad.status, 422);
  assert.equal((await bad.json()).error.field, 'original');
  await api('DELETE', `/api/v1/articles/${d.id}`, carol);
});

// The original converted to traditional characters by OpenCC itself (its
// Taiwan standard with phrases, s2twp), as a plagiarist's tool would.
function traditional(text) {
  const r = spawnSync('opencc', ['-c', 's2twp.json'], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(r.stdout.trim(), text.trim(), 'OpenCC converted it');
  return r.stdout;
}

test('a copy converted to traditional characters is a copy: the 原创 claim is refused and the source named', async () => {
  const tw = traditional(ORIGINAL);
  const res = await api('POST', '/api/v1/articles', carol, { title: '老街的早點鋪', body: tw, original: true });
  assert.equal(res.status, 422);
  const e = await res.json();
  assert.equal(e.error.code, 'not_original');
  assert.equal(e.error.source_id, aliceId);
  // Published without the claim, it names the original as its source.
  const c = await create(carol, { title: '老街的早點鋪', body: tw });
  const p = await publish(carol, c.id);
  assert.equal(p.provenance.source_id, aliceId, JSON.stringify(p.provenance));
  assert.ok(p.provenance.similar_to.find((m) => m.id === aliceId).score >= 0.9, JSON.stringify(p.provenance));
  await api('DELETE', `/api/v1/articles/${c.id}`, carol);
});

test('a copy of the copy names the earliest work of the cluster as its source', async () => {
  const c = await create(carol, { title: '转载', body: REWRITE + '\n\n转自网络,侵删。', declaration: 'web-sourced' });
  const p = await publish(carol, c.id);
  const ids = p.provenance.similar_to.map((x) => x.id).sort();
  assert.deepEqual(ids, [aliceId, bobId].sort());
  assert.equal(p.provenance.source_id, aliceId);
});

test('the same creator republishing their own text is not a copy', async () => {
  const again = await create(alice, { title: '老街的早点铺(重发)', body: ORIGINAL, original: true });
  const p = await publish(alice, again.id);
  assert.deepEqual(p.provenance.similar_to, []);
  assert.equal(p.original, true);
});

test('boilerplate only: the platform statement and a common header are not copying', async () => {
  const x = await create(dave, {
    title: '周末去爬山',
    body: `${HEADER}\n\n周末和朋友去爬了香山,山上的枫叶还没红透。\n\n${STATEMENT}`,
  });
  const y = await create(carol, {
    title: '如何挑西瓜',
    body: `${HEADER}\n\n挑西瓜要看纹路是否清晰,拍起来声音要清脆。\n\n${STATEMENT}`,
    original: true,
  });
  const px = await publish(dave, x.id);
  const py = await publish(carol, y.id);
  assert.deepEqual(px.provenance.similar_to, []);
  assert.deepEqual(py.provenance.similar_to, []);
  assert.equal(py.original, true);
  // A long footer both carry after articles of their own: no copy.
  const FOOTER = '本文由某某文化传媒整理发布,图片来源于网络,如有侵权请联系删除。欢迎关注我们的账号,每天为你带来最新最全的娱乐资讯、生活百科与情感故事,喜欢的话请点赞、收藏、转发给更多的朋友吧!';
  const u = await create(dave, { title: '老街', body: `${ORIGINAL}\n\n${FOOTER}\n\n${STATEMENT}` .replace(ORIGINAL, '秋天的公园里,银杏叶落了一地,金黄金黄的,像铺了一层地毯。孩子们在树下追逐打闹,把落叶抛向空中。几位老人坐在长椅上下棋,旁边围了一圈看热闹的人。湖面上有几只野鸭游来游去,时不时扎进水里捉鱼。傍晚起风了,人们裹紧外套,三三两两地往家走。') });
  const v = await create(carol, { title: '做饭', body: `周末在家学做红烧肉。先把五花肉切块焯水,再用冰糖炒出糖色,下肉翻炒上色。加入生抽、老抽、料酒和八角桂皮,倒开水没过肉块,小火炖一个小时。最后大火收汁,肉色红亮,肥而不腻。家里人都说比饭店做的还好吃,下次还要再做。\n\n${FOOTER}\n\n${STATEMENT}`, original: true });
  assert.deepEqual((await publish(dave, u.id)).provenance.similar_to, []);
  const pv = await publish(carol, v.id);
  assert.deepEqual(pv.provenance.similar_to, []);
  assert.equal(pv.provenance.source_id, null);
  // Once three creators carry the footer it is known as boilerplate, and a
  // fourth work with one sentence of its own is no copy either.
  const w3 = await create(alice, { title: '短', body: `秋天到了。\n\n${FOOTER}` });
  await publish(alice, w3.id);
  const w4 = await create(bob, { title: '短2', body: `冬天要来了,多穿衣服。\n\n${FOOTER}`, original: true });
  const p4 = await publish(bob, w4.id);
  assert.deepEqual(p4.provenance.similar_to, []);
});

test('degenerate text: punctuation only, one sentence, one repeated character: published, never a copy', async () => {
  const bodies = ['。。。!!!???,,,…… —— ~~~', '   \u3000  \n\n \t', '今天天气很好。', '哈'.repeat(60000)];
  for (const body of bodies) {
    for (const who of [bob, dave]) {
      const w = await create(who, { title: '怪文', body, original: true });
      const res = await api('POST', `/api/v1/articles/${w.id}/publish`, who);
      const j = await res.json();
      if (body.trim() === '') {
        assert.equal(res.status, 422); // an empty body cannot be published at all
        continue;
      }
      assert.equal(res.status, 200, JSON.stringify(j));
      assert.deepEqual(j.provenance.similar_to, []);
      assert.equal(j.provenance.source_id, null);
    }
  }
});

test('AI labels: declared from the declaration, above the title, on cards, in feeds and the API', async () => {
  const g = await create(dave, { title: 'AI写的诗', body: '春风又绿江南岸,这是一首由模型生成的小诗。', declaration: 'ai-generated' });
  assert.equal(g.provenance.ai_label, 'declared');
  await publish(dave, g.id);
  const s = await create(dave, { title: 'AI帮我润色', body: '这篇文章的语句经过AI润色。', declaration: 'ai-assisted' });
  assert.equal(s.provenance.ai_label, 'declared');
  await publish(dave, s.id);

  const page = await (await fetch(`${srv.base}/a/${g.id}`, { headers: { 'accept-language': 'zh' } })).text();
  const label = page.indexOf('class="ai-label" data-label="declared">AI生成</p>');
  assert.ok(label > 0, 'label on the work page');
  assert.ok(label < page.indexOf('<h1>AI写的诗</h1>'), 'label above the title');
  const assisted = await (await fetch(`${srv.base}/a/${s.id}`, { headers: { 'accept-language': 'en' } })).text();
  assert.match(assisted, /data-label="declared">AI-assisted<\/p>/);

  const home = await (await fetch(`${srv.base}/?lang=zh`, { headers: { 'accept-language': 'zh' } })).text();
  const card = home.slice(home.indexOf(`<a href="/a/${g.id}">`) - 300, home.indexOf(`<a href="/a/${g.id}">`));
  assert.match(card, /class="ai-label" data-label="declared">AI生成/);
  const author = await (await fetch(`${srv.base}/u/dave`)).text();
  assert.match(author, /data-label="declared"/);

  const atom = await (await fetch(`${srv.base}/feed.atom`)).text();
  assert.match(atom, /<category scheme="urn:hao:ai-label" term="declared" label="AI生成"\/>/);
  assert.match(atom, new RegExp(`<link rel="related" type="text/html" title="source" href="http://127\\.0\\.0\\.1:\\d+/a/${aliceId}"/>`));
  // Still valid Atom (RFC 4287) with the label categories and source links.
  const f = path.join(tmpDir(), 'feed.atom');
  fs.writeFileSync(f, atom);
  const v = spawnSync('xmllint', ['--noout', '--relaxng', path.join(here, 'schemas/atom.rng'), f], { encoding: 'utf8' });
  assert.equal(v.status, 0, `xmllint: ${v.stderr}`);
  const feed = await (await fetch(`${srv.base}/feed.json`)).json();
  const item = feed.items.find((i) => i.id.endsWith(`/a/${g.id}`));
  assert.equal(item._hao.provenance.ai_label, 'declared');
  assert.match(item.content_html, /AI生成 \/ AI-generated/);
  const copy = feed.items.find((i) => i.id.endsWith(`/a/${bobId}`));
  assert.equal(copy._hao.provenance.source_id, aliceId);

  const list = await (await api('GET', '/api/v1/articles?author=dave')).json();
  assert.ok(list.articles.some((a) => a.id === g.id && a.provenance.ai_label === 'declared'));
  const plain = list.articles.find((a) => a.title === '周末去爬山');
  assert.equal(plain.provenance.ai_label, 'none');
});

test('studio: the creator sees the overlap and the side-by-side comparison; others do not', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.login('bob', 'bob-password-1')).status, 303);
  const edit = await (await c.get(`/studio/${bobId}`)).text();
  assert.match(edit, /class="alert originality-warning"/);
  assert.match(edit, new RegExp(`href="/a/${aliceId}">老街的早点铺</a>`));
  assert.match(edit, new RegExp(`href="/studio/${bobId}/originality"`));
  const mine = await (await c.get('/studio')).text();
  assert.match(mine, new RegExp(`<a class="overlap" href="/studio/${bobId}/originality">`));
  const cmp = await c.get(`/studio/${bobId}/originality`);
  assert.equal(cmp.status, 200);
  const html = await cmp.text();
  assert.match(html, /class="side-by-side"/);
  assert.match(html, /<mark>[^<]*油条/);
  assert.match(html, /我也常去这家店/); // bob's own paragraph is shown, unmarked
  assert.doesNotMatch(html, /<mark>我也常去这家店/);
  // Someone else's work: 403; anonymous: to login.
  assert.equal((await c.get(`/studio/${aliceId}/originality`)).status, 403);
  assert.notEqual((await fetch(`${srv.base}/studio/${bobId}/originality`, { redirect: 'manual' })).status, 200);
  // A creator cannot use the moderation view.
  assert.equal((await c.get(`/mod/originality/${bobId}`)).status, 403);

  // Saving the published copy with the 原创 box ticked: refused in place, nothing saved.
  let csrf0 = await c.csrf(`/studio/${bobId}`);
  const before = await (await api('GET', `/api/v1/articles/${bobId}`)).json();
  const claim = await c.post(`/studio/${bobId}`, { csrf: csrf0, title: '一家老店', body: REWRITE + '\n\n补一句。', declaration: 'web-sourced', tags: '', original: '1', action: 'save' });
  assert.equal(claim.status, 422);
  assert.match(await claim.text(), /id="err-original"/);
  assert.equal((await (await api('GET', `/api/v1/articles/${bobId}`)).json()).rev, before.rev);
  // Editing the published copy into text of bob's own: rechecked, no longer a copy.
  csrf0 = await c.csrf(`/studio/${bobId}`);
  const own = '我家楼下新开了一家面馆,老板是山西人,刀削面做得特别地道。面条薄厚均匀,浇头是番茄鸡蛋和肉臊子,再加一勺老陈醋,酸香开胃。店面不大,只有六张桌子,中午总要排队。老板说等攒够了钱,想把隔壁的铺子也盘下来,多摆几张桌子。';
  const edited = await c.post(`/studio/${bobId}`, { csrf: csrf0, title: '一家老店', body: own, declaration: 'none', tags: '', action: 'save' });
  assert.equal(edited.status, 303);
  const after = await (await api('GET', `/api/v1/articles/${bobId}`)).json();
  assert.deepEqual(after.provenance.similar_to, []);
  // And back to the copied text, so the tests below still see bob's copy.
  csrf0 = await c.csrf(`/studio/${bobId}`);
  assert.equal((await c.post(`/studio/${bobId}`, { csrf: csrf0, title: '一家老店', body: REWRITE, declaration: 'web-sourced', tags: '', action: 'save' })).status, 303);
  assert.equal((await (await api('GET', `/api/v1/articles/${bobId}`)).json()).provenance.source_id, aliceId);

  // Publishing a copy with the 原创 box ticked from the studio: refused in place.
  const csrf = await c.csrf('/studio/new');
  const res = await c.post('/studio/new', { csrf, title: '再抄一次', body: REWRITE, declaration: 'none', tags: '', original: '1', action: 'publish' });
  assert.equal(res.status, 422);
  const form = await res.text();
  assert.match(form, /id="err-original"/);
  assert.match(form, new RegExp(`href="/a/${aliceId}"`));
});

test('moderators see the queue of copies and the comparison', async () => {
  const m = new Client(srv.base);
  assert.equal((await m.login('molly', 'molly-password-1')).status, 303);
  const list = await (await m.get('/mod/originality')).text();
  assert.match(list, new RegExp(`href="/mod/originality/${bobId}"`));
  const cmp = await m.get(`/mod/originality/${bobId}`);
  assert.equal(cmp.status, 200);
  assert.match(await cmp.text(), /<mark>/);
  assert.equal((await m.get('/mod/originality/0000000000000000')).status, 404);
  // A draft stays its author's, even for moderators.
  const d = await create(carol, { title: '私人草稿', body: REWRITE });
  assert.equal((await m.get(`/mod/originality/${d.id}`)).status, 404);
});

test('unpublishing the source: the copy no longer links to it', async () => {
  const w = await create(dave, { title: '临时原文', body: ORIGINAL.replaceAll('油条', '烧饼').replaceAll('老板娘', '店主') });
  // dave's text is alice's with two words swapped: a copy of alice's.
  const p = await publish(dave, w.id);
  assert.equal(p.provenance.source_id, aliceId);
  const e = await create(bob, { title: '又一个', body: ORIGINAL.replaceAll('油条', '烧饼').replaceAll('老板娘', '店主') });
  const pe = await publish(bob, e.id);
  assert.ok(pe.provenance.similar_to.some((x) => x.id === w.id));
  const un = await api('DELETE', `/api/v1/articles/${w.id}`, dave);
  assert.equal(un.status, 204);
  const again = await (await api('GET', `/api/v1/articles/${e.id}`)).json();
  assert.ok(!again.provenance.similar_to.some((x) => x.id === w.id));
  assert.equal(again.provenance.source_id, aliceId);
});

test('works published before the index existed are indexed at start', async () => {
  const s2 = await startServer();
  try {
    addUser(s2.dataDir, 'erin', 'creator', 'erin-password-1');
    addUser(s2.dataDir, 'fay', 'creator', 'fay-password-1');
    const erin = await apiToken(s2.base, 'erin', 'erin-password-1');
    const call = (m, p, t, b) => fetch(s2.base + p, { method: m, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: b && JSON.stringify(b) });
    const w = await (await call('POST', '/api/v1/articles', erin, { title: '旧作', body: ORIGINAL })).json();
    assert.equal((await call('POST', `/api/v1/articles/${w.id}/publish`, erin)).status, 200);
    await s2.stop();
    // As if published by a hao without provenance: no records, no index.
    const r = siteSql(s2.dataDir, 'DELETE FROM originality_band; DELETE FROM originality_line; DELETE FROM provenance;');
    assert.equal(r.status, 0, r.stderr);
    const s3 = await startServer({ dataDir: s2.dataDir });
    try {
      assert.match(s3.stdout, /indexed 1 published works for the originality check/);
      const fay = await apiToken(s3.base, 'fay', 'fay-password-1');
      const c = await (await fetch(s3.base + '/api/v1/articles', { method: 'POST', headers: { authorization: `Bearer ${fay}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: '新抄', body: REWRITE }) })).json();
      const p = await (await fetch(`${s3.base}/api/v1/articles/${c.id}/publish`, { method: 'POST', headers: { authorization: `Bearer ${fay}` } })).json();
      assert.equal(p.provenance.source_id, w.id);
    } finally {
      await s3.stop();
    }
  } finally {
    if (s2.proc.exitCode === null) await s2.stop();
  }
});

test('a site indexed before traditional characters were folded is re-keyed once at start', async () => {
  const s2 = await startServer();
  try {
    addUser(s2.dataDir, 'gina', 'creator', 'gina-password-1');
    addUser(s2.dataDir, 'hugo', 'creator', 'hugo-password-1');
    const gina = await apiToken(s2.base, 'gina', 'gina-password-1');
    const call = (m, p, t, b) => fetch(s2.base + p, { method: m, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: b && JSON.stringify(b) });
    // The original is in traditional characters.
    const w = await (await call('POST', '/api/v1/articles', gina, { title: '舊作', body: traditional(ORIGINAL) })).json();
    assert.equal((await call('POST', `/api/v1/articles/${w.id}/publish`, gina)).status, 200);
    await s2.stop();
    // As an earlier hao left it: its band keys were of the unfolded text
    // (none of them match folded text), and the site is at version 1.
    let r = siteSql(s2.dataDir, "DELETE FROM originality_band; DELETE FROM settings WHERE key = 'originality_norm';");
    assert.equal(r.status, 0, r.stderr);
    const s3 = await startServer({ dataDir: s2.dataDir });
    try {
      assert.match(s3.stdout, /re-keyed 1 published works for the originality check/);
      assert.equal(siteSql(s2.dataDir, "SELECT value FROM settings WHERE key = 'originality_norm'").stdout.trim(), '2');
      const hugo = await apiToken(s3.base, 'hugo', 'hugo-password-1');
      const h = { authorization: `Bearer ${hugo}`, 'content-type': 'application/json' };
      const c = await (await fetch(s3.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '简体的抄本', body: ORIGINAL }) })).json();
      const p = await (await fetch(`${s3.base}/api/v1/articles/${c.id}/publish`, { method: 'POST', headers: h })).json();
      assert.equal(p.provenance.source_id, w.id, JSON.stringify(p.provenance));
    } finally {
      await s3.stop();
    }
    // Once: the next start has nothing to do.
    const s4 = await startServer({ dataDir: s2.dataDir });
    assert.doesNotMatch(s4.stdout, /re-keyed/);
    await s4.stop();
  } finally {
    if (s2.proc.exitCode === null) await s2.stop();
  }
});

test('a label from media (the hook the media upload feeds): detected, shown and explained to the creator', async () => {
  const w = await create(dave, { title: '带图的作品', body: '这篇作品里有一张由模型生成的图片,创作者没有声明。' });
  await publish(dave, w.id);
  // What provenance_set_media_label() stores, written here as the media branch would.
  const r = siteSql(srv.dataDir, `UPDATE provenance SET media_label = 'detected' WHERE work_id = '${w.id}'`);
  assert.equal(r.status, 0, r.stderr);
  const j = await (await api('GET', `/api/v1/articles/${w.id}`)).json();
  assert.equal(j.provenance.ai_label, 'detected');
  const page = await (await fetch(`${srv.base}/a/${w.id}`, { headers: { 'accept-language': 'en' } })).text();
  assert.match(page, /<p class="ai-label" data-label="detected" title="[^"]+">AI-generated<\/p>/);
  const c = new Client(srv.base);
  await c.login('dave', 'dave-password-1');
  const edit = await (await c.get(`/studio/${w.id}`, { 'accept-language': 'en' })).text();
  assert.match(edit, /class="notice-ok ai-why"[^>]*>AI-generated: Pictures or videos in this work carry an AI-generated label/);
});
