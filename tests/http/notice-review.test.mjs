// The other settings: notice_mode review (a moderator decides in /mod) and
// restore_mode delayed (restore after restore_days business days unless the
// complainant reports a court action). The delay is a scheduled job that
// survives restarts: the server is stopped between counter-notice and
// restore and started again with HAO_FAKE_NOW moving the deadline clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

function hao(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let srv, dataDir, token, host;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  for (const [k, v] of [['notice_mode', 'review'], ['restore_mode', 'delayed'], ['restore_days', '10'], ['dmca', 'on']]) {
    const r = hao(['set', k, v, '--data', dataDir]);
    assert.equal(r.code, 0, r.err);
  }
  assert.equal(hao(['set', 'notice_mode', 'sometimes', '--data', dataDir]).code, 1, 'bad value refused');
  assert.equal(hao(['set', 'no_such_key', 'x', '--data', dataDir]).code, 2, 'unknown key refused');
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

function notice(id, contact) {
  return fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '赵六', contact, address: '广州', urls: [`http://${host}/a/${id}/`], right: '著作权',
      original: '原作', good_faith: true, signature: '赵六' }),
  });
}

async function decide(c, path, fields) {
  const csrf = await c.csrf(path);
  return c.post(path, { csrf, ...fields });
}

async function counter(id) {
  const c = new Client(srv.base);
  await c.login('writer', 'writer-password-1');
  const html = await (await c.get('/studio/notices')).text();
  const td = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${id}" data-status="active"`))[1];
  const csrf = await c.csrf(`/studio/notices/${td}/counter`);
  const fields = { csrf, name: '作者', contact: 'writer@example.cn', address: '上海', statement: '原创。', good_faith: '1', signature: '作者' };
  // DMCA on: consent to jurisdiction is required.
  let res = await c.post(`/studio/notices/${td}/counter`, fields);
  assert.equal(res.status, 422);
  res = await c.post(`/studio/notices/${td}/counter`, { ...fields, consent: '1' });
  assert.equal(res.status, 303);
  return td;
}

async function restart(env) {
  await srv.stop();
  srv = await startServer({ dataDir, env });
}

const status = async (id) => (await fetch(`${srv.base}/a/${id}`)).status;

let w1, w2, w3, n1, n2;
test('review mode: a complete notice waits for a moderator; the work stays up', async () => {
  w1 = await publish('第一篇');
  w2 = await publish('第二篇');
  w3 = await publish('第三篇');
  let res = await notice(w1, 'a@example.cn');
  assert.equal(res.status, 201);
  n1 = await res.json();
  assert.equal(n1.status, 'pending');
  assert.equal(await status(w1), 200);
  n2 = await (await notice(w2, 'b@example.cn')).json();
  const n3 = await (await notice(w3, 'c@example.cn')).json();

  const c = new Client(srv.base);
  await c.login('judge', 'judge-password-1');
  const q = await (await c.get('/mod')).text();
  for (const n of [n1, n2, n3]) assert.ok(q.includes(`data-notice="${n.id}"`), `notice ${n.id} queued`);
  // A reason is required; a creator may not decide.
  res = await decide(c, `/mod/notices/${n1.id}`, { decision: 'uphold', reason: '' });
  assert.equal(res.status, 422);
  assert.equal(await status(w1), 200);
  const writer = new Client(srv.base);
  await writer.login('writer', 'writer-password-1');
  assert.equal((await writer.get(`/mod/notices/${n1.id}`)).status, 403);

  for (const [n, w] of [[n1, w1], [n2, w2]]) {
    res = await decide(c, `/mod/notices/${n.id}`, { decision: 'uphold', reason: '与原作逐字相同。' });
    assert.equal(res.status, 303);
    assert.equal(await status(w), 451);
  }
  res = await decide(c, `/mod/notices/${n3.id}`, { decision: 'reject', reason: '未能证明权属。' });
  assert.equal(res.status, 303);
  assert.equal(await status(w3), 200);
  const r3 = await (await fetch(`${srv.base}/notice/${n3.id}?token=${n3.token}`)).text();
  assert.match(r3, /data-status="rejected"/);
  assert.ok(r3.includes('未能证明权属。'), 'the complainant sees the reason');
  // Deciding twice is refused.
  res = await decide(c, `/mod/notices/${n3.id}/`.replace(/\/$/, ''), { decision: 'uphold', reason: 'again' });
  assert.equal(res.status, 409);
  // A notice that does not exist is 404, not "already decided".
  const csrf = await c.csrf(`/mod/notices/${n3.id}`);
  res = await c.post('/mod/notices/999999', { csrf, decision: 'uphold', reason: '不存在的通知。' });
  assert.equal(res.status, 404);
  // The statement of reasons says a person decided.
  const sor = await (await writer.get('/studio/notices')).text();
  assert.match(sor, /由审核员决定|a moderator decided/);
});

test('the notice form takes a proof file (at most 2 MiB) that moderators can download', async () => {
  const w4 = await publish('第四篇');
  const c = new Client(srv.base);
  const csrf = await c.csrf('/notice');
  const fields = { csrf, name: '孙七', contact: 'sun@example.cn', address: '深圳', urls: `/a/${w4}`, ground: 'portrait',
    right: '肖像权', original: '我的照片', signature: '孙七', good_faith: '1' };
  const send = (file, extra = {}) => {
    const fd = new FormData();
    // The file in the middle, as the form orders it.
    const all = Object.entries({ ...fields, ...extra });
    for (const [k, v] of all.slice(0, 5)) fd.append(k, v);
    if (file) fd.append('proof_file', new Blob([file], { type: 'image/png' }), '证据.png');
    for (const [k, v] of all.slice(5)) fd.append(k, v);
    return fetch(srv.base + '/notice', { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: c.cookieHeader(), origin: srv.base } });
  };
  // Too large: refused in place, nothing stored.
  let res = await send(new Uint8Array(2 * 1024 * 1024 + 1));
  assert.equal(res.status, 413);
  const big = await res.text();
  assert.match(big, /2 MiB/);
  assert.equal(big.match(/value="孙七"/g).length, 2, 'name and signature (after the file) are kept');
  // A forged token is refused for multipart too.
  res = await send(new Uint8Array(10), { csrf: 'd'.repeat(32) });
  assert.equal(res.status, 403);
  // Malformed multipart.
  res = await fetch(srv.base + '/notice', { method: 'POST', body: '--x\r\nnonsense', redirect: 'manual',
    headers: { cookie: c.cookieHeader(), origin: srv.base, 'content-type': 'multipart/form-data; boundary=x' } });
  assert.equal(res.status, 400);
  const bytes = new Uint8Array(300 * 1024).map((_, i) => (i * 7) & 255);
  res = await send(bytes);
  assert.equal(res.status, 303);
  const loc = res.headers.get('location');
  const id = loc.match(/\/notice\/(\d+)/)[1];
  const receipt = await (await c.get(loc)).text();
  assert.ok(receipt.includes('证据.png'), 'the receipt lists the file');
  assert.ok(receipt.includes('肖像权'), 'and the kind of right');
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  const view = await (await judge.get(`/mod/notices/${id}`)).text();
  assert.ok(view.includes(`/mod/notices/${id}/proof`));
  const dl = await judge.get(`/mod/notices/${id}/proof`);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
  assert.match(dl.headers.get('content-disposition'), /^attachment;/);
  assert.deepEqual(new Uint8Array(await dl.arrayBuffer()), bytes);
  assert.equal((await fetch(`${srv.base}/mod/notices/${id}/proof`, { redirect: 'manual' })).status, 303, 'moderators only');
  const rej = await decide(judge, `/mod/notices/${id}`, { decision: 'reject', reason: '照片不是本人。' });
  assert.equal(rej.status, 303);
  assert.equal(await status(w4), 200);
});

test('delayed restore: waits 10 business days across a restart, then restores', async () => {
  await counter(w1);
  assert.equal(await status(w1), 451, 'not restored at once');
  const st = await (await fetch(`${srv.base}/api/v1/notices/${n1.id}?token=${n1.token}`)).json();
  assert.equal(st.counter_notices.length, 1);
  assert.equal(st.counter_notices[0].status, 'waiting');
  const due = st.counter_notices[0].restore_at;
  const days = (due - Date.now() / 1000) / 86400;
  // Two weeks from a weekday; from a Saturday or Sunday (China time) the 10th
  // working day is the Friday after next, 13 or 12 days on.
  const weekday = new Date(Date.now() + 8 * 3600 * 1000).getUTCDay();
  const want = weekday === 6 ? 13 : weekday === 0 ? 12 : 14;
  assert.ok(Math.abs(days - want) < 0.1, `10 business days from weekday ${weekday} are ${want} days, got ${days}`);

  // A day before the deadline: still down after a restart.
  await restart({ HAO_FAKE_NOW: String(due - 86400) });
  assert.match(srv.stdout, /HAO_FAKE_NOW/);
  assert.equal(await status(w1), 451);
  // After the deadline: the job ran at start, before the first request.
  await restart({ HAO_FAKE_NOW: String(due + 60) });
  assert.equal(await status(w1), 200);
  const after = await (await fetch(`${srv.base}/api/v1/notices/${n1.id}?token=${n1.token}`)).json();
  assert.equal(after.counter_notices[0].status, 'restored');
  assert.equal((await fetch(`${srv.base}/api/v1/articles?author=writer`)).status, 200);
  assert.ok((await (await fetch(`${srv.base}/`)).text()).includes(w1), 'back on the home feed');
  await restart({});
});

test('a court action reported by the complainant stops the delayed restore', async () => {
  await counter(w2);
  const page = await fetch(`${srv.base}/notice/${n2.id}?token=${n2.token}`);
  const html = await page.text();
  assert.ok(html.includes('writer@example.cn'), 'counter-notice forwarded to the complainant');
  const cid = html.match(/name="counter" value="(\d+)"/)[1];
  const c = new Client(srv.base);
  const csrf = await c.csrf(`/notice/${n2.id}?token=${n2.token}`);
  let res = await c.post(`/notice/${n2.id}/court`, { csrf, token: '0'.repeat(32), counter: cid, court: '已起诉' });
  assert.equal(res.status, 404, 'wrong token');
  res = await c.post(`/notice/${n2.id}/court`, { csrf, token: n2.token, counter: cid, court: '' });
  assert.equal(res.status, 422, 'empty description');
  res = await c.post(`/notice/${n2.id}/court`, { csrf, token: n2.token, counter: cid, court: '北京互联网法院,(2026)京0491民初1号' });
  assert.equal(res.status, 303);
  res = await c.post(`/notice/${n2.id}/court`, { csrf, token: n2.token, counter: cid, court: 'again' });
  assert.equal(res.status, 409, 'only while waiting');
  const st = await (await fetch(`${srv.base}/api/v1/notices/${n2.id}?token=${n2.token}`)).json();
  await restart({ HAO_FAKE_NOW: String(st.counter_notices[0].restore_at + 3600) });
  assert.equal(await status(w2), 451, 'stays down');
  await restart({});
  const r = spawnSync(BIN, ['check', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('retention: removed content is purged after retention_days, logged, and check stays clean', async () => {
  assert.equal(await status(w2), 451);
  // 200 days on (retention_days defaults to 180).
  await restart({ HAO_FAKE_NOW: String(Math.floor(Date.now() / 1000) + 200 * 86400) });
  assert.equal(await status(w2), 404, 'purged: nothing left to serve');
  assert.equal(await status(w1), 200, 'published works are untouched');
  await restart({});
  const r = spawnSync(BIN, ['check', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const log = siteSql(dataDir, "SELECT subject FROM audit_log WHERE action = 'work.purge'").stdout;
  assert.ok(log.includes(`work:${w2}`), log);
  const body = siteSql(dataDir, `SELECT length(body) FROM works WHERE id = '${w2}'`).stdout;
  assert.equal(body.trim(), '0');
});
