// Issue 18 item 4, the moderator's desk: distinct uphold and reject buttons,
// a confirmation step that needs no script (a second page; nothing decided
// before it, going back keeps the reason), the evidence on the page (the
// originality overlap hao computed, earlier notices and reports on the same
// work) and words, not internal codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

let srv, dataDir, alice, bob, host, mod;

// Our own prose, long enough for the originality check.
const PROSE = [
  '傍晚的渡口总是很安静。摆渡的老人把船拴在木桩上,坐在船头抽烟,看着对岸的灯一盏一盏亮起来。河水不急,偶尔有鱼跳出水面,溅起一圈涟漪。',
  '他在这条河上摆渡了四十年。年轻时一天要来回几十趟,赶集的、走亲戚的、上学的孩子,船上总是挤满了人。后来修了大桥,坐船的人就越来越少了。',
  '现在每天只有几个老熟人还来坐船。他们说走桥要绕远路,坐船近,也习惯了。老人收的船钱二十年没涨过,一个人一块钱,孩子不要钱。',
  '镇上的人劝他别干了,说年纪大了,河上风大。他笑笑说,船停了,渡口就没了,那些老熟人去哪儿等船呢。说完又去解缆绳。',
  '天黑透了,最后一个客人上了岸。老人把船划回来,点亮船头的马灯。灯光映在水里,一晃一晃的,像是另一条船在水底跟着他。',
].join('\n\n');

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'alice', 'creator', 'alice-password-1');
  addUser(dataDir, 'bob', 'creator', 'bob-password-1');
  addUser(dataDir, 'molly', 'moderator', 'molly-password-1');
  const r = spawnSync(BIN, ['set', 'notice_mode', 'review', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer({ dataDir });
  host = new URL(srv.base).host;
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
  mod = new Client(srv.base);
  assert.equal((await mod.login('molly', 'molly-password-1')).status, 303);
});
after(async () => { await srv?.stop(); });

async function publish(token, title, body) {
  const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let res = await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body }) });
  const w = await res.json();
  res = await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h });
  assert.equal(res.status, 200);
  return w.id;
}

function notice(id, contact) {
  return fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '赵六', contact, address: '广州', urls: [`http://${host}/a/${id}`], right: '著作权',
      original: '原作', good_faith: true, signature: '赵六' }),
  });
}

async function report(id, ground, explanation) {
  const res = await fetch(srv.base + '/api/v1/reports', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ work: id, ground, explanation }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).id;
}

const status = async (id) => (await fetch(`${srv.base}/a/${id}`)).status;

test('a notice: distinct buttons, confirmed on a second page, evidence in words', async () => {
  const w = await publish(alice, '渡口', '渡口的故事。\n\n' + PROSE.slice(0, 60));
  const first = await (await notice(w, 'a@example.cn')).json();
  await report(w, 'spam', '广告');
  const second = await (await notice(w, 'b@example.cn')).json();

  const page = await (await mod.get(`/mod/notices/${second.id}`)).text();
  assert.match(page, /<button type="submit" class="uphold" name="choose" value="uphold">移除作品<\/button>/);
  assert.match(page, /<button type="submit" class="reject" name="choose" value="reject">不采纳通知<\/button>/);
  assert.match(page, /<h2>证据<\/h2>/);
  assert.match(page, /<dt>被侵害的权利类型<\/dt><dd>著作权<\/dd>/, 'the notice\'s ground in words');
  assert.match(page, /<dt>收到时间<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d<\/dd>/);
  assert.match(page, new RegExp(`<li data-notice="${first.id}"><a href="/mod/notices/${first.id}">通知编号 ${first.id}</a> · [^<]* · 等待审核 · `),
    'the earlier notice, its state in words');
  assert.match(page, /<li data-report="\d+"><a href="\/mod\/reports\/\d+">举报编号 \d+<\/a> · 垃圾信息 · 等待处理 · 广告<\/li>/, 'the report in words');
  assert.ok(!/ · spam · | · open · | · pending · /.test(page), 'no internal codes');

  // Choosing does not decide: a confirmation page with the reason as typed.
  const csrf = page.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  let res = await mod.post(`/mod/notices/${second.id}`, { csrf, reason: '证据充分。\n第二行', choose: 'uphold' });
  assert.equal(res.status, 200);
  const confirm = await res.text();
  assert.match(confirm, /<h1 class="page-title">确认决定<\/h1>/);
  assert.match(confirm, /<div class="confirm-box" data-decision="uphold">/);
  assert.match(confirm, /<input type="hidden" name="reason" value="证据充分。\n第二行">/);
  assert.match(confirm, /<button type="submit" class="uphold" name="decision" value="uphold">确认:移除作品<\/button>/);
  assert.equal(await status(w), 200, 'nothing decided before the confirmation');

  // Going back keeps the text.
  res = await mod.post(`/mod/notices/${second.id}`, { csrf, reason: '证据充分。', edit: '1' });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<textarea class="fk" id="f-reason"[^>]*>证据充分。<\/textarea>/);
  assert.equal(await status(w), 200);

  // An empty reason is refused at the choice, before the confirmation.
  res = await mod.post(`/mod/notices/${second.id}`, { csrf, reason: '  ', choose: 'uphold' });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /请写下决定理由/);

  // Confirmed: decided.
  res = await mod.post(`/mod/notices/${second.id}`, { csrf, reason: '证据充分。', decision: 'uphold' });
  assert.equal(res.status, 303);
  assert.equal(await status(w), 451);

  // The removal in the history, in words.
  const again = await (await mod.get(`/mod/notices/${first.id}`)).text();
  assert.match(again, /<ul class="history"><li data-takedown="\d+">[^<]* · 著作权 · 已移除 · 证据充分。<\/li>/);
});

test('a report on a 洗稿 copy shows the overlap hao computed, with the comparison', async () => {
  const orig = await publish(alice, '渡口原文', PROSE);
  const copy = await publish(bob, '渡口抄本', PROSE);
  const rid = await report(copy, 'spam', '这是抄袭的洗稿');
  const page = await (await mod.get(`/mod/reports/${rid}`)).text();
  assert.match(page, /重合/);
  assert.match(page, new RegExp(`<li data-other="${orig}"><a href="/a/${orig}">渡口原文</a> · @alice · <span class="overlap-score">[^<]* (\\d+)%</span></li>`));
  const pct = Number(page.match(/class="overlap-score">[^<]* (\d+)%/)[1]);
  assert.ok(pct >= 80, `overlap ${pct}%`);
  assert.match(page, new RegExp(`href="/mod/originality/${copy}"`));

  // Reject: its own look, confirmed, then decided.
  const csrf = page.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  let res = await mod.post(`/mod/reports/${rid}`, { csrf, reason: '不是垃圾信息。', choose: 'reject' });
  assert.equal(res.status, 200);
  const confirm = await res.text();
  assert.match(confirm, /data-decision="reject"/);
  assert.match(confirm, /<button type="submit" class="reject" name="decision" value="reject">确认:驳回举报<\/button>/);
  res = await mod.post(`/mod/reports/${rid}`, { csrf, reason: '不是垃圾信息。', decision: 'reject' });
  assert.equal(res.status, 303);
  assert.equal(await status(copy), 200);

  // An unknown choice is refused with the text kept.
  const rid2 = await report(copy, 'fraud', '骗子');
  res = await mod.post(`/mod/reports/${rid2}`, { csrf, reason: '留着', choose: 'maybe' });
  assert.equal(res.status, 422);
  assert.match(await res.text(), />留着<\/textarea>/);
});

test('the complaint form names the removed work, the report, the ground and the reason', async () => {
  const w = await publish(alice, '申诉的作品', '一段正文。');
  const rid = await report(w, 'fraud', '骗钱');
  const csrf = await mod.csrf(`/mod/reports/${rid}`);
  assert.equal((await mod.post(`/mod/reports/${rid}`, { csrf, reason: '确认是骗局。', decision: 'uphold' })).status, 303);
  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  const list = await (await c.get('/studio/notices')).text();
  const td = list.match(new RegExp(`data-takedown="(\\d+)" data-work="${w}"`))[1];
  const html = await (await c.get(`/studio/notices/${td}/complaint`)).text();
  assert.match(html, /<dt>被移除的作品<\/dt><dd><a href="\/studio\/[0-9a-f]+">申诉的作品<\/a><\/dd>/);
  assert.match(html, new RegExp(`举报编号 ${rid} · 欺诈 · \\d{4}-`));
  assert.match(html, /<dt>说明<\/dt><dd>确认是骗局<\/dd>/);
  // The removal page offers the complaint to the creator.
  const page = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(page, new RegExp(`href="/studio/notices/${td}/complaint"`));
  assert.match(page.replace(/<[^>]+>/g, ''), new RegExp(`已根据审核员对第 ${rid} 号举报的决定被移除。`));
});

test('the decision pages and the queue are for moderators only', async () => {
  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  assert.equal((await c.get('/mod')).status, 403);
  assert.equal((await c.get('/mod/reports/1')).status, 403);
});
