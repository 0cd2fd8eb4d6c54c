// Issue 18 item 2, user management in the browser: the list (search, pages),
// role changes, suspension and reinstatement with a reason, each audited;
// the last admin can be neither demoted nor suspended; non-admins get 403;
// every bad input is refused with its message next to the field and
// changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, tmpDir, Client, BIN, siteSql } from './harness.mjs';

let srv, dataDir, boss;

const sql = (q) => siteSql(dataDir, q).stdout.trim();
const idOf = (h) => sql(`SELECT id FROM users WHERE handle = '${h}'`);
const audits = () => Number(sql('SELECT count(*) FROM audit_log'));

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'boss', 'admin', 'boss-password-1', '站长');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '王五');
  // Enough accounts for a second page (50 a page).
  for (let i = 0; i < 52; i++) addUser(dataDir, `reader${String(i).padStart(2, '0')}`, 'reader', 'reader-password-1');
  siteSql(dataDir, "UPDATE users SET email = 'wangwu@example.cn' WHERE handle = 'writer'");
  srv = await startServer({ dataDir });
  boss = new Client(srv.base);
  assert.equal((await boss.login('boss', 'boss-password-1')).status, 303);
});
after(async () => { await srv?.stop(); });

async function form(c, page, action, fields) {
  const csrf = await c.csrf(page);
  return c.post(action, { csrf, ...fields });
}

test('the list: every account in words, searchable by handle, name or e-mail, in pages', async () => {
  let html = await (await boss.get('/admin/users')).text();
  assert.match(html, /data-total="55"/);
  assert.equal((html.match(/<tr data-user=/g) || []).length, 50, 'fifty a page');
  assert.match(html, /<a rel="next" href="\/admin\/users\?page=2">/);
  assert.match(html, /<td data-label="角色">读者<\/td>/, 'roles in words');
  html = await (await boss.get('/admin/users?page=2')).text();
  assert.equal((html.match(/<tr data-user=/g) || []).length, 5);
  for (const q of ['WRITER', '王五', 'wangwu@example']) {
    html = await (await boss.get(`/admin/users?q=${encodeURIComponent(q)}`)).text();
    assert.match(html, /data-total="1"/, q);
    assert.match(html, /<tr data-user="writer" data-role="creator" data-status="active">/, q);
  }
  html = await (await boss.get('/admin/users?q=%25')).text();
  assert.match(html, /data-total="0"/, 'a % is searched for, not a wildcard');
  assert.equal((await boss.get('/admin/users?page=0')).status, 400);
  assert.equal((await boss.get('/admin/users/99999')).status, 404);
});

test('non-admins get 403 on every admin page and change', async () => {
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  const writerId = idOf('writer');
  for (const p of ['/admin/users', `/admin/users/${writerId}`, '/admin/settings', '/admin/audit']) {
    assert.equal((await judge.get(p)).status, 403, p);
  }
  const csrf = await judge.csrf('/mod');
  const before = audits();
  assert.equal((await judge.post(`/admin/users/${writerId}/role`, { csrf, role: 'admin' })).status, 403);
  assert.equal((await judge.post(`/admin/users/${writerId}/suspend`, { csrf, reason: 'x' })).status, 403);
  assert.equal(sql("SELECT role FROM users WHERE handle = 'writer'"), 'creator');
  assert.equal(audits(), before);
  assert.equal((await fetch(`${srv.base}/admin/users`, { redirect: 'manual' })).status, 303, 'anonymous: to the login');
});

test('roles change, audited; a bad role changes nothing', async () => {
  const id = idOf('reader00');
  const page = `/admin/users/${id}`;
  let res = await form(boss, page, `${page}/role`, { role: 'moderator' });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT role FROM users WHERE id = ${id}`), 'moderator');
  assert.equal(sql("SELECT actor || ' ' || detail FROM audit_log WHERE action = 'user.role' ORDER BY id DESC LIMIT 1"),
    'user:boss reader -> moderator');
  const html = await (await boss.get(page)).text();
  assert.match(html, /更改角色 · reader -&gt; moderator|修改|更改角色/);
  const before = audits();
  res = await form(boss, page, `${page}/role`, { role: 'emperor' });
  assert.equal(res.status, 422);
  const bad = await res.text();
  assert.match(bad, /<select id="f-role" name="role" aria-invalid="true" aria-describedby="f-role-err">/);
  assert.match(bad, /<span class="field-error" id="f-role-err" role="alert">请选择一个角色/);
  assert.equal(sql(`SELECT role FROM users WHERE id = ${id}`), 'moderator');
  assert.equal(audits(), before, 'nothing audited');
});

test('the last admin can be neither demoted nor suspended', async () => {
  const id = idOf('boss');
  const page = `/admin/users/${id}`;
  const before = audits();
  let res = await form(boss, page, `${page}/role`, { role: 'creator' });
  assert.equal(res.status, 409);
  assert.match(await res.text(), /唯一的管理员/);
  assert.equal(sql(`SELECT role FROM users WHERE id = ${id}`), 'admin');
  res = await form(boss, page, `${page}/suspend`, { reason: '试试' });
  assert.equal(res.status, 409, 'not oneself either');
  assert.equal(audits(), before);

  // With a second admin, the first may step down; then the second is the last.
  const judgeId = idOf('judge');
  assert.equal((await form(boss, `/admin/users/${judgeId}`, `/admin/users/${judgeId}/role`, { role: 'admin' })).status, 303);
  assert.equal((await form(boss, page, `${page}/role`, { role: 'moderator' })).status, 303);
  assert.equal(sql(`SELECT role FROM users WHERE id = ${id}`), 'moderator');
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  res = await form(judge, `/admin/users/${judgeId}`, `/admin/users/${judgeId}/role`, { role: 'reader' });
  assert.equal(res.status, 409, 'the last admin again');
  // Put things back for the other tests.
  assert.equal((await form(judge, page, `${page}/role`, { role: 'admin' })).status, 303);
  assert.equal((await form(boss, `/admin/users/${judgeId}`, `/admin/users/${judgeId}/role`, { role: 'moderator' })).status, 303);
});

test('suspend and reinstate need a reason; the user is signed out and told why; all audited', async () => {
  const w = new Client(srv.base);
  assert.equal((await w.login('writer', 'writer-password-1')).status, 303);
  assert.equal((await w.get('/studio')).status, 200);
  const id = idOf('writer');
  const page = `/admin/users/${id}`;
  const before = audits();
  let res = await form(boss, page, `${page}/suspend`, { reason: '   ' });
  assert.equal(res.status, 422);
  const bad = await res.text();
  assert.match(bad, /<textarea class="fk" id="f-suspend-reason" name="reason" rows="3" maxlength="500" required aria-invalid="true" aria-describedby="f-suspend-reason-err">/);
  assert.match(bad, /id="f-suspend-reason-err" role="alert">请写下理由/);
  res = await form(boss, page, `${page}/suspend`, { reason: 'x'.repeat(501) });
  assert.equal(res.status, 422, 'too long');
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'active');
  assert.equal(audits(), before, 'nothing changed');

  res = await form(boss, page, `${page}/suspend`, { reason: '多次发布广告' });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'suspended');
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE user_id = ${id}`), '0', 'signed out');
  assert.notEqual((await w.get('/studio')).status, 200);
  const login = await new Client(srv.base).login('writer', 'writer-password-1');
  assert.equal(login.status, 403);
  assert.match(await login.text(), /多次发布广告/, 'told why');
  res = await form(boss, page, `${page}/suspend`, { reason: '再来' });
  assert.equal(res.status, 409, 'already suspended');

  res = await form(boss, page, `${page}/reinstate`, { reason: '' });
  assert.equal(res.status, 422);
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'suspended');
  res = await form(boss, page, `${page}/reinstate`, { reason: '申诉成立' });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'active');
  assert.equal((await new Client(srv.base).login('writer', 'writer-password-1')).status, 303);
  assert.equal(sql("SELECT action || ':' || subject || ':' || detail FROM audit_log WHERE action IN ('user.suspend', 'user.reinstate') ORDER BY id"),
    `user.suspend:user:${id}:多次发布广告\nuser.reinstate:user:${id}:申诉成立`);
  const html = await (await boss.get(page)).text();
  assert.match(html, /暂停账号 · 多次发布广告/);
  assert.match(html, /恢复账号 · 申诉成立/);
  const audit = await (await boss.get('/admin/audit')).text();
  assert.match(audit, /<td data-label="操作">恢复账号<\/td>/);
  assert.match(audit, new RegExp(`用户 <a href="/admin/users\\?q=${id}">${id}</a>`));
});
