// A rights-holder sends a notice through the form in a real browser (an
// incomplete one first, answered in place), gets a numbered receipt; a
// moderator (notice_mode review) finds it in /mod, reads the work in the
// same view and takes it down with a reason; readers then get the 451 page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, addUser, tmpDir, BIN } from '../http/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'build', 'artifacts');
const SEED = [process.env.HAO_SEED, path.join(root, '../shared/seed/000_a4f41c7b09327d3d.txt'),
  '/work/shared/seed/000_a4f41c7b09327d3d.txt'].find((p) => p && fs.existsSync(p));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

let srv, browser, workId;

before(async () => {
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  const r = spawnSync(BIN, ['import', SEED, '--author', 'writer', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  workId = r.stdout.split('\t')[0];
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'review', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

test('the notice form: incomplete answered in place, complete gets a receipt; the moderator takes the work down', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await watchedPage(ctx);
  assert.equal((await page.goto(`${srv.base}/a/${workId}`)).status(), 200);
  await Promise.all([page.waitForURL(/\/notice\?url=/), page.locator('.report-links').getByRole('link', { name: '侵权投诉' }).click()]);
  assert.equal(await page.getByLabel('被投诉作品的网址(每行一个)').inputValue(), `/a/${workId}`, 'work prefilled');
  await page.getByLabel('姓名或名称').fill('王五');
  await page.getByLabel('联系方式(电话或电子邮件)').fill('wang@example.cn');
  await page.getByLabel('地址', { exact: true }).fill('北京市海淀区');
  await page.getByLabel('主张的权利及权属说明').fill('著作权:原文作者');
  await page.getByLabel('原作品(名称、出处或网址)').fill('《原文》');
  await page.getByLabel('签名(输入你的姓名)').fill('王五');
  // Without the good-faith statement: refused, fields kept, the missing one named.
  await page.locator('main form button[type=submit]').click();
  await page.locator('[role=alert]').waitFor();
  assert.match(await page.locator('[role=alert]').innerText(), /不完整[\s\S]*善意/);
  assert.equal(await page.getByLabel('姓名或名称').inputValue(), '王五');
  await page.getByLabel('我保证通知内容真实、准确,并出于善意。').check();
  await Promise.all([page.waitForURL(/\/notice\/1\?token=/), page.locator('main form button[type=submit]').click()]);
  assert.match(await page.locator('h1').innerText(), /通知编号 1/);
  assert.match(await page.locator('[role=status]').innerText(), /通知已收到/);
  assert.equal(await page.locator('dl.receipt').getAttribute('data-status'), 'pending');
  assert.deepEqual(page.problems, []);
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'notice-receipt.png'), fullPage: true });
  await ctx.close();

  // Review mode: the work is still up.
  assert.equal((await fetch(`${srv.base}/a/${workId}`)).status, 200);

  const mctx = await browser.newContext({ locale: 'zh-CN' });
  const mod = await watchedPage(mctx);
  await mod.goto(`${srv.base}/login`);
  await mod.getByLabel('用户名', { exact: true }).fill('judge');
  await mod.getByLabel('密码', { exact: true }).fill('judge-password-1');
  await Promise.all([mod.waitForURL((u) => !u.pathname.startsWith('/login')), mod.locator('main form button[type=submit]').click()]);
  await Promise.all([mod.waitForURL(/\/mod$/), mod.locator('header.site').getByRole('link', { name: '审核' }).click()]);
  await Promise.all([mod.waitForURL(/\/mod\/notices\/1$/), mod.locator('#queue-notices a').first().click()]);
  assert.match(await mod.locator('.mod-work h2').innerText(), /2026年新年钟声/, 'the work in the same view');
  // No reason: refused.
  await mod.getByRole('button', { name: '移除作品' }).click();
  assert.equal(await mod.locator('#f-reason:invalid').count(), 1, 'the browser asks for the reason first');
  await mod.getByLabel('决定理由(会告知相关方)').fill('与原文逐段相同。');
  // Choosing asks for confirmation on a page of its own; then it is decided.
  await Promise.all([mod.waitForURL(/\/mod\/notices\/1$/), mod.getByRole('button', { name: '移除作品' }).click()]);
  assert.match(await mod.locator('h1').innerText(), /确认决定/);
  await Promise.all([mod.waitForURL(/\/mod\?done=1$/), mod.getByRole('button', { name: '确认:移除作品' }).click()]);
  assert.match(await mod.locator('[role=status]').innerText(), /决定已记录/);
  assert.equal(await mod.locator('#queue-notices li').count(), 0, 'queue emptied');
  assert.deepEqual(mod.problems, []);
  await mctx.close();

  const rctx = await browser.newContext({ locale: 'zh-CN' });
  const reader = await rctx.newPage();
  const res = await reader.goto(`${srv.base}/a/${workId}`);
  assert.equal(res.status(), 451);
  assert.match(await reader.locator('section.removed').innerText(), /第 1 号权利人通知[\s\S]*与原文逐段相同/);
  await rctx.close();
});
