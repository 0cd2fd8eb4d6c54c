// Issue 18 item 4, trust pages a person believes: the removal page (451)
// titled as a removal and naming the work, the notice, the ground in words,
// the date and what the creator can do, in one language with clean
// punctuation; forms with sized textareas and checkboxes beside their text;
// the counter-notice naming the work with the creator's details prefilled;
// the report form choosing no ground for the reader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

let srv, dataDir, token, host;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '王五');
  for (const [k, v] of [['notice_mode', 'immediate']]) {
    const r = spawnSync(BIN, ['set', k, v, '--data', dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  srv = await startServer({ dataDir });
  host = new URL(srv.base).host;
  token = await apiToken(srv.base, 'writer', 'writer-password-1');
});
after(async () => { await srv?.stop(); });

async function publish(title) {
  const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let res = await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body: `${title} 的正文。` }) });
  const w = await res.json();
  res = await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h });
  assert.equal(res.status, 200);
  return w.id;
}

function notice(id, fields = {}) {
  return fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '赵六', contact: 'zhao@example.cn', address: '广州', urls: [`http://${host}/a/${id}`],
      right: '著作权:我是原作者。', original: '原作', good_faith: true, signature: '赵六', ...fields }),
  });
}

const text = (html) => html.replace(/<[^>]+>/g, ' ');

test('the removal page is titled as a removal and says what, on what, why, when and what the creator can do', async () => {
  const id = await publish('春天的故事');
  const res = await notice(id, { ground: 'reputation' });
  assert.equal(res.status, 201);
  const n = await res.json();

  const zh = await fetch(`${srv.base}/a/${id}`, { headers: { 'accept-language': 'zh-CN' } });
  assert.equal(zh.status, 451);
  const html = await zh.text();
  const title = html.match(/<title>([^<]*)<\/title>/)[1];
  assert.match(title, /^已移除:《春天的故事》/, 'titled as a removal, naming the work');
  assert.ok(!/出错|Error/.test(title), 'not an error');
  assert.match(html, /<h1 class="page-title">这篇作品已被移除<\/h1>/);
  assert.match(text(html), new RegExp(`第 ${n.id} 号权利人通知`));
  assert.match(html, /<dt>理由<\/dt><dd>名誉权<\/dd>/, 'the ground in words');
  assert.match(html, /<dt>移除时间<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d<\/dd>/, 'the date');
  assert.match(html, /<dd>著作权:我是原作者<\/dd>/, 'the right claimed, its stop dropped');
  assert.match(html, /href="\/studio\/notices\/\d+\/counter"/, 'the creator is shown the counter-notice');
  assert.match(html, /作者可以做什么/);
  assert.ok(!/。。|。\s*。/.test(text(html)), 'no doubled stops');
  assert.ok(!/Removed automatically|removed after|rights-holder/.test(html), 'no English in the Chinese page');

  const en = await fetch(`${srv.base}/a/${id}`, { headers: { 'accept-language': 'en' } });
  assert.equal(en.status, 451);
  const ehtml = await en.text();
  assert.match(ehtml, /<title>Removed: “春天的故事”/);
  assert.match(text(ehtml), new RegExp(`was removed after rights-holder notice ${n.id}\\.`));
  assert.match(ehtml, /<dt>Ground<\/dt><dd>Reputation<\/dd>/);
  assert.ok(!/收到完整|自动移除|权利人通知/.test(ehtml), 'no Chinese UI text in the English page');

  // The API's sentence is one language too, each clause ended once.
  const api = await (await fetch(`${srv.base}/api/v1/articles/${id}`, { headers: { 'accept-language': 'zh-CN' } })).json();
  assert.equal(api.error.code, 'taken_down');
  assert.ok(!/。。/.test(api.error.message), api.error.message);
  assert.ok(!/[A-Za-z]{4,}/.test(api.error.message), api.error.message);
  const apiEn = await (await fetch(`${srv.base}/api/v1/articles/${id}`, { headers: { 'accept-language': 'en' } })).json();
  assert.match(apiEn.error.message, /^This work was removed after rights-holder notice \d+\. Ground: Reputation\. Right claimed: .*\.$/);
  assert.ok(!/[\u4e00-\u9fff]{2,}(?!.*:)/.test(apiEn.error.message.replace(/Right claimed: [^.]*\./, '')), apiEn.error.message);
});

test('the counter-notice form names the work and has the creator\'s details filled in', async () => {
  siteSql(dataDir, "UPDATE users SET email = 'wangwu@example.cn' WHERE handle = 'writer'");
  const id = await publish('夏天的故事');
  assert.equal((await notice(id, { contact: 'zhao2@example.cn' })).status, 201);
  const c = new Client(srv.base);
  assert.equal((await c.login('writer', 'writer-password-1')).status, 303);
  const list = await (await c.get('/studio/notices')).text();
  const td = list.match(new RegExp(`data-takedown="(\\d+)" data-work="${id}"`))[1];
  const html = await (await c.get(`/studio/notices/${td}/counter`)).text();
  assert.match(html, /<dt>被移除的作品<\/dt><dd><a href="\/studio\/[0-9a-f]+">夏天的故事<\/a><\/dd>/);
  assert.match(html, /name="name" value="王五"/, 'display name prefilled');
  assert.match(html, /name="contact" value="wangwu@example.cn"/, 'contact prefilled');
  assert.match(html, /<label class="check"><input type="checkbox" name="good_faith"/, 'the box beside its text');
  assert.match(html, /<textarea class="fk" id="f-statement"[^>]* rows="4"/, 'a sized textarea');
  // The statement of reasons in the studio: one language.
  const studio = await (await c.get('/studio/notices')).text();
  assert.match(studio, /<dt>说明<\/dt><dd>收到完整的权利人通知后自动移除。<\/dd>/);
  assert.ok(!/Removed automatically/.test(studio), 'no English in the Chinese studio page');
});

test('forms: sized textareas, boxes beside their text, and the notice form is not a wall', async () => {
  const html = await (await fetch(`${srv.base}/notice`)).text();
  const areas = html.match(/<textarea [^>]*>/g);
  assert.ok(areas.length >= 4);
  for (const a of areas) assert.match(a, /class="fk"/);
  assert.match(html, /<label class="check"><input type="checkbox" name="good_faith"/);
  const css = await (await fetch(srv.base + html.match(/href="(\/static\/hao\.[^"]+\.css)"/)[1])).text();
  assert.match(css, /textarea\.fk\s*\{[^}]*min-height:\s*0/);
  assert.match(css, /label\.check\s*\{[^}]*flex-direction:\s*row/);
});

test('the report form chooses no ground for the reader, and a report without one is refused and not stored', async () => {
  const id = await publish('秋天的故事');
  const c = new Client(srv.base);
  const html = await (await c.get(`/report?work=${id}`)).text();
  assert.match(html, /<select id="f-ground" name="ground" required><option value="" selected>请选择<\/option>/);
  assert.ok(!/<option value="illegal" selected/.test(html), 'the most severe ground is not preselected');
  assert.match(html, /秋天的故事<\/a>/, 'the work by its title');
  const csrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const before = siteSql(dataDir, 'SELECT count(*) FROM reports').stdout.trim();
  const res = await c.post('/report', { csrf, work: id, ground: '', explanation: '不好' });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /<option value="" selected>请选择/);
  assert.equal(siteSql(dataDir, 'SELECT count(*) FROM reports').stdout.trim(), before, 'nothing stored');
});
