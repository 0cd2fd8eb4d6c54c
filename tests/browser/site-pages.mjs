// A site with something on every page type, for the checks that visit
// them all (html-validity.test.mjs: the Nu Html Checker; a11y-pages.test.mjs:
// axe at desktop and phone sizes): a published work with a picture, a
// table, code and a quote, a draft, revisions, a notice, a removed work
// (451), an admin and a creator.
//
//   const site = await pageSite();
//   site.pages: [{ name, path, who: 'anon'|'alice'|'root', status }]
//   site.clients: { anon, alice, root } (harness Clients), site.srv
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, siteSql } from '../http/harness.mjs';

export async function pageSite() {
  const dir = tmpDir();
  const srv = await startServer();
  addUser(srv.dataDir, 'root', 'admin', 'root-pass-12345', '站长');
  addUser(srv.dataDir, 'alice', 'creator', 'alice-pass-123', 'Alice 写作者');
  const token = await apiToken(srv.base, 'alice', 'alice-pass-123');
  const api = async (method, p, body) => {
    const r = await fetch(srv.base + p, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: await r.json().catch(() => null) };
  };
  const file = path.join(dir, 'p.png');
  execFileSync('vips', ['black', file, '800', '500'], { stdio: 'pipe' });
  const fd = new FormData();
  fd.append('alt', '一张黑色的图');
  fd.append('file', new Blob([fs.readFileSync(file)], { type: 'image/png' }), 'p.png');
  const media = await (await fetch(srv.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } })).json();
  const body = `# 小标题\n\n今天我们在深圳测试了无人机送货。\n\n![一张黑色的图](${media.url})\n\n| 城市 | 单数 |\n|:---|---:|\n| 深圳 | 128 |\n\n` +
    '> 引用一段。\n\n```\ncode <b>\n```\n\n- 一\n- 二\n\n[链接](https://example.com) 与 `行内代码`。';
  const mk = async (title, extra = {}) => {
    const r = await api('POST', '/api/v1/articles', { title, body, declaration: 'web-sourced', tags: ['阅读', '无人机'], ...extra });
    assert.equal(r.status, 201);
    return r.json.id;
  };
  const w1 = await mk('无人机送货的一天');
  await api('PUT', `/api/v1/articles/${w1}`, { body: body + '\n\n补充一段。' });
  assert.equal((await api('POST', `/api/v1/articles/${w1}/publish`)).status, 200);
  const en = await mk('A day of drone deliveries', { body: 'We tested drone deliveries in Shenzhen today.\n\nIt went well.', tags: ['drones'] });
  assert.equal((await api('POST', `/api/v1/articles/${en}/publish`)).status, 200);
  const draft = await mk('草稿一篇');
  const gone = await mk('被删除的作品');
  assert.equal((await api('POST', `/api/v1/articles/${gone}/publish`)).status, 200);
  const noticed = await mk('被投诉的作品');
  assert.equal((await api('POST', `/api/v1/articles/${noticed}/publish`)).status, 200);
  const n = await fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: '权利人', contact: 'owner@example.com', address: '北京市某区某路 1 号', urls: [`${srv.base}/a/${noticed}`],
      right: '著作权', original: 'https://example.com/original', good_faith: true, signature: '权利人',
    }),
  });
  const notice = await n.json();
  assert.equal(n.status, 201, JSON.stringify(notice));
  // A removed work (451), set directly: how it came to be removed is the trust part's.
  const q = siteSql(srv.dataDir, `UPDATE works SET status = 'taken_down' WHERE id = '${gone}'`);
  assert.equal(q.status, 0, q.stderr);

  const alice = new Client(srv.base);
  assert.equal((await alice.login('alice', 'alice-pass-123')).status, 303);
  const root = new Client(srv.base);
  assert.equal((await root.login('root', 'root-pass-12345')).status, 303);
  // A reader from another site, so the data pages have a referrers table (written within a second).
  await fetch(`${srv.base}/a/${w1}`, { headers: { 'user-agent': 'Mozilla/5.0 site-pages', referer: 'https://news.example.com/' } });
  const tag = encodeURIComponent('阅读');
  const pages = [];
  const add = (who, list, status = 200) => { for (const [name, p] of list) pages.push({ name, path: p, who, status }); };
  add('anon', [
    ['home', '/'], ['work', `/a/${w1}`], ['work-en', `/a/${en}`], ['author', '/u/alice'], ['tag', `/t/${tag}`],
    ['search', `/search?q=${encodeURIComponent('无人机')}`], ['search-empty', '/search'],
    ['notice', '/notice'], ['notice-prefilled', `/notice?url=/a/${w1}`], ['notice-status', notice.receipt],
    ['report', `/report?work=${w1}`], ['login', '/login'], ['register', '/register'], ['about', '/about'],
    ['transparency', '/transparency'], ['feeds', '/feeds'], ['feeds-author', '/feeds?u=alice'], ['feeds-tag', `/feeds?t=${tag}`],
  ]);
  add('anon', [['removed-451', `/a/${gone}`]], 451);
  add('anon', [['not-found', '/no/such/page']], 404);
  add('alice', [
    ['studio', '/studio'], ['editor-new', '/studio/new'], ['editor', `/studio/${w1}`], ['editor-draft', `/studio/${draft}`],
    ['revisions', `/studio/${w1}/revisions`], ['revision', `/studio/${w1}/revisions/1`], ['compare', `/studio/${w1}/compare`],
    ['originality', `/studio/${w1}/originality`], ['studio-notices', '/studio/notices'], ['studio-email', '/studio/email'],
    ['draft-page', `/a/${draft}`], ['work-signed-in', `/a/${w1}`],
    ['stats', '/studio/stats'], ['work-stats', `/studio/${w1}/stats`],
  ]);
  add('root', [
    ['mod', '/mod'], ['mod-notice', `/mod/notices/${notice.id}`], ['admin-settings', '/admin/settings'],
    ['admin-audit', '/admin/audit'], ['admin-invites', '/admin/invites'], ['mod-comments', '/mod/comments'],
    ['mod-originality', '/mod/originality'], ['admin-stats', '/admin/stats'],
  ]);
  return { srv, dir, pages, clients: { anon: new Client(srv.base), alice, root }, ids: { w1, en, draft, gone } };
}
