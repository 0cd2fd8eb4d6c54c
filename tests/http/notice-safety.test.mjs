// Notices that cannot be abused by default (issue 18): without SMTP a
// notice waits for a moderator; with SMTP it takes effect once its contact
// address confirms it by a mailed link (a forged or lapsed link changes
// nothing); a trusted notifier acts at once; a work restored by a
// counter-notice goes to a moderator on the next notice; a sender of
// repeated manifestly unfounded notices is suspended; and a complaint on a
// site with one admin is settled by that admin, with a note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { smtpSink, decode } from './smtp.mjs';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

// The first message to `to` whose subject matches, waiting for it.
async function mailTo(messages, to, subject, ms = 10000) {
  const t0 = Date.now();
  for (;;) {
    const m = messages.map(decode).find((x) => x.to === to && subject.test(x.subject));
    if (m || Date.now() - t0 > ms) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hao = (dir, ...args) => spawnSync(BIN, [...args, '--data', dir], { encoding: 'utf8' });

let plain, mailed, sink, dirPlain, dirMailed;

before(async () => {
  sink = await smtpSink();
  dirPlain = path.join(tmpDir(), 'data');
  addUser(dirPlain, 'writer', 'creator', 'writer-password-1');
  addUser(dirPlain, 'boss', 'admin', 'boss-password-1'); // the only moderator of this site
  assert.equal(hao(dirPlain, 'set', 'notice_rate', '100').status, 0); // every notice here comes from 127.0.0.1
  assert.equal(hao(dirPlain, 'set', 'strike_limit', '0').status, 0); // one creator takes every removal here
  plain = await startServer({ dataDir: dirPlain });
  dirMailed = path.join(tmpDir(), 'data');
  addUser(dirMailed, 'writer', 'creator', 'writer-password-1');
  for (const [k, v] of [['smtp_url', `smtp://127.0.0.1:${sink.port}`], ['smtp_from', 'site@example.cn']])
    assert.equal(hao(dirMailed, 'set', k, v).status, 0);
  mailed = await startServer({ dataDir: dirMailed });
});
after(async () => { await plain?.stop(); await mailed?.stop(); sink?.server.close(); });

async function publish(srv, title) {
  const tok = await apiToken(srv.base, 'writer', 'writer-password-1');
  const h = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body: `${title}。` }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  return w.id;
}

function notice(srv, workId, contact, extra = {}) {
  return fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '王五', contact, address: '北京', urls: [`/a/${workId}`], right: '著作权', original: '原作',
      good_faith: true, signature: '王五', ...extra }),
  });
}

const status = async (srv, id) => (await fetch(`${srv.base}/a/${id}`)).status;

async function login(srv, handle) {
  const c = new Client(srv.base);
  assert.equal((await c.login(handle, `${handle}-password-1`)).status, 303);
  return c;
}

async function decide(c, p, fields) {
  const csrf = await c.csrf(p);
  return c.post(p, { csrf, ...fields });
}

test('without SMTP the default is review: a notice takes nothing down, a moderator decides', async () => {
  const w = await publish(plain, '没有邮件的站点');
  const res = await notice(plain, w, 'someone@example.cn');
  assert.equal(res.status, 201);
  const n = await res.json();
  assert.equal(n.status, 'pending');
  assert.equal(await status(plain, w), 200, 'an unverified sender removes nothing');
  const boss = await login(plain, 'boss');
  assert.ok((await (await boss.get('/mod')).text()).includes(`data-notice="${n.id}"`), 'queued for a moderator');
  assert.match(siteSql(dirPlain, `SELECT detail FROM audit_log WHERE subject = 'notice:${n.id}'`).stdout, /mode review/);
  // The operator's explicit choice is honoured: immediate without SMTP acts at once.
  assert.equal(hao(dirPlain, 'set', 'notice_mode', 'immediate').status, 0);
  const w2 = await publish(plain, '运营者选择立即删除');
  assert.equal((await (await notice(plain, w2, 'someone@example.cn')).json()).status, 'actioned');
  assert.equal(await status(plain, w2), 451);
  assert.equal(hao(dirPlain, 'set', 'notice_mode', 'review').status, 0);
});

let restoredWork;
test('a trusted notifier acts at once; after a counter-notice the next notice goes to a moderator', async () => {
  assert.equal(hao(dirPlain, 'set', 'trusted_notifiers', 'agent@solo.example, @Trusted.Example').status, 0);
  const w = await publish(plain, '被可信通知人投诉的作品');
  let n = await (await notice(plain, w, 'Legal@trusted.example')).json();
  assert.equal(n.status, 'actioned', 'a trusted domain acts at once, even under review');
  assert.equal(await status(plain, w), 451);
  assert.match(siteSql(dirPlain, `SELECT detail FROM audit_log WHERE subject = 'notice:${n.id}' AND action = 'notice.receive'`).stdout, /mode trusted/);
  // Not trusted: a look-alike domain, a different address.
  const other = await publish(plain, '另一篇');
  assert.equal((await (await notice(plain, other, 'x@untrusted.example')).json()).status, 'pending');
  assert.equal((await (await notice(plain, other, 'agent@solo.example.evil')).json()).status, 'pending');
  assert.equal(await status(plain, other), 200);

  // The creator's counter-notice restores it at once (restore_mode immediate).
  const c = await login(plain, 'writer');
  const list = await (await c.get('/studio/notices')).text();
  const td = list.match(new RegExp(`data-takedown="(\\d+)" data-work="${w}" data-status="active"`))[1];
  const csrf = await c.csrf(`/studio/notices/${td}/counter`);
  const res = await c.post(`/studio/notices/${td}/counter`, { csrf, name: '作者', contact: 'writer@example.cn', address: '上海',
    statement: '这是我的原创。', good_faith: '1', signature: '作者' });
  assert.equal(res.status, 303);
  assert.equal(await status(plain, w), 200);
  // Another notice on the same right, even from a trusted notifier: a moderator decides.
  n = await (await notice(plain, w, 'agent@solo.example')).json();
  assert.equal(n.status, 'pending');
  assert.equal(await status(plain, w), 200, 'not removed again automatically');
  assert.match(siteSql(dirPlain, `SELECT detail FROM audit_log WHERE subject = 'notice:${n.id}'`).stdout, /mode review-restored/);
  const boss = await login(plain, 'boss');
  assert.ok((await (await boss.get('/mod')).text()).includes(`data-notice="${n.id}"`));
  // A different right is a different claim: the trusted notifier acts at once.
  const n3 = await (await notice(plain, w, 'other@trusted.example', { ground: 'privacy' })).json();
  assert.equal(n3.status, 'actioned');
  assert.equal(await status(plain, w), 451);
  restoredWork = w;
});

test('a sender of repeated manifestly unfounded notices is suspended from filing, audited', async () => {
  for (const [k, v] of [['unfounded_limit', '2'], ['unfounded_days', '30']]) assert.equal(hao(dirPlain, 'set', k, v).status, 0);
  const boss = await login(plain, 'boss');
  const works = [await publish(plain, '骚扰一'), await publish(plain, '骚扰二'), await publish(plain, '骚扰三')];
  // A rejection that is not marked unfounded does not count.
  let n = await (await notice(plain, works[0], 'Troll@Example.cn')).json();
  assert.equal((await decide(boss, `/mod/notices/${n.id}`, { decision: 'reject', reason: '证据不足。' })).status, 303);
  for (const w of works.slice(0, 2)) {
    n = await (await notice(plain, w, 'troll@example.cn ')).json();
    assert.equal(n.status, 'pending');
    const page = await (await boss.get(`/mod/notices/${n.id}`)).text();
    assert.ok(page.includes('name="unfounded"'), 'the reject form asks whether it is manifestly unfounded');
    assert.equal((await decide(boss, `/mod/notices/${n.id}`, { decision: 'reject', reason: '明显捏造。', unfounded: '1' })).status, 303);
  }
  // Warned one short of the limit (DSA art. 23(2)), on the notice's status page too.
  assert.match(siteSql(dirPlain, "SELECT detail FROM audit_log WHERE action = 'notifier.warn'").stdout,
    /troll@example\.cn warned: 1 of 2/);
  assert.match(await (await fetch(`${plain.base}${n.receipt}`)).text(), /明显不成立/);
  assert.match(siteSql(dirPlain, "SELECT detail FROM audit_log WHERE action = 'notifier.suspend'").stdout,
    /troll@example\.cn may not file notices for 30 days: 2 notices/);
  const res = await notice(plain, works[2], 'TROLL@example.cn');
  assert.equal(res.status, 403);
  const j = await res.json();
  assert.equal(j.error.code, 'notifier_suspended');
  assert.match(j.error.message, /暂停受理/);
  // The form says so too, and keeps what was typed.
  const c = new Client(plain.base);
  const csrf = await c.csrf('/notice');
  const form = await c.post('/notice', { csrf, name: '骚扰者', contact: 'troll@example.cn', address: '某地', urls: `/a/${works[2]}`,
    right: '著作权', original: '原作', good_faith: '1', signature: '骚扰者' });
  assert.equal(form.status, 403);
  const html = await form.text();
  assert.ok(html.includes('骚扰者') && /暂停受理/.test(html), 'a clear message, nothing lost');
  assert.equal(await status(plain, works[2]), 200);
  // Someone else may still file about the same work.
  assert.equal((await notice(plain, works[2], 'honest@example.cn')).status, 201);
});

test('a complaint on a site with one admin is settled by that admin, with a note; typed text is never lost', async () => {
  const boss = await login(plain, 'boss');
  const w = await publish(plain, '唯一管理员处理的作品');
  const n = await (await notice(plain, w, 'owner@example.cn')).json();
  assert.equal((await decide(boss, `/mod/notices/${n.id}`, { decision: 'uphold', reason: '侵权成立。' })).status, 303);
  assert.equal(await status(plain, w), 451);
  const writer = await login(plain, 'writer');
  const list = await (await writer.get('/studio/notices')).text();
  const td = list.match(new RegExp(`data-takedown="(\\d+)" data-work="${w}" data-status="active"`))[1];
  assert.equal((await decide(writer, `/studio/notices/${td}/complaint`, { text: '我有授权。' })).status, 303);
  const q = await (await boss.get('/mod')).text();
  const cid = [...q.matchAll(/data-complaint="(\d+)"/g)].map((m) => m[1]).pop();
  const page = await (await boss.get(`/mod/complaints/${cid}`)).text();
  const note = page.indexOf('data-settle="sole"'), reasonBox = page.indexOf('name="reason"');
  assert.ok(note > 0 && reasonBox > note, 'said before the reason is typed');
  // A refused decision (reason too long) shows the form again with the text.
  const long = '理由'.repeat(2501);
  let res = await decide(boss, `/mod/complaints/${cid}`, { decision: 'uphold', reason: long });
  assert.equal(res.status, 422);
  assert.ok((await res.text()).includes(long), 'the typed reason comes back');
  res = await decide(boss, `/mod/complaints/${cid}`, { decision: 'uphold', reason: '授权文件核实无误。' });
  assert.equal(res.status, 303);
  assert.equal(await status(plain, w), 200, 'restored');
  const row = siteSql(dirPlain, `SELECT status, reason FROM complaints WHERE id = ${cid}`).stdout;
  assert.match(row, /^upheld\|.*No independent moderator existed.*授权文件核实无误。/);
  assert.match(siteSql(dirPlain, `SELECT actor FROM audit_log WHERE action = 'complaint.no_independent' AND subject = 'complaint:${cid}'`).stdout,
    /user:boss/);
  assert.ok((await (await writer.get('/studio/notices')).text()).includes('No independent moderator existed'), 'the creator reads the note');
});

let pendingToken, pendingId, pendingWork;
test('with SMTP a notice waits for its sender to confirm by mail; a forged link changes nothing; the link confirms', async () => {
  assert.match(await (await fetch(`${mailed.base}/notice`)).text(), /data-confirm="mail"/, 'the form says so first');
  assert.doesNotMatch(await (await fetch(`${plain.base}/notice`)).text(), /data-confirm/);
  const w = await publish(mailed, '需要确认的通知');
  const res = await notice(mailed, w, 'Owner@example.cn');
  assert.equal(res.status, 201);
  const n = await res.json();
  assert.equal(n.status, 'unconfirmed');
  assert.equal(await status(mailed, w), 200, 'an unconfirmed notice takes nothing down');
  const receipt = await (await fetch(`${mailed.base}${n.receipt}&new=1`)).text();
  assert.match(receipt, /data-status="unconfirmed"/);
  assert.match(receipt, /确认邮件已发送/);
  const m = await mailTo(sink.messages, 'owner@example.cn', /Confirm your notice/);
  assert.ok(m, 'a confirmation mail was sent');
  const link = m.body.match(/(http:\/\/\S+\/notice\/(\d+)\/confirm\?t=([0-9a-f]{32}))/);
  assert.ok(link && link[2] === String(n.id), m.body);
  assert.ok(m.body.includes(`/a/${w}`));
  const token = link[3], confirmPath = new URL(link[1]).pathname;

  // Forged, wrong notice, malformed: 404, nothing changes.
  const c = new Client(mailed.base);
  const forged = token.replace(/^./, token[0] === 'a' ? 'b' : 'a');
  assert.equal((await fetch(`${mailed.base}${confirmPath}?t=${forged}`)).status, 404);
  assert.equal((await fetch(`${mailed.base}/notice/${n.id + 1000}/confirm?t=${token}`)).status, 404);
  const csrf = await c.csrf('/notice');
  for (const t of [forged, '', 'x', token + '0']) assert.equal((await c.post(confirmPath, { csrf, t })).status, 404, t);
  assert.equal((await c.post(`/notice/${n.id + 1000}/confirm`, { csrf, t: token })).status, 404);
  assert.equal(await status(mailed, w), 200);
  assert.equal((await (await fetch(`${mailed.base}/api/v1/notices/${n.id}?token=${n.token}`)).json()).status, 'unconfirmed');
  // Not in the moderators' queue while unconfirmed.
  assert.equal(siteSql(dirMailed, `SELECT confirm FROM notices WHERE id = ${n.id}`).stdout.trim(), 'unconfirmed');

  // The link: a page with one button (a GET changes nothing), then the POST.
  const page = await c.get(`${confirmPath}?t=${token}`);
  assert.equal(page.status, 200);
  assert.equal(await status(mailed, w), 200, 'opening the link alone takes nothing down');
  const csrf2 = (await page.text()).match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const done = await c.post(confirmPath, { csrf: csrf2, t: token });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /已被移除|were removed/);
  assert.equal(await status(mailed, w), 451, 'confirmed: taken down at once');
  assert.equal((await (await fetch(`${mailed.base}/api/v1/notices/${n.id}?token=${n.token}`)).json()).status, 'actioned');
  assert.equal((await c.post(confirmPath, { csrf: csrf2, t: token })).status, 404, 'used once');
  assert.match(siteSql(dirMailed, `SELECT action FROM audit_log WHERE subject = 'notice:${n.id}' ORDER BY id`).stdout,
    /notice\.receive\nnotice\.confirm/);

  // A second one, left unconfirmed for the lapse test.
  pendingWork = await publish(mailed, '无人确认的通知');
  const p = await (await notice(mailed, pendingWork, 'late@example.cn')).json();
  assert.equal(p.status, 'unconfirmed');
  const m2 = await mailTo(sink.messages, 'late@example.cn', /Confirm your notice/);
  pendingToken = m2.body.match(/confirm\?t=([0-9a-f]{32})/)[1];
  pendingId = p.id;
});

test('an unconfirmed notice lapses after notice_confirm_hours; its link then changes nothing', async () => {
  await mailed.stop();
  mailed = await startServer({ dataDir: dirMailed, env: { HAO_FAKE_NOW: String(Math.floor(Date.now() / 1000) + 73 * 3600) } });
  assert.equal(siteSql(dirMailed, `SELECT status, confirm FROM notices WHERE id = ${pendingId}`).stdout.trim(), 'rejected|expired');
  assert.match(siteSql(dirMailed, `SELECT action FROM audit_log WHERE subject = 'notice:${pendingId}' ORDER BY id`).stdout, /notice\.expire/);
  const c = new Client(mailed.base);
  assert.equal((await c.get(`/notice/${pendingId}/confirm?t=${pendingToken}`)).status, 404);
  const csrf = await c.csrf('/notice');
  assert.equal((await c.post(`/notice/${pendingId}/confirm`, { csrf, t: pendingToken })).status, 404);
  assert.equal(await status(mailed, pendingWork), 200);
  // The sender may file again (a lapsed notice is no duplicate).
  assert.equal((await notice(mailed, pendingWork, 'late@example.cn')).status, 201);
});
