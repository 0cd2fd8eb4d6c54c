// Issue 18 item 2, /admin/settings: grouped, labelled in the reader's
// language with help per setting, option values as words, every error next
// to its field, nothing saved when any value is bad; admins only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, addUser, tmpDir, Client, siteSql } from './harness.mjs';

let srv, dataDir, boss;
const sql = (q) => siteSql(dataDir, q).stdout.trim();
const settingsRows = () => sql("SELECT count(*) FROM settings WHERE key NOT IN ('audit_head', 'site_version')");
const audits = () => sql('SELECT count(*) FROM audit_log');

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'boss', 'admin', 'boss-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  srv = await startServer({ dataDir });
  boss = new Client(srv.base);
  assert.equal((await boss.login('boss', 'boss-password-1')).status, 303);
});
after(async () => { await srv?.stop(); });

test('grouped, labelled in Chinese with help, option values in words', async () => {
  const html = await (await boss.get('/admin/settings')).text();
  for (const g of ['站点', '运营者信息', '注册与评论', '通知与审核', '邮件']) assert.match(html, new RegExp(`<legend>${g}`), g);
  assert.match(html, /<fieldset id="g-notices"><legend>通知与审核<\/legend>/);
  assert.match(html, /<label for="s-notice_mode">收到完整的权利人通知后 <code>notice_mode<\/code><\/label>/);
  assert.match(html, /<option value="review" selected>人工审核<\/option>/, 'options as words');
  assert.match(html, /<option value="immediate">立即移除<\/option>/);
  assert.match(html, /<option value="off" selected>关闭<\/option>/);
  assert.match(html, /<p class="field-help" id="h-notice_mode">立即移除:/, 'help text');
  assert.match(html, /<input id="s-restore_days" name="restore_days" type="number" inputmode="numeric" min="1" max="30"/);
  assert.ok(!/>immediate</.test(html) && !/>review</.test(html), 'no raw option values shown');
  const en = await (await boss.get('/admin/settings', { 'accept-language': 'en' })).text();
  assert.match(en, /<legend>Notices and moderation<\/legend>/);
  assert.match(en, /<option value="review" selected>A moderator decides<\/option>/);
  assert.match(en, /<p class="field-help" id="h-base_url">Starts with http:\/\/ or https:\/\//);
});

test('bad values: each error next to its field, the form as sent, nothing saved', async () => {
  const before = [settingsRows(), audits()];
  const csrf = await boss.csrf('/admin/settings');
  const res = await boss.post('/admin/settings', {
    csrf, site_name: '新名字', restore_days: '99', notice_mode: 'whenever', smtp_url: 'http://mail', operator_name: '好运营',
  });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /没有保存任何更改/);
  assert.match(html, /<input id="s-restore_days"[^>]* aria-describedby="e-restore_days" aria-invalid="true" value="99">/);
  assert.match(html, /<p class="field-error" id="e-restore_days">请填写 1 到 30 之间的整数。<\/p>/);
  assert.match(html, /<p class="field-error" id="e-notice_mode">请从选项中选择一项。<\/p>/);
  assert.match(html, /<p class="field-error" id="e-smtp_url">请以 smtp:\/\/ 或 smtps:\/\/ 开头,或留空。<\/p>/);
  assert.match(html, /<input id="s-site_name"[^>]* value="新名字">/, 'the form as sent');
  assert.ok(!/id="e-site_name"/.test(html), 'good fields have no error');
  assert.deepEqual([settingsRows(), audits()], before, 'nothing saved, nothing audited');
  assert.ok(!(await (await fetch(`${srv.base}/about`)).text()).includes('好运营'));

  const long = await boss.post('/admin/settings', { csrf, site_name: '' });
  assert.equal(long.status, 422);
  assert.match(await long.text(), /id="e-site_name">请填写 1 到 60 个字,只写一行。/);
  assert.deepEqual([settingsRows(), audits()], before);
});

test('good values are saved, each change audited once', async () => {
  const csrf = await boss.csrf('/admin/settings');
  const a0 = Number(audits());
  const res = await boss.post('/admin/settings', { csrf, restore_days: '5', registration: 'invite', site_name: 'hao' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/settings?saved=1');
  assert.equal(sql("SELECT value FROM settings WHERE key = 'restore_days'"), '5');
  assert.equal(Number(audits()), a0 + 2, 'two changed, site_name unchanged');
  const html = await (await boss.get('/admin/settings?saved=1')).text();
  assert.match(html, /设置已保存/);
  assert.match(html, /<option value="invite" selected>仅凭邀请链接<\/option>/);
});

test('non-admins get 403 and change nothing', async () => {
  const judge = new Client(srv.base);
  await judge.login('judge', 'judge-password-1');
  assert.equal((await judge.get('/admin/settings')).status, 403);
  const csrf = await judge.csrf('/mod');
  const before = audits();
  assert.equal((await judge.post('/admin/settings', { csrf, site_name: '夺权' })).status, 403);
  assert.equal(audits(), before);
});
