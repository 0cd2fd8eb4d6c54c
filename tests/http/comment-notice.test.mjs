// A rights-holder notice naming a comment (/a/ID#c-N, /comments/N,
// /api/v1/comments/N) takes down the comment, never its work: the work
// stays 200, the comment shows the "removed after notice N" placeholder on
// the page and in the API, the commenter (a reader, without a studio) gets
// the statement of reasons at /studio/notices and restores it by a
// counter-notice. notice_mode immediate is set by the operator (no SMTP,
// as in notice.test.mjs); restore_mode is immediate by default.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';
import { midQuarter, DAY } from './clock.mjs';

let srv, dataDir, host, writerTok, aliceTok, bobTok;
let workId, otherWorkId, commentId, noticeId, takedownId;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'alice', 'reader', 'alice-password-1');
  addUser(dataDir, 'bob', 'reader', 'bob-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'immediate', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(midQuarter()) } });
  host = new URL(srv.base).host;
  writerTok = await apiToken(srv.base, 'writer', 'writer-password-1');
  aliceTok = await apiToken(srv.base, 'alice', 'alice-password-1');
  bobTok = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

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

async function comment(work, tok, body) {
  const res = await api('POST', `/api/v1/articles/${work}/comments`, tok, { body });
  assert.equal(res.status, 201);
  return (await res.json()).id;
}

const notice = (urls, contact = 'wang@example.cn') => ({
  name: '王五', contact, address: '北京市海淀区某路1号', urls, right: '著作权:这段文字是我写的',
  original: '《原文》,首发于我的博客', proof_media: 'https://example.cn/proof.pdf', good_faith: true, signature: '王五',
});

function postNotice(body) {
  return api('POST', '/api/v1/notices', null, body);
}

async function commentsOf(work) {
  const res = await api('GET', `/api/v1/articles/${work}/comments`);
  assert.equal(res.status, 200);
  return (await res.json()).comments;
}

const auditCount = async (action) => {
  const r = siteSql(dataDir, `SELECT count(*) FROM audit_log WHERE action = '${action}'`);
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
};

test('bad comment URLs in a notice are refused and change nothing', async () => {
  workId = await publish('评论所在的作品');
  otherWorkId = await publish('另一篇作品');
  commentId = await comment(workId, aliceTok, '这段话抄自别人的博客。');
  const deleted = await comment(workId, bobTok, '我马上删掉。');
  assert.equal((await api('DELETE', `/api/v1/comments/${deleted}`, bobTok)).status, 204);

  const cases = [
    `http://${host}/a/${workId}#c-999999`, // no such comment
    `http://${host}/a/${otherWorkId}#c-${commentId}`, // a comment of another work
    `/comments/999999`,
    `/api/v1/comments/${deleted}`, // deleted by its author
    `/a/${workId}#c-${deleted}`,
    `/a/${workId}#c-x`, // a mistyped comment is not read as the work
    `/a/${workId}#c-0`,
  ];
  for (const url of cases) {
    const res = await postNotice(notice([url]));
    assert.equal(res.status, 422, url);
    const j = await res.json();
    assert.equal(j.error.code, 'not_a_comment', url);
  }
  const list = await commentsOf(workId);
  assert.equal(list.find((c) => c.id === commentId).status, 'published');
});

test('a notice naming /a/ID#c-N takes down the comment, not the work', async () => {
  const res = await postNotice(notice([`http://${host}/a/${workId}#c-${commentId}`]));
  assert.equal(res.status, 201, await res.clone().text());
  const j = await res.json();
  noticeId = j.id;

  // The work stays up, on its page and in the API.
  const page = await fetch(`${srv.base}/a/${workId}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(!html.includes('这段话抄自别人的博客。'), 'the text is gone from the page');
  assert.match(html, new RegExp(`rights-holder notice ${noticeId}\\b`));
  assert.equal((await api('GET', `/api/v1/articles/${workId}`)).status, 200);

  const c = (await commentsOf(workId)).find((x) => x.id === commentId);
  assert.equal(c.status, 'removed');
  assert.equal(c.removed_by, 'takedown');
  assert.match(c.reason, new RegExp(`notice ${noticeId}\\b`));
  assert.ok(!JSON.stringify(c).includes('这段话抄自别人的博客。'));

  // The commenter hears of it in the inbox.
  const inbox = await (await api('GET', '/api/v1/notifications', aliceTok)).json();
  const n = JSON.stringify(inbox);
  assert.ok(n.includes('Your comment was removed') && n.includes(`notice ${noticeId}`), n);
  assert.equal(await auditCount('comment.takedown'), 1);

  // Not counted as a removed work; counted as a removed comment.
  const t = await (await fetch(`${srv.base}/transparency.json`)).json();
  const val = (k) => t.counts[k];
  assert.equal(val('takedowns'), 0);
  assert.equal(val('comments_removed'), 1);

  // The same comment again: it is already down (or the same notice).
  const again = await postNotice(notice([`/comments/${commentId}`], 'other@example.cn'));
  assert.equal(again.status, 409);
});

test('the commenter, a reader, sees the statement of reasons and counter-notices', async () => {
  const alice = new Client(srv.base);
  assert.equal((await alice.login('alice', 'alice-password-1')).status, 303);
  const res = await alice.get('/studio/notices');
  assert.equal(res.status, 200);
  const html = await res.text();
  const m = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${workId}" data-status="active" data-comment="${commentId}"`));
  assert.ok(m, 'the comment removal is listed');
  takedownId = m[1];

  // The work's author does not see it as the removal of their work.
  const writer = new Client(srv.base);
  await writer.login('writer', 'writer-password-1');
  const wh = await (await writer.get('/studio/notices')).text();
  assert.ok(!wh.includes(`data-takedown="${takedownId}"`));
  assert.equal((await writer.get(`/studio/notices/${takedownId}/counter`)).status, 403);
  const bob = new Client(srv.base);
  await bob.login('bob', 'bob-password-1');
  assert.equal((await bob.get(`/studio/notices/${takedownId}/counter`)).status, 403);

  const csrf = await alice.csrf(`/studio/notices/${takedownId}/counter`);
  let r = await alice.post(`/studio/notices/${takedownId}/counter`, { csrf, name: '爱丽丝' });
  assert.equal(r.status, 422, 'incomplete');
  assert.equal((await commentsOf(workId)).find((x) => x.id === commentId).status, 'removed');
  r = await alice.post(`/studio/notices/${takedownId}/counter`, {
    csrf, name: '爱丽丝', contact: 'alice@example.cn', address: '上海市', statement: '这是我自己的话。',
    good_faith: '1', signature: '爱丽丝',
  });
  assert.equal(r.status, 303);
  const c = (await commentsOf(workId)).find((x) => x.id === commentId);
  assert.equal(c.status, 'published');
  assert.equal(c.body, '这段话抄自别人的博客。');
  const html2 = await (await fetch(`${srv.base}/a/${workId}`)).text();
  assert.ok(html2.includes('这段话抄自别人的博客。'));
  assert.equal(await auditCount('comment.restore'), 1);
  const inbox = JSON.stringify(await (await api('GET', '/api/v1/notifications', aliceTok)).json());
  assert.ok(inbox.includes('Your comment was restored'), inbox);
  const t = await (await fetch(`${srv.base}/transparency.json`)).json();
  const val = (k) => t.counts[k];
  assert.equal(val('comments_restored'), 1);
  assert.equal(val('restorations'), 0);
});

test('/comments/N and /api/v1/comments/N name a comment too', async () => {
  const id2 = await comment(workId, bobTok, '第二条评论。');
  const res = await postNotice(notice([`/api/v1/comments/${id2}`], 'zhao@example.cn'));
  assert.equal(res.status, 201);
  assert.equal((await commentsOf(workId)).find((x) => x.id === id2).status, 'removed');
  assert.equal((await fetch(`${srv.base}/a/${workId}`)).status, 200);
});

test('under review a moderator sees the named comment and upholds: the comment goes, the work stays', async () => {
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'review', '--data', dataDir]).status, 0);
  const id3 = await comment(workId, bobTok, '第三条评论,等审核。');
  const res = await postNotice(notice([`/a/${workId}#c-${id3}`], 'qian@example.cn'));
  assert.equal(res.status, 201);
  const n = await res.json();
  assert.equal((await commentsOf(workId)).find((x) => x.id === id3).status, 'published', 'nothing yet');
  const st = await (await fetch(`${srv.base}/api/v1/notices/${n.id}?token=${n.token}`)).json();
  assert.deepEqual(st.comments, [{ id: id3, work: workId, status: 'published' }]);

  const judge = new Client(srv.base);
  assert.equal((await judge.login('judge', 'judge-password-1')).status, 303);
  const page = await (await judge.get(`/mod/notices/${n.id}`)).text();
  assert.match(page, new RegExp(`data-comment="${id3}" data-status="published"`));
  assert.ok(page.includes('第三条评论,等审核。'), 'the moderator reads the named text');
  const csrf = await judge.csrf(`/mod/notices/${n.id}`);
  assert.equal((await judge.post(`/mod/notices/${n.id}`, { csrf, decision: 'uphold', reason: '侵权成立。' })).status, 303);
  const c = (await commentsOf(workId)).find((x) => x.id === id3);
  assert.equal(c.status, 'removed');
  assert.match(c.reason, new RegExp(`notice ${n.id}\\b.*侵权成立`));
  assert.equal((await fetch(`${srv.base}/a/${workId}`)).status, 200);
  const st2 = await (await fetch(`${srv.base}/api/v1/notices/${n.id}?token=${n.token}`)).json();
  assert.equal(st2.comments[0].status, 'removed');
  assert.equal(await auditCount('comment.takedown'), 3);
});

test('the commenter may complain instead; a rejection reaches the commenter, not the work author', async () => {
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'immediate', '--data', dataDir]).status, 0);
  const id5 = await comment(workId, aliceTok, '爱丽丝的又一条评论。');
  const res = await postNotice(notice([`/comments/${id5}`], 'zhou@example.cn'));
  assert.equal(res.status, 201);
  const alice = new Client(srv.base);
  await alice.login('alice', 'alice-password-1');
  const html = await (await alice.get('/studio/notices')).text();
  const td = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${workId}" data-status="active" data-comment="${id5}"`))[1];
  const csrf = await alice.csrf(`/studio/notices/${td}/complaint`);
  assert.equal((await alice.post(`/studio/notices/${td}/complaint`, { csrf, text: '这是我的原话。' })).status, 303);
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  const q = await (await judge.get('/mod')).text();
  const cid = q.match(/data-complaint="(\d+)"/)[1];
  const c2 = await judge.csrf(`/mod/complaints/${cid}`);
  assert.equal((await judge.post(`/mod/complaints/${cid}`, { csrf: c2, decision: 'reject', reason: '确系抄袭。' })).status, 303);
  const mine = JSON.stringify(await (await api('GET', '/api/v1/notifications', aliceTok)).json());
  assert.ok(mine.includes('确系抄袭。'), mine);
  const writers = JSON.stringify(await (await api('GET', '/api/v1/notifications', writerTok)).json());
  assert.ok(!writers.includes('确系抄袭。'), writers);
  assert.equal((await commentsOf(workId)).find((x) => x.id === id5).status, 'removed');
});

test('strikes count against the commenter, never the author of the work', async () => {
  // bob has two comments down on notices (not restored); a third suspends him
  // at the default strike_limit 3, while writer, whose work carries them, is untouched.
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'immediate', '--data', dataDir]).status, 0);
  const id4 = await comment(workId, bobTok, '第四条评论。');
  const res = await postNotice(notice([`/comments/${id4}`], 'sun@example.cn'));
  assert.equal(res.status, 201);
  assert.equal(await auditCount('user.suspend'), 1);
  const r = siteSql(dataDir, "SELECT handle, status FROM users WHERE handle IN ('bob','writer','alice') ORDER BY handle");
  assert.equal(r.stdout.trim(), 'alice|active\nbob|suspended\nwriter|active');
  assert.equal((await api('POST', `/api/v1/articles/${workId}/comments`, bobTok, { body: '还能发吗' })).status, 401, 'a suspended account signs in no more');
});

test('past retention a removed comment loses its text and its takedown ends: no counter-notice brings it back empty', async () => {
  const active = siteSql(dataDir, 'SELECT id, comment_id FROM takedowns WHERE comment_id IS NOT NULL AND status = \'active\' ORDER BY id');
  assert.equal(active.status, 0, active.stderr);
  const rows = active.stdout.trim().split('\n').map((l) => l.split('|').map(Number));
  assert.ok(rows.length >= 3, active.stdout);
  // The purges run at start: 200 days on (retention_days is 180).
  await srv.stop();
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(midQuarter() + 200 * DAY) } });
  for (const [td, cid] of rows) {
    const r = siteSql(dataDir, `SELECT t.status || '|' || c.body FROM takedowns t JOIN comments c ON c.id = t.comment_id WHERE t.id = ${td}`);
    assert.equal(r.stdout.trim(), 'purged|', `takedown ${td} of comment ${cid}`);
  }
  assert.ok(await auditCount('comment.purge') >= 1);
  // alice's complained-about comment: the counter-notice form is closed now.
  const alice = new Client(srv.base);
  await alice.login('alice', 'alice-password-1');
  const aliceTd = rows.find(([, cid]) => siteSql(dataDir, `SELECT author_id FROM comments WHERE id = ${cid}`).stdout.trim() ===
    siteSql(dataDir, "SELECT id FROM users WHERE handle = 'alice'").stdout.trim())[0];
  assert.equal((await alice.get(`/studio/notices/${aliceTd}/counter`)).status, 409);
  assert.equal((await fetch(`${srv.base}/a/${workId}`)).status, 200, 'the work is untouched');
  assert.equal(siteSql(dataDir, `SELECT status FROM works WHERE id = '${workId}'`).stdout.trim(), 'published');
  const chk = spawnSync(BIN, ['check', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(chk.status, 0, chk.stderr);
});
