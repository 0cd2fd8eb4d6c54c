// Reading (issue 18, item 5), the editor side: summary and cover fields,
// the server-side autosave (replacing itself, never a revision, offered on
// any browser, spent by a real save), the diff between any two revisions,
// and the studio list's labels for the phone layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, siteSql } from './harness.mjs';

let srv, alice, bob, dir;

async function login(handle, pass) {
  const c = new Client(srv.base);
  assert.equal((await c.login(handle, pass)).status, 303);
  return c;
}
async function editorCsrf(c, p) {
  const html = await (await c.get(p)).text();
  return { html, csrf: /name="csrf" value="([0-9a-f]+)"/.exec(html)[1] };
}
const revCount = (id) => Number(siteSql(srv.dataDir, `SELECT count(*) FROM revisions WHERE work_id = '${id}'`).stdout.trim());
const autosaveRows = () => Number(siteSql(srv.dataDir, 'SELECT count(*) FROM autosaves').stdout.trim());

before(async () => {
  dir = tmpDir();
  srv = await startServer();
  addUser(srv.dataDir, 'alice', 'creator', 'alice-pass-123', 'Alice');
  addUser(srv.dataDir, 'bob', 'creator', 'bob-pass-1234', 'Bob');
  alice = await login('alice', 'alice-pass-123');
  bob = await login('bob', 'bob-pass-1234');
});
after(async () => { await srv.stop(); });

test('the editor saves a summary and a cover chosen among the work\'s own pictures', async () => {
  const token = await apiToken(srv.base, 'alice', 'alice-pass-123');
  const file = path.join(dir, 'p.png');
  execFileSync('vips', ['black', file, '800', '500'], { stdio: 'pipe' });
  const up = async (alt) => {
    const fd = new FormData();
    fd.append('alt', alt);
    fd.append('file', new Blob([fs.readFileSync(file)], { type: 'image/png' }), 'p.png');
    const r = await fetch(srv.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } });
    return r.json();
  };
  const p1 = await up('第一张');
  execFileSync('vips', ['black', file, '600', '600'], { stdio: 'pipe' });
  const p2 = await up('第二张');
  let { csrf } = await editorCsrf(alice, '/studio/new');
  let r = await alice.post('/studio/new', {
    csrf, title: '带封面的作品', declaration: 'none', tags: '', summary: '我自己写的摘要。',
    body: `正文。\n\n![第一张](${p1.url})\n\n![第二张](${p2.url})`, action: 'save',
  });
  assert.equal(r.status, 303);
  const id = /\/studio\/([0-9a-f]{16})/.exec(r.headers.get('location'))[1];
  let html;
  ({ html, csrf } = await editorCsrf(alice, `/studio/${id}`));
  assert.match(html, /<textarea id="f-summary" name="summary"[^>]*>\n我自己写的摘要。<\/textarea>/);
  assert.match(html, /<legend>封面图片<\/legend>/);
  assert.match(html, /<input type="radio" name="cover" value="" checked>/);
  assert.match(html, new RegExp(`<input type="radio" name="cover" value="${p2.id}">`));
  // Choose the second picture.
  r = await alice.post(`/studio/${id}`, {
    csrf, title: '带封面的作品', declaration: 'none', tags: '', summary: '我自己写的摘要。', cover: p2.id,
    body: `正文。\n\n![第一张](${p1.url})\n\n![第二张](${p2.url})`, action: 'publish',
  });
  assert.equal(r.status, 303);
  const home = await (await fetch(srv.base + '/')).text();
  assert.match(home, new RegExp(`class="card-cover" src="/m/${p2.id}/`));
  assert.match(home, /<p class="excerpt">我自己写的摘要。<\/p>/);
  // A summary too long, or a cover that is not hers: the editor says so in place; nothing changes.
  ({ csrf } = await editorCsrf(alice, `/studio/${id}`));
  const before = revCount(id);
  r = await alice.post(`/studio/${id}`, { csrf, title: '带封面的作品', body: '正文。', summary: '长'.repeat(201), action: 'save' });
  assert.equal(r.status, 422);
  html = await r.text();
  assert.match(html, /<p class="field-error" role="alert" id="err-summary">/);
  assert.match(html, /aria-describedby="err-summary summary-hint" aria-invalid="true"/);
  r = await alice.post(`/studio/${id}`, { csrf, title: '带封面的作品', body: '正文。', cover: 'zzzzzzzzzzzzzzzz', action: 'save' });
  assert.equal(r.status, 422);
  assert.match(await r.text(), /id="err-cover"/);
  assert.equal(revCount(id), before);
});

test('autosave: each replaces the last, no revision is made, any browser is offered it, a real save spends it', async () => {
  let { csrf } = await editorCsrf(alice, '/studio/new');
  let r = await alice.post('/studio/new', { csrf, title: '草稿', declaration: 'none', body: '第一版。', action: 'save' });
  const id = /\/studio\/([0-9a-f]{16})/.exec(r.headers.get('location'))[1];
  const revs = revCount(id);
  for (let i = 1; i <= 5; i++) {
    r = await alice.post(`/studio/${id}/autosave`, { csrf, title: '草稿', declaration: 'none', tags: '', summary: '', body: `第一版。再写 ${i} 句。` });
    assert.equal(r.status, 200);
    assert.ok((await r.json()).saved_at > 0);
  }
  assert.equal(revCount(id), revs, 'autosaves make no revision');
  assert.equal(Number(siteSql(srv.dataDir, `SELECT count(*) FROM autosaves WHERE work_id = '${id}'`).stdout.trim()), 1);
  // Another browser (a new session) is offered the autosave, and can restore it.
  const other = await login('alice', 'alice-pass-123');
  let html = await (await other.get(`/studio/${id}`)).text();
  assert.match(html, /<div class="autosave-offer" id="autosave-offer">/);
  assert.match(html, new RegExp(`href="/studio/${id}\\?autosave=1"`));
  html = await (await other.get(`/studio/${id}?autosave=1`)).text();
  assert.match(html, /第一版。再写 5 句。<\/textarea>/);
  assert.match(html, /data-dirty="1"/);
  // A real save spends it: no offer any more.
  ({ csrf } = await editorCsrf(other, `/studio/${id}`));
  r = await other.post(`/studio/${id}`, { csrf, title: '草稿', declaration: 'none', body: '第一版。再写 5 句。', action: 'save' });
  assert.equal(r.status, 303);
  assert.equal(revCount(id), revs + 1);
  assert.ok(!(await (await other.get(`/studio/${id}`)).text()).includes('autosave-offer'));
  // A new work's autosave, discarded.
  ({ csrf } = await editorCsrf(alice, '/studio/new'));
  r = await alice.post('/studio/new/autosave', { csrf, title: '还没保存', body: '新的', declaration: 'none', tags: '', summary: '' });
  assert.equal(r.status, 200);
  html = await (await alice.get('/studio/new')).text();
  assert.match(html, /action="\/studio\/new\/autosave\/discard"/);
  r = await alice.post('/studio/new/autosave/discard', { csrf });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/studio/new?discarded=1');
  assert.ok(!(await (await alice.get('/studio/new')).text()).includes('autosave-offer'));
});

test('autosave refuses what it must: another author\'s work, bad text, no CSRF token; nothing is stored', async () => {
  let { csrf } = await editorCsrf(alice, '/studio/new');
  const r0 = await alice.post('/studio/new', { csrf, title: 'Mine', declaration: 'none', body: 'x', action: 'save' });
  const id = /\/studio\/([0-9a-f]{16})/.exec(r0.headers.get('location'))[1];
  const rows = autosaveRows();
  const bobCsrf = (await editorCsrf(bob, '/studio/new')).csrf;
  let r = await bob.post(`/studio/${id}/autosave`, { csrf: bobCsrf, title: 'stolen', body: 'y' });
  assert.equal(r.status, 403);
  r = await alice.post(`/studio/${id}/autosave`, { csrf, title: 'bad', body: 'a\u0000b' });
  assert.ok(r.status === 400 || r.status === 422, String(r.status));
  r = await alice.post(`/studio/${id}/autosave`, { csrf, title: 'big', body: 'x'.repeat(200001) });
  assert.ok(r.status === 413 || r.status === 422, String(r.status));
  r = await alice.post(`/studio/${id}/autosave`, { title: 'no token', body: 'y' });
  assert.equal(r.status, 403);
  r = await alice.post('/studio/0123456789abcdef/autosave', { csrf, title: 't', body: 'y' });
  assert.equal(r.status, 404);
  assert.equal(autosaveRows(), rows);
});

test('a diff between any two revisions: character level for Chinese, word level for English, escaped', async () => {
  let { csrf } = await editorCsrf(alice, '/studio/new');
  let r = await alice.post('/studio/new', { csrf, title: '修订', declaration: 'none', body: '今天天气很好。\n\nThe quick brown fox.\n\n<b>标记</b>', action: 'save' });
  const id = /\/studio\/([0-9a-f]{16})/.exec(r.headers.get('location'))[1];
  ({ csrf } = await editorCsrf(alice, `/studio/${id}`));
  r = await alice.post(`/studio/${id}`, { csrf, title: '修订后', declaration: 'none', body: '今天天气不好。\n\nThe quick red fox.\n\n<b>标记</b><i>新</i>', action: 'save' });
  assert.equal(r.status, 303);
  ({ csrf } = await editorCsrf(alice, `/studio/${id}`));
  r = await alice.post(`/studio/${id}`, { csrf, title: '修订后', declaration: 'none', body: '完全不同的第三版。', action: 'save' });
  let html = await (await alice.get(`/studio/${id}/compare?from=1&to=2`)).text();
  assert.match(html, /今天天气<del>很<\/del><ins>不<\/ins>好。/);
  assert.match(html, /The quick <del>brown<\/del><ins>red<\/ins> fox\./);
  assert.match(html, /&lt;b&gt;标记&lt;\/b&gt;<ins>&lt;i&gt;新&lt;\/i&gt;<\/ins>/);
  assert.match(html, /修订<ins>后<\/ins>/, 'the title too');
  assert.ok(!html.includes('<i>新'), 'escaped');
  // Defaults: the current revision against the one before; any two, either way.
  html = await (await alice.get(`/studio/${id}/compare`)).text();
  assert.match(html, /2 → 3/);
  html = await (await alice.get(`/studio/${id}/compare?from=3&to=1`)).text();
  assert.match(html, /<ins>[^<]*今天天气很好/);
  assert.match(html, /<del>[^<]*完全不同/);
  html = await (await alice.get(`/studio/${id}/compare?from=2&to=2`)).text();
  assert.match(html, /这两个修订的内容相同。/);
  // The revisions page links to it.
  html = await (await alice.get(`/studio/${id}/revisions`)).text();
  assert.match(html, new RegExp(`href="/studio/${id}/compare\\?from=2&amp;to=3"`));
  assert.match(html, /<form class="compare-form" method="get"/);
  // Bad input.
  assert.equal((await alice.get(`/studio/${id}/compare?from=9&to=1`)).status, 404);
  assert.equal((await alice.get(`/studio/${id}/compare?from=x`)).status, 400);
  assert.equal((await alice.get(`/studio/${id}/compare?from=-1`)).status, 400);
  assert.equal((await bob.get(`/studio/${id}/compare`)).status, 403);
});

test('the studio list labels its cells for the phone layout; status pills are one piece', async () => {
  const html = await (await alice.get('/studio')).text();
  assert.match(html, /<td data-label="更新时间">|<td data-label="[^"]+"><time/);
  assert.match(html, /<td class="num" data-label="[^"]+">\d+<\/td>/);
  const css = await (await fetch(srv.base + /href="(\/static\/hao\.[^"]+\.css)"/.exec(html)[1])).text();
  assert.match(css, /\.status, \.studio-list time \{\s*white-space: nowrap;/);
});
