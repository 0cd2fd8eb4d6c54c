// A reader's report naming a comment (reports.comment_id): the report link
// on each comment (a plain link, no JavaScript), the form and the API
// (a comment number or its URL), the bad inputs (each 4xx, nothing stored),
// the moderator's queue and view (the comment's text and what it answers),
// upholding (only the comment goes: a placeholder naming the report, the
// commenter's inbox and takedown e-mail, audit, transparency, strikes), the
// receipt, and the commenter's complaint restoring it. Also the takedown
// e-mail of a rights-holder notice lists the removed comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';
import { smtpSink, decode, waitUntil } from './smtp.mjs';
import { midQuarter } from './clock.mjs';

let srv, sink, dataDir, host, writerTok, aliceTok, bobTok;
let workId, otherWorkId, rootId, replyId, reportId, reportToken;

const hao = (args) => spawnSync(BIN, [...args, '--data', dataDir], { encoding: 'utf8' });

before(async () => {
  sink = await smtpSink();
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'alice', 'reader', 'alice-password-1');
  addUser(dataDir, 'bob', 'reader', 'bob-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  assert.equal(hao(['set', 'smtp_url', `smtp://127.0.0.1:${sink.port}`]).status, 0);
  assert.equal(hao(['set', 'smtp_from', 'site@example.cn']).status, 0);
  assert.equal(siteSql(dataDir, "UPDATE users SET email = 'alice@example.cn' WHERE handle = 'alice'").status, 0);
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(midQuarter()) } });
  host = new URL(srv.base).host;
  writerTok = await apiToken(srv.base, 'writer', 'writer-password-1');
  aliceTok = await apiToken(srv.base, 'alice', 'alice-password-1');
  bobTok = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); sink?.server.close(); });

function api(method, p, tok, body) {
  const headers = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function publish(title) {
  const w = await (await api('POST', '/api/v1/articles', writerTok, { title, body: `${title}的正文。` })).json();
  assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, writerTok)).status, 200);
  return w.id;
}

async function comment(work, tok, body, parent) {
  const res = await api('POST', `/api/v1/articles/${work}/comments`, tok, parent ? { body, parent } : { body });
  assert.equal(res.status, 201);
  return (await res.json()).id;
}

const commentOf = async (work, id) => {
  const j = await (await api('GET', `/api/v1/articles/${work}/comments`)).json();
  for (const c of j.comments) {
    if (c.id === id) return c;
    for (const r of c.replies || []) if (r.id === id) return r;
  }
  return null;
};
const count = (sql) => Number(siteSql(dataDir, sql).stdout.trim());
const transparency = async () => (await (await fetch(`${srv.base}/transparency.json`)).json()).counts;

test('each comment has a report link; the form names the comment and works without JavaScript', async () => {
  workId = await publish('被评论的作品');
  otherWorkId = await publish('另一篇');
  rootId = await comment(workId, bobTok, '鲍勃先说一句。');
  replyId = await comment(workId, aliceTok, '爱丽丝的回复:你这人真蠢。', rootId);
  await comment(workId, bobTok, '鲍勃又回了一句。', rootId);
  const html = await (await fetch(`${srv.base}/a/${workId}`)).text();
  assert.ok(html.includes(`href="/report?comment=${rootId}"`), 'the root has a report link');
  assert.ok(html.includes(`href="/report?comment=${replyId}"`), 'the reply has a report link');
  const form = await (await fetch(`${srv.base}/report?comment=${replyId}`)).text();
  assert.match(form, new RegExp(`name="comment" value="${replyId}"`));
  assert.ok(form.includes('爱丽丝的回复:你这人真蠢。'), 'the form quotes the comment');
  assert.ok(form.includes(`/a/${workId}#c-${replyId}`));

  const bob = new Client(srv.base);
  const csrf = await bob.csrf(`/report?comment=${replyId}`);
  const res = await bob.post('/report', { csrf, comment: String(replyId), work: '', ground: 'harassment', explanation: '人身攻击。' });
  assert.equal(res.status, 303);
  const loc = res.headers.get('location');
  const m = loc.match(/^\/report\/(\d+)\?token=([0-9a-f]{32})/);
  assert.ok(m, loc);
  [reportId, reportToken] = [Number(m[1]), m[2]];
  const receipt = await (await fetch(srv.base + loc)).text();
  assert.ok(receipt.includes(`/a/${workId}#c-${replyId}`), 'the receipt names the comment');
  assert.equal(count(`SELECT comment_id FROM reports WHERE id = ${reportId}`), replyId);
  assert.equal(siteSql(dataDir, `SELECT work_id FROM reports WHERE id = ${reportId}`).stdout.trim(), workId);
});

test('bad comment references are refused and store nothing', async () => {
  const before = count('SELECT count(*) FROM reports');
  const pending = await (async () => {
    assert.equal(hao(['set', 'comments', 'review']).status, 0);
    const id = await comment(workId, aliceTok, '等待审核的评论。');
    assert.equal(hao(['set', 'comments', 'open']).status, 0);
    return id;
  })();
  const cases = [
    [{ comment: 999999 }, 422, 'not_a_comment'],
    [{ comment: 'abc' }, 422, 'not_a_comment'],
    [{ comment: '0' }, 422, 'not_a_comment'],
    [{ comment: `/a/${workId}#c-x` }, 422, 'not_a_comment'],
    [{ comment: `http://elsewhere.example/a/${workId}#c-${replyId}` }, 422, 'not_a_comment'],
    [{ comment: pending }, 422, 'not_a_comment'], // held: readers do not see it
    [{ comment: `/a/${otherWorkId}#c-${replyId}` }, 422, 'invalid'], // not that work's
    [{ comment: replyId, work: otherWorkId }, 422, 'invalid'],
    [{ comment: true }, 422, 'invalid'],
    [{ comment: replyId, ground: 'nonsense' }, 422, 'invalid'],
    [{ comment: replyId, explanation: '' }, 422, 'missing_fields'],
  ];
  for (const [extra, status, code] of cases) {
    const res = await api('POST', '/api/v1/reports', null, { ground: 'spam', explanation: '广告。', ...extra });
    assert.equal(res.status, status, JSON.stringify(extra));
    assert.equal((await res.json()).error.code, code, JSON.stringify(extra));
  }
  assert.equal(count('SELECT count(*) FROM reports'), before);
});

test('the API takes a comment URL (or number) and answers its work and comment', async () => {
  for (const ref of [`http://${host}/a/${workId}#c-${rootId}`, `/api/v1/comments/${rootId}`, rootId]) {
    const res = await api('POST', '/api/v1/reports', null, { comment: ref, ground: 'spam', explanation: '像广告。' });
    assert.equal(res.status, 201, String(ref));
    const j = await res.json();
    assert.equal(j.work, workId);
    assert.equal(j.comment, rootId);
    assert.match(j.receipt, /^\/report\/\d+\?token=/);
  }
  // A report on the work itself still names no comment.
  const w = await (await api('POST', '/api/v1/reports', null, { work: workId, ground: 'spam', explanation: '整篇都是广告。' })).json();
  assert.equal(w.comment, null);
});

test('the moderator reads the comment in context and upholds: only the comment goes', async () => {
  const judge = new Client(srv.base);
  assert.equal((await judge.login('judge', 'judge-password-1')).status, 303);
  const q = await (await judge.get('/mod')).text();
  assert.match(q, new RegExp(`data-report="${reportId}"[^>]*>[\\s\\S]*?${replyId}`));
  const view = await (await judge.get(`/mod/reports/${reportId}`)).text();
  assert.match(view, new RegExp(`class="mod-comment" data-comment="${replyId}" data-status="published"`));
  assert.ok(view.includes('爱丽丝的回复:你这人真蠢。'), 'the comment text');
  assert.ok(view.includes('鲍勃先说一句。'), 'what it answers');
  assert.ok(view.includes('@alice'));

  const sent = sink.messages.length;
  const csrf = await judge.csrf(`/mod/reports/${reportId}`);
  const res = await judge.post(`/mod/reports/${reportId}`, { csrf, decision: 'uphold', reason: '辱骂他人。' });
  assert.equal(res.status, 303);

  // The work stays; the comment is a placeholder naming the report.
  const page = await fetch(`${srv.base}/a/${workId}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(!html.includes('你这人真蠢'), 'the text is gone from the page');
  assert.ok(html.includes(`report ${reportId} (harassment). 辱骂他人。`), 'the placeholder says why');
  assert.ok(html.includes('鲍勃先说一句。'));
  const c = await commentOf(workId, replyId);
  assert.equal(c.status, 'removed');
  assert.equal(c.removed_by, 'report');
  assert.equal(siteSql(dataDir, `SELECT status FROM works WHERE id = '${workId}'`).stdout.trim(), 'published');

  // The commenter: inbox, and the takedown e-mail naming the comment.
  const inbox = JSON.stringify(await (await api('GET', '/api/v1/notifications', aliceTok)).json());
  assert.ok(inbox.includes('Your comment was removed') && inbox.includes('辱骂他人。'), inbox);
  // Other mail (the judge's sign-in security notice) may land in between: pick the takedown's.
  const takedownMail = () => sink.messages.slice(sent).map(decode).find((m) => /Your comments were removed/.test(m.subject));
  assert.ok(await waitUntil(() => takedownMail()), 'a mail was sent ' + siteSql(dataDir, 'SELECT to_addr, subject, status, last_error FROM outbox').stdout + siteSql(dataDir, "SELECT email FROM users").stdout);
  const mail = takedownMail();
  assert.equal(mail.to, 'alice@example.cn');
  assert.match(mail.subject, /Your comments were removed/);
  assert.ok(mail.body.includes(`/a/${workId}#c-${replyId}`), mail.body);
  assert.ok(mail.body.includes(`report ${reportId}`) && mail.body.includes('辱骂他人。'), mail.body);

  // Audit, transparency (a removed comment, not a removed work), receipt.
  assert.equal(count("SELECT count(*) FROM audit_log WHERE action = 'comment.takedown'"), 1);
  assert.equal(count(`SELECT count(*) FROM takedowns WHERE comment_id = ${replyId} AND report_id = ${reportId}`), 1);
  const t = await transparency();
  assert.equal(t.comments_removed, 1);
  assert.equal(t.takedowns, 0);
  const receipt = await (await fetch(`${srv.base}/report/${reportId}?token=${reportToken}`)).text();
  assert.match(receipt, /data-status="upheld"/);
  assert.ok(receipt.includes('Upheld: the comment was removed') || receipt.includes('评论已移除'), receipt);

  // Reported again: it is down already.
  const again = await api('POST', '/api/v1/reports', null, { comment: replyId, ground: 'spam', explanation: '再举报。' });
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error.code, 'already_taken_down');
});

test('the commenter gets the statement of reasons and complains; an upheld complaint restores the comment', async () => {
  const alice = new Client(srv.base);
  assert.equal((await alice.login('alice', 'alice-password-1')).status, 303);
  const html = await (await alice.get('/studio/notices')).text();
  const m = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${workId}" data-status="active" data-comment="${replyId}"`));
  assert.ok(m, 'listed for the commenter');
  const td = m[1];
  assert.ok(html.includes(`${reportId}`) && html.includes('辱骂他人。'));
  const csrf = await alice.csrf(`/studio/notices/${td}/complaint`);
  assert.equal((await alice.post(`/studio/notices/${td}/complaint`, { csrf, text: '我只是在讨论。' })).status, 303);
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  const q = await (await judge.get('/mod')).text();
  const kid = q.match(/data-complaint="(\d+)"/)[1];
  const c2 = await judge.csrf(`/mod/complaints/${kid}`);
  assert.equal((await judge.post(`/mod/complaints/${kid}`, { csrf: c2, decision: 'uphold', reason: '语气尖锐,但不算辱骂。' })).status, 303);
  const c = await commentOf(workId, replyId);
  assert.equal(c.status, 'published');
  assert.equal(c.body, '爱丽丝的回复:你这人真蠢。');
  assert.equal((await transparency()).comments_restored, 1);
  assert.equal(count("SELECT count(*) FROM audit_log WHERE action = 'comment.restore'"), 1);
});

test('a dismissed report changes nothing', async () => {
  const r = await (await api('POST', '/api/v1/reports', null, { comment: rootId, ground: 'spam', explanation: '无聊。' })).json();
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  const csrf = await judge.csrf(`/mod/reports/${r.id}`);
  assert.equal((await judge.post(`/mod/reports/${r.id}`, { csrf, decision: 'reject', reason: '正常评论。' })).status, 303);
  assert.equal((await commentOf(workId, rootId)).status, 'published');
});

test('upheld reports on comments count as strikes against the commenter', async () => {
  assert.equal(hao(['set', 'strike_limit', '2']).status, 0);
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  for (const text of ['鲍勃的第一条广告。', '鲍勃的第二条广告。']) {
    const id = await comment(workId, bobTok, text);
    const r = await (await api('POST', '/api/v1/reports', null, { comment: id, ground: 'spam', explanation: '广告。' })).json();
    const csrf = await judge.csrf(`/mod/reports/${r.id}`);
    assert.equal((await judge.post(`/mod/reports/${r.id}`, { csrf, decision: 'uphold', reason: '广告。' })).status, 303);
  }
  assert.equal(siteSql(dataDir, "SELECT status FROM users WHERE handle = 'bob'").stdout.trim(), 'suspended');
  assert.equal(siteSql(dataDir, "SELECT status FROM users WHERE handle = 'writer'").stdout.trim(), 'active');
  assert.equal(hao(['set', 'strike_limit', '3']).status, 0);
});

test('a notice naming two comments of one commenter mails them one list of both', async () => {
  assert.equal(hao(['set', 'notice_mode', 'immediate']).status, 0);
  const a = await comment(workId, aliceTok, '抄来的第一段。');
  const b = await comment(otherWorkId, aliceTok, '抄来的第二段。');
  const sent = sink.messages.length;
  const res = await api('POST', '/api/v1/notices', null, {
    name: '王五', contact: 'wang@example.cn', address: '北京市海淀区某路1号',
    urls: [`/a/${workId}#c-${a}`, `/comments/${b}`], right: '著作权:这段文字是我写的',
    original: '《原文》,首发于我的博客', proof_media: 'https://example.cn/proof.pdf', good_faith: true, signature: '王五',
  });
  assert.equal(res.status, 201, await res.clone().text());
  const n = await res.json();
  // With SMTP set, the sender confirms the notice by the mailed link first.
  assert.ok(await waitUntil(() => sink.messages.slice(sent).some((m) => decode(m).to === 'wang@example.cn')));
  const cm = sink.messages.slice(sent).map(decode).find((m) => m.to === 'wang@example.cn');
  const link = cm.body.match(/http:\/\/\S+(\/notice\/\d+\/confirm)\?t=([0-9a-f]{32})/);
  assert.ok(link, cm.body);
  const c = new Client(srv.base);
  const page = await c.get(`${link[1]}?t=${link[2]}`);
  const csrf = (await page.text()).match(/name="csrf" value="([0-9a-f]+)"/)[1];
  assert.equal((await c.post(link[1], { csrf, t: link[2] })).status, 200);
  assert.equal((await commentOf(workId, a)).status, 'removed');
  assert.ok(await waitUntil(() => sink.messages.slice(sent).some((m) => decode(m).to === 'alice@example.cn')));
  await new Promise((r) => setTimeout(r, 300));
  const mine = sink.messages.slice(sent).map(decode).filter((m) => m.to === 'alice@example.cn');
  assert.equal(mine.length, 1, 'one message for both');
  assert.ok(mine[0].body.includes(`/a/${workId}#c-${a}`) && mine[0].body.includes(`/a/${otherWorkId}#c-${b}`), mine[0].body);
  assert.ok(mine[0].body.includes(`notice ${n.id}`), mine[0].body);
});
