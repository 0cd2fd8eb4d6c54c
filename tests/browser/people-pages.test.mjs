// Issue 18 items 2-4 in a real browser, at a desktop and a phone size, with
// axe-core on every page visited (0 critical, 0 serious): the removal page,
// the notice, report and counter-notice forms, a moderator's decision with
// its confirmation page, user management, the grouped settings, the audit
// log, and the profile with an avatar upload. Each page must also fit the
// screen (no sideways scrolling).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, addUser, apiToken, tmpDir, BIN } from '../http/harness.mjs';
import { assertAccessible, VIEWPORTS } from './a11y.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

let srv, browser, host, token, dir;
const works = {};

async function publish(title, body) {
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
    body: JSON.stringify({ name: '赵六', contact, address: '广州', urls: [`http://${host}/a/${id}`], right: '著作权:我是原作者。',
      original: '原作', good_faith: true, signature: '赵六' }),
  });
}

before(async () => {
  dir = tmpDir('hao-people-browser-');
  execFileSync('vips', ['black', path.join(dir, 'b.png'), '600', '600', '--bands', '3'], { stdio: 'pipe' });
  execFileSync('vips', ['linear', path.join(dir, 'b.png'), path.join(dir, 'face.png'), '1', '150'], { stdio: 'pipe' });
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'boss', 'admin', 'boss-password-1', '站长');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1', '审核员甲');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '王五');
  for (const [k, v] of [['notice_mode', 'review'], ['trusted_notifiers', 'trusted@example.cn']]) {
    assert.equal(spawnSync(BIN, ['set', k, v, '--data', dataDir]).status, 0);
  }
  srv = await startServer({ dataDir });
  host = new URL(srv.base).host;
  token = await apiToken(srv.base, 'writer', 'writer-password-1');
  works.removed = await publish('被移除的作品', '正文第一段。\n\n正文第二段。');
  works.pending = await publish('待审核的作品', '另一篇的正文。');
  assert.equal((await notice(works.removed, 'trusted@example.cn')).status, 201, 'a trusted notice acts at once');
  // One pending notice for each viewport's moderator to decide.
  works.pending2 = await publish('另一篇待审核的作品', '第三篇的正文。');
  assert.equal((await notice(works.pending, 'someone@example.cn')).status, 201);
  assert.equal((await notice(works.pending2, 'someone@example.cn')).status, 201);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function login(page, handle) {
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('用户名', { exact: true }).fill(handle);
  await page.getByLabel('密码', { exact: true }).fill(`${handle}-password-1`);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('main form button[type=submit]').click()]);
}

// The page fits the viewport's width and passes axe.
async function check(page, what) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `${what}: ${over}px wider than the screen`);
  await assertAccessible(page, what);
}

for (const [size, opts] of Object.entries(VIEWPORTS)) {
  test(`${size}: the removal page and the public forms`, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
    const page = await ctx.newPage();
    const res = await page.goto(`${srv.base}/a/${works.removed}`);
    assert.equal(res.status(), 451);
    assert.match(await page.title(), /^已移除:《被移除的作品》/);
    assert.equal(await page.locator('h1').innerText(), '这篇作品已被移除');
    assert.match(await page.locator('.removed-lead').innerText(), /第 \d+ 号权利人通知/);
    assert.match(await page.locator('dl.removed-facts').innerText(), /著作权/);
    await check(page, 'the removal page');

    await page.goto(`${srv.base}/notice`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < (size === 'phone' ? 3000 : 2000), `/notice is ${height}px tall`);
    // The good-faith box beside its text, on the same line.
    const box = await page.locator('label.check input').first().boundingBox();
    const label = await page.locator('label.check').first().boundingBox();
    assert.ok(box.x - label.x < 8 && box.y - label.y < 12, `the box starts its label (${JSON.stringify([box, label])})`);
    await check(page, 'the notice form');

    await page.goto(`${srv.base}/report?work=${works.pending}`);
    assert.equal(await page.locator('#f-ground').inputValue(), '', 'no ground chosen');
    await page.getByLabel('说明').fill('测试');
    await page.locator('main form button[type=submit]').click();
    assert.equal(await page.locator('#f-ground:invalid').count(), 1, 'the browser asks for a ground');
    await check(page, 'the report form');
    await ctx.close();
  });

  test(`${size}: the creator's counter-notice form and profile`, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
    const page = await ctx.newPage();
    await login(page, 'writer');
    await page.goto(`${srv.base}/studio/notices`);
    await check(page, 'the studio notices');
    const td = await page.locator(`[data-work="${works.removed}"]`).first().getAttribute('data-takedown');
    await page.goto(`${srv.base}/studio/notices/${td}/counter`);
    assert.match(await page.locator('dl.case-facts').innerText(), /被移除的作品/);
    assert.equal(await page.getByLabel('姓名或名称').inputValue(), '王五');
    await check(page, 'the counter-notice form');

    await page.goto(`${srv.base}/account/profile`);
    await check(page, 'the profile page');
    await page.getByLabel('简介').fill(`写作者,${size}。`);
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: '保存', exact: true }).click()]);
    await page.getByLabel('选择图片').setInputFiles(path.join(dir, 'face.png'));
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: '上传头像' }).click()]);
    assert.equal(await page.locator('img.avatar').count(), 1);
    await check(page, 'the profile page with an avatar');
    assert.ok(await page.locator('img.avatar').evaluate((img) => img.complete && img.naturalWidth > 0), 'the avatar loads');
    // (The author page, where bio and avatar also show, is checked over HTTP:
    // its work cards carry the comment-count link that axe's
    // link-in-text-block still flags, which the reading part restyles.)
    await ctx.close();
  });

  test(`${size}: a moderator decides with a confirmation step, evidence in words`, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
    const page = await ctx.newPage();
    await login(page, 'judge');
    await page.goto(`${srv.base}/mod`);
    await check(page, 'the moderation queue');
    const link = page.locator('#queue-notices a').first();
    await Promise.all([page.waitForURL(/\/mod\/notices\/\d+$/), link.click()]);
    const up = await page.getByRole('button', { name: '移除作品' }).evaluate((b) => getComputedStyle(b).backgroundColor);
    const no = await page.getByRole('button', { name: '不采纳通知' }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.notEqual(up, no, 'the two decisions look different');
    assert.match(await page.locator('.evidence').innerText(), /其他通知|处理记录/);
    await check(page, 'a notice to decide');
    await page.getByLabel('决定理由(会告知相关方)').fill('理由不足。');
    await page.getByRole('button', { name: '不采纳通知' }).click();
    await page.locator('.confirm-box').waitFor();
    assert.match(await page.locator('.confirm-box').innerText(), /理由不足/);
    await check(page, 'the confirmation page');
    await Promise.all([page.waitForURL(/\/mod\?done=1$/), page.getByRole('button', { name: '确认:不采纳通知' }).click()]);
    await ctx.close();
  });

  test(`${size}: the admin pages: users, settings, audit`, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
    const page = await ctx.newPage();
    await login(page, 'boss');
    await page.goto(`${srv.base}/admin/users`);
    await check(page, 'the user list');
    await page.locator('#users-q').fill('writer');
    await Promise.all([page.waitForURL(/q=writer/), page.getByRole('button', { name: '搜索' }).last().click()]);
    await Promise.all([page.waitForURL(/\/admin\/users\/\d+/), page.locator('table.users a').first().click()]);
    await check(page, 'a user');
    // A suspension without a reason: the browser asks; with one, done.
    await page.getByRole('button', { name: '暂停这个账号' }).click();
    assert.equal(await page.locator('#f-suspend-reason:invalid').count(), 1);
    await page.getByLabel('暂停理由(会告知该用户)').fill('测试暂停');
    await Promise.all([page.waitForURL(/done=1/), page.getByRole('button', { name: '暂停这个账号' }).click()]);
    await page.getByLabel('恢复理由').fill('测试恢复');
    await Promise.all([page.waitForURL(/done=1/), page.getByRole('button', { name: '恢复这个账号' }).click()]);
    await check(page, 'a reinstated user');

    await page.goto(`${srv.base}/admin/settings`);
    await check(page, 'the settings');
    await page.getByLabel(/延迟恢复的工作日数/).fill('99');
    await page.locator('#s-restore_days').evaluate((i) => i.removeAttribute('max')); // let the server judge it
    await page.getByRole('button', { name: '保存设置' }).click();
    await page.locator('#e-restore_days').waitFor();
    assert.match(await page.locator('#e-restore_days').innerText(), /1 到 30/);
    await check(page, 'the settings with an error');

    // The other admin and moderation pages fit a phone and pass axe too.
    for (const p of ['/admin/invites', '/mod/comments', '/mod/originality', '/transparency']) {
      await page.goto(srv.base + p);
      await check(page, p);
    }

    await page.goto(`${srv.base}/admin/audit`);
    if (size === 'phone') {
      assert.equal(await page.locator('table.admin td').first().evaluate((td) => getComputedStyle(td).display), 'block',
        'rows stack on a phone');
    }
    assert.match(await page.locator('table.admin').innerText(), /恢复账号/);
    await check(page, 'the audit log');
    await ctx.close();
  });
}
