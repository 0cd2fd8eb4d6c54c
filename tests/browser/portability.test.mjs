// The studio's export and import page in a real browser, desktop and phone:
// accessible, and an export started by its button ends with a download link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, addUser, tmpDir, BIN } from '../http/harness.mjs';
import { assertAccessible, VIEWPORTS } from './a11y.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];
const SEED = [process.env.HAO_SEED, '../shared/seed/000_a4f41c7b09327d3d.txt', '../../shared/seed/000_a4f41c7b09327d3d.txt']
  .find((p) => p && fs.existsSync(p));
let srv, browser;

before(async () => {
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  assert.equal(spawnSync(BIN, ['import', SEED, '--author', 'writer', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir, sqlite: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

for (const [name, vp] of Object.entries(VIEWPORTS)) {
  test(`export and import page (${name}): accessible, the export button ends in a download link`, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...vp });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login?next=/studio/portability`);
    await assertAccessible(page, 'sign-in');
    await page.getByLabel('用户名', { exact: true }).fill('writer');
    await page.getByLabel('密码', { exact: true }).fill('writer-password-1');
    await Promise.all([page.waitForURL((u) => u.pathname === '/studio/portability'), page.locator('main form button[type=submit]').first().click()]);
    await assertAccessible(page, 'export and import page');
    await page.getByLabel('包括每一次修订').check();
    await Promise.all([page.waitForURL((u) => u.pathname === '/studio/portability'), page.getByRole('button', { name: '开始导出' }).click()]);
    let link;
    for (let i = 0; i < 100 && !link; i++) {
      await page.goto(`${srv.base}/studio/portability`);
      link = await page.getByRole('link', { name: '下载' }).first().getAttribute('href', { timeout: 200 }).catch(() => null);
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(link, /^\/studio\/portability\/\d+\/download$/);
    await assertAccessible(page, 'export and import page with a finished export');
    await ctx.close();
  });
}
