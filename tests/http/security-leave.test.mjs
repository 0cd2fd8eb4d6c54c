// Leaving: download one's data (profile, works, comments, likes, follows,
// subscriptions) and delete the account (works kept under a deleted author
// or deleted; personal data erased; the audit entry without it; a farewell
// mail); `hao user delete` for admins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, Client, siteSql, apiToken, BIN } from './harness.mjs';
import { smtpSink, decode } from './smtp.mjs';

let srv, sink, lenaTok, ottoTok, lenaWork, ottoWork;
function hao(args, input) {
  return spawnSync(BIN, [...args, '--data', srv.dataDir], { encoding: 'utf8', input });
}
function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
async function api(method, p, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
async function publish(token, title) {
  const w = await (await api('POST', '/api/v1/articles', token, { title, body: `${title} 的正文。`, declaration: 'none' })).json();
  assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, token)).status, 200);
  return w.id;
}

before(async () => {
  sink = await smtpSink();
  srv = await startServer();
  addUser(srv.dataDir, 'ada', 'admin', 'ada-password-1');
  addUser(srv.dataDir, 'lena', 'creator', 'lena-password-1', 'Lena Li');
  addUser(srv.dataDir, 'otto', 'creator', 'otto-password-1');
  sql("UPDATE users SET email = 'lena@example.com' WHERE handle = 'lena'");
  for (const [k, v] of [['smtp_url', `smtp://127.0.0.1:${sink.port}`], ['smtp_from', 'site@example.com']]) assert.equal(hao(['set', k, v]).status, 0);
  lenaTok = await apiToken(srv.base, 'lena', 'lena-password-1');
  ottoTok = await apiToken(srv.base, 'otto', 'otto-password-1');
  lenaWork = await publish(lenaTok, '琳的作品');
  ottoWork = await publish(ottoTok, '奥托的作品');
  assert.equal((await api('POST', `/api/v1/articles/${ottoWork}/comments`, lenaTok, { body: '写得好' })).status, 201);
  assert.equal((await api('PUT', `/api/v1/articles/${ottoWork}/like`, lenaTok, {})).status < 300, true);
  assert.equal((await api('PUT', '/api/v1/follows/otto', lenaTok, {})).status < 300, true);
  assert.equal((await api('PUT', '/api/v1/follows/lena', ottoTok, {})).status < 300, true);
  sql("INSERT INTO email_subscriptions(creator_id, address, mode, status, token_at, created_at) SELECT id, 'lena@example.com', 'new', 'confirmed', 0, 0 FROM users WHERE handle = 'otto'");
});
after(async () => { await srv?.stop(); sink?.server.close(); });

test('download: one JSON file with profile, works, comments, likes, follows, subscriptions', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.login('lena', 'lena-password-1')).status, 303);
  const res = await c.get('/account/security/data.json');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition'), /attachment; filename="hao-lena\.json"/);
  const d = await res.json();
  assert.equal(d.profile[0].handle, 'lena');
  assert.equal(d.profile[0].email, 'lena@example.com');
  assert.equal(d.works.length, 1);
  assert.equal(d.works[0].title, '琳的作品');
  assert.equal(d.comments.length, 1);
  assert.equal(d.comments[0].body, '写得好');
  assert.deepEqual(d.likes.map((l) => l.work_id), [ottoWork]);
  assert.deepEqual(d.follows.map((f) => f.handle), ['otto']);
  assert.deepEqual(d.followers.map((f) => f.handle), ['otto']);
  assert.deepEqual(d.subscriptions.map((s) => s.creator), ['otto']);
  assert.equal((await new Client(srv.base).get('/account/security/data.json')).status, 303, 'signed-in only');
});

test('delete, bad input first: nothing changes', async () => {
  const c = new Client(srv.base);
  await c.login('lena', 'lena-password-1');
  for (const [fields, status] of [
    [{ works: 'keep', password: 'lena-password-1', confirm: 'otto' }, 422],
    [{ works: 'maybe', password: 'lena-password-1', confirm: 'lena' }, 422],
    [{ works: 'keep', password: 'wrong-password', confirm: 'lena' }, 403],
  ]) {
    const csrf = await c.csrf('/account/security/leave');
    const r = await c.post('/account/security/delete', { csrf, ...fields });
    assert.equal(r.status, status, JSON.stringify(fields));
    assert.match(await r.text(), /role="alert"/);
  }
  assert.equal(sql("SELECT count(*) FROM users WHERE handle = 'lena' AND deleted_at IS NULL"), '1');
  assert.equal((await c.get('/studio')).status, 200);
});

test('delete keeping the works: a deleted author, personal data erased, audit without it', async () => {
  const c = new Client(srv.base);
  await c.login('lena', 'lena-password-1');
  const id = sql("SELECT id FROM users WHERE handle = 'lena'");
  const csrf = await c.csrf('/account/security/leave');
  const r = await c.post('/account/security/delete', { csrf, works: 'keep', password: 'lena-password-1', confirm: 'LENA' });
  assert.equal(r.status, 200);
  assert.equal((await c.get('/studio')).status, 303, 'signed out');
  assert.equal((await api('GET', '/api/v1/timeline', lenaTok)).status, 401, 'tokens gone');
  assert.equal((await new Client(srv.base).login('lena', 'lena-password-1')).status, 401);

  const row = sql(`SELECT handle, display_name, email, pass_hash FROM users WHERE id = ${id}`).split('|');
  assert.equal(row[0], `deleted_${id}`);
  assert.doesNotMatch(row[1], /Lena/);
  assert.equal(row[2], '');
  assert.equal(row[3], '!');
  assert.equal(sql(`SELECT count(*) FROM comments WHERE author_id = ${id} AND body <> ''`), '0');
  assert.equal(sql(`SELECT count(*) FROM work_likes WHERE user_id = ${id}`), '0');
  assert.equal(sql(`SELECT count(*) FROM follows WHERE follower_id = ${id} OR followee_id = ${id}`), '0');
  assert.equal(sql("SELECT count(*) FROM email_subscriptions WHERE address = 'lena@example.com'"), '0');
  assert.equal(sql(`SELECT likes_count, comments_count FROM works WHERE id = '${ottoWork}'`), '0|0');
  assert.equal(sql("SELECT followers_count, following_count FROM users WHERE handle = 'otto'"), '0|0');

  // The work stays, under a deleted author.
  const page = await (await fetch(`${srv.base}/a/${lenaWork}`)).text();
  assert.match(page, /琳的作品/);
  assert.match(page, /deleted user|已注销用户/);
  assert.doesNotMatch(page, /Lena Li/);

  const audit = sql("SELECT actor || ' ' || subject || ' ' || detail FROM audit_log WHERE action = 'security.account_deleted'");
  assert.match(audit, new RegExp(`user:${id} deleted; works kept`));
  assert.doesNotMatch(audit, /lena|Lena|example\.com/);
  const farewell = await (async () => {
    for (let t = 0; t < 80; t++) {
      const m = sink.messages.map(decode).find((x) => x.to === 'lena@example.com' && /deleted/.test(x.body));
      if (m) return m;
      await new Promise((res) => setTimeout(res, 100));
    }
    return null;
  })();
  assert.ok(farewell, 'a farewell mail');
  assert.equal(hao(['check']).status, 0, 'the audit chain holds');
});

test('hao user delete: works deleted; the last admin is refused; unknown handle', async () => {
  let r = hao(['user', 'delete', 'otto']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql(`SELECT status FROM works WHERE id = '${ottoWork}'`), 'deleted');
  assert.equal((await fetch(`${srv.base}/a/${ottoWork}`)).status, 404);
  r = hao(['user', 'delete', 'ada']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /last administrator/);
  r = hao(['user', 'delete', 'nobody']);
  assert.equal(r.status, 1);
  assert.equal(sql("SELECT count(*) FROM users WHERE handle = 'ada' AND deleted_at IS NULL"), '1');
});
