// The creator's path end to end in a real browser against a real server:
// register, write in the studio with the live preview, publish, and read the
// work as an anonymous reader. Also: the editor without JavaScript, autosave
// to the server, offline preview, and another creator's work staying private.
//
// Chromium comes from the system (/usr/bin/chromium); nothing is downloaded.
// A full-page screenshot of the published work goes to build/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../http/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'build', 'artifacts');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

const TITLE = '无人机送货的一天:深圳试点记录';
const BODY = [
  '今天我们在深圳测试了无人机送货,全程用时十二分钟。',
  '',
  '| 城市 | 单数 | 平均用时 |',
  '|------|------|----------|',
  '| 深圳 | 128 | 12 分钟 |',
  '| 杭州 | 96 | 15 分钟 |',
  '',
  '结论:**效率很高**,但雨天还需要改进。',
].join('\n');

let srv, browser, workId;

before(async () => {
  srv = await startServer();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A page that records script errors and CSP violations, which must not happen.
async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text()))
      page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

async function register(page, handle, name, password) {
  const res = await page.goto(`${srv.base}/register`);
  assert.equal(res.status(), 200, 'register page');
  await page.getByLabel('用户名', { exact: true }).fill(handle);
  await page.getByLabel('显示名称', { exact: true }).fill(name);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('再输入一次密码', { exact: true }).fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/register')), page.locator('main form button[type=submit]').first().click()]);
  // Logged in: the header shows the display name.
  await assert.doesNotReject(page.locator('header.site').getByText(name).waitFor({ timeout: 5000 }), 'logged in after registering');
}

test('a creator writes with live preview and publishes; a reader sees the work', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await watchedPage(ctx);
  await register(page, 'writer1', '写作者一号', 'writer1-password-long');

  const list = await page.goto(`${srv.base}/studio`);
  assert.equal(list.status(), 200, 'studio list');
  assert.equal(await page.locator('h1').innerText(), '我的作品');
  await Promise.all([page.waitForURL(/\/studio\/new$/), page.getByRole('link', { name: '写新作品' }).click()]);

  // The editor: every input has a label; the declaration picker lists all.
  const options = await page.locator('#f-declaration option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(options, ['none', 'web-sourced', 'opinion', 'ai-generated', 'ai-assisted', 'fiction', 'health']);
  assert.equal(await page.locator('#f-declaration option[value=none]').innerText(), '不添加声明');

  await page.getByLabel('标题', { exact: true }).fill(TITLE);
  await page.getByLabel('作品声明').selectOption('opinion');
  await page.getByLabel('标签(用逗号分隔)').fill('科技, 无人机');
  await page.getByLabel('正文(Markdown)').fill(BODY);
  assert.equal(await page.locator('#save-state').innerText(), '有未保存的修改');

  // The live preview renders the table without leaving the page.
  const cell = page.locator('#preview table td', { hasText: '深圳' });
  await cell.waitFor({ timeout: 5000 });
  assert.match(page.url(), /\/studio\/new$/, 'preview did not navigate');
  assert.equal(await page.locator('#preview table tr').count(), 3);
  assert.equal(await page.locator('#preview strong').innerText(), '效率很高');

  // An empty picture embed gets a warning in the preview.
  await page.getByLabel('正文(Markdown)').fill(BODY + '\n\n![]()\n');
  await page.locator('#preview .preview-warning').waitFor({ timeout: 5000 });
  await page.getByLabel('正文(Markdown)').fill(BODY);
  await page.locator('#preview .preview-warning').waitFor({ state: 'detached', timeout: 5000 });

  await Promise.all([page.waitForURL(/\/studio\/[0-9a-f]{16}\?saved=1$/), page.getByRole('button', { name: '发布', exact: true }).click()]);
  workId = page.url().match(/\/studio\/([0-9a-f]{16})/)[1];
  assert.match(await page.locator('[role=status]').first().innerText(), /已保存并发布/);
  assert.equal(await page.locator('#f-title').inputValue(), TITLE);
  assert.equal(await page.locator('#f-body').inputValue(), BODY);
  assert.equal(await page.locator('#f-declaration').inputValue(), 'opinion');
  assert.ok(await page.getByRole('button', { name: '撤回为草稿' }).isVisible(), 'unpublish offered');
  assert.equal(await page.locator('.rev-count').innerText(), '1');

  // The studio list shows it as published.
  await page.goto(`${srv.base}/studio`);
  const row = page.locator(`tr[data-id="${workId}"]`);
  assert.equal(await row.locator('td.title').innerText(), TITLE);
  assert.equal(await row.locator('.status').innerText(), '已发布');
  assert.deepEqual(page.problems, [], 'no script errors or CSP violations');
  await ctx.close();

  // An anonymous reader, fresh context.
  const rctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const reader = await rctx.newPage();
  const res = await reader.goto(`${srv.base}/a/${workId}`);
  assert.equal(res.status(), 200);
  assert.equal(await reader.locator('article h1').innerText(), TITLE);
  const body = reader.locator('article .body');
  assert.match(await body.innerText(), /今天我们在深圳测试了无人机送货/);
  assert.equal(await body.locator('table td', { hasText: '杭州' }).count(), 1);
  assert.match(await reader.locator('.declaration').innerText(), /个人观点,仅供参考/);
  const statement = await reader.locator('.statement').innerText();
  assert.match(statement, /用户上传并发布/);
  assert.match(statement, /仅提供信息存储服务/);
  assert.match(statement, /information storage services/);
  assert.equal(await reader.locator('#editor, a[href^="/studio/"]').count(), 0, 'no studio controls for a reader');
  await mkdir(artifacts, { recursive: true });
  await reader.screenshot({ path: path.join(artifacts, 'publish.png'), fullPage: true });
  await rctx.close();
});

test('the editor works without JavaScript: preview, errors in place, save, delete with confirm', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const page = await ctx.newPage();
  await register(page, 'writer2', '写作者二号', 'writer2-password-long');

  // Someone else's work: 403 and none of its content.
  const other = await page.goto(`${srv.base}/studio/${workId}`);
  assert.equal(other.status(), 403);
  assert.doesNotMatch(await page.content(), /无人机/);
  assert.equal((await page.goto(`${srv.base}/studio/0123456789abcdef`)).status(), 404);

  await page.goto(`${srv.base}/studio/new`);
  await page.getByLabel('标题', { exact: true }).fill('没有脚本也能写');
  await page.getByLabel('正文(Markdown)').fill('| 甲 | 乙 |\n|---|---|\n| 一 | 二 |');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '预览' }).click()]);
  await page.locator('#preview table td', { hasText: '二' }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator('#f-title').inputValue(), '没有脚本也能写', 'input kept after preview');

  // An empty title: 422, the message next to the title, the body kept.
  await page.getByLabel('标题', { exact: true }).fill('   ');
  const [bad] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: '保存草稿' }).click()]);
  assert.equal(bad.status(), 422);
  await page.waitForLoadState('load');
  assert.equal(await page.locator('#err-title[role=alert]').innerText(), '标题不能为空。');
  assert.equal(await page.locator('#f-title').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-body').inputValue(), '| 甲 | 乙 |\n|---|---|\n| 一 | 二 |');

  await page.getByLabel('标题', { exact: true }).fill('没有脚本也能写');
  await Promise.all([page.waitForURL(/\/studio\/[0-9a-f]{16}\?saved=1$/), page.getByRole('button', { name: '保存草稿' }).click()]);
  const id = page.url().match(/\/studio\/([0-9a-f]{16})/)[1];
  assert.equal(await page.locator('.status').first().innerText(), '草稿');

  // A second save is a second revision, listed in the history.
  await page.getByLabel('正文(Markdown)').fill('第二版正文。');
  await Promise.all([page.waitForURL(/\?saved=1$/), page.getByRole('button', { name: '保存草稿' }).click()]);
  assert.equal(await page.locator('.rev-count').innerText(), '2');
  await page.goto(`${srv.base}/studio/${id}/revisions`);
  assert.equal(await page.locator('table.revision-list tbody tr').count(), 2);
  await page.goto(`${srv.base}/studio/${id}/revisions/1`);
  assert.equal(await page.locator('article .body table td', { hasText: '二' }).count(), 1);
  await Promise.all([page.waitForURL(/\?saved=1$/), page.getByRole('button', { name: '恢复这个版本' }).click()]);
  assert.equal(await page.locator('.rev-count').innerText(), '3');
  assert.equal(await page.locator('#f-body').inputValue(), '| 甲 | 乙 |\n|---|---|\n| 一 | 二 |');

  // Delete asks first, then deletes.
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '删除', exact: true }).click()]);
  assert.equal(await page.locator('h1').innerText(), '删除这篇作品?');
  assert.equal((await page.goto(`${srv.base}/studio/${id}`)).status(), 200, 'not deleted before confirming');
  await page.getByRole('button', { name: '删除', exact: true }).click();
  await page.waitForLoadState('load');
  await Promise.all([page.waitForURL(/\/studio\?deleted=1$/), page.getByRole('button', { name: '确认删除' }).click()]);
  assert.equal(await page.locator(`tr[data-id="${id}"]`).count(), 0);
  assert.equal((await page.goto(`${srv.base}/studio/${id}`)).status(), 404);
  await ctx.close();
});

test('autosave keeps changes on the server, offers them on any browser, warns before leaving; offline preview fails quietly', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await watchedPage(ctx);
  await register(page, 'writer3', '写作者三号', 'writer3-password-long');
  await page.goto(`${srv.base}/studio/new`);
  await page.getByLabel('标题', { exact: true }).fill('自动保存');
  await page.getByLabel('正文(Markdown)').fill('第一版。');
  await Promise.all([page.waitForURL(/\?saved=1$/), page.getByRole('button', { name: '保存草稿' }).click()]);
  assert.equal(await page.locator('#save-state').innerText(), '已保存');
  const id = page.url().match(/\/studio\/([0-9a-f]{16})/)[1];

  await page.getByLabel('正文(Markdown)').fill('第一版。\n\n还没保存的第二段。');
  await page.locator('#save-state', { hasText: '已自动保存' }).waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), `hao.draft.${id}`), null, 'on the server, not the device');

  // Leaving asks first.
  const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.type()); d.accept(); }));
  await page.goto(`${srv.base}/studio`);
  assert.equal(await asked, 'beforeunload');

  // Another browser: the autosave is offered and restored.
  const other = await browser.newContext({ locale: 'zh-CN' });
  const op = await watchedPage(other);
  await op.goto(`${srv.base}/login`);
  await op.getByLabel('用户名', { exact: true }).fill('writer3');
  await op.getByLabel('密码', { exact: true }).fill('writer3-password-long');
  await Promise.all([op.waitForURL((u) => !u.pathname.startsWith('/login')), op.locator('main form button[type=submit]').first().click()]);
  await op.goto(`${srv.base}/studio/${id}`);
  assert.equal(await op.locator('#f-body').inputValue(), '第一版。', 'the saved version is shown');
  await op.locator('#autosave-offer').waitFor({ timeout: 5000 });
  await Promise.all([op.waitForURL(/\?autosave=1$/), op.getByRole('link', { name: '恢复自动保存的草稿' }).click()]);
  assert.equal(await op.locator('#f-body').inputValue(), '第一版。\n\n还没保存的第二段。');
  assert.equal(await op.locator('#autosave-offer').count(), 0);

  // Saving spends the autosave; no offer on the next visit.
  await Promise.all([op.waitForURL(/\?saved=1$/), op.getByRole('button', { name: '保存草稿' }).click()]);
  await op.goto(`${srv.base}/studio/${id}`);
  assert.equal(await op.locator('#autosave-offer').count(), 0);
  assert.deepEqual(op.problems, [], 'no script errors or CSP violations');
  await other.close();
  await page.goto(`${srv.base}/studio/${id}`);

  // Offline: the preview says so and nothing throws.
  await ctx.setOffline(true);
  await page.getByLabel('正文(Markdown)').fill('离线时写的字。');
  await page.locator('#preview-state', { hasText: '离线' }).waitFor({ timeout: 5000 });
  await ctx.setOffline(false);
  await page.locator('#preview p', { hasText: '离线时写的字' }).waitFor({ timeout: 5000 });
  assert.deepEqual(page.problems, [], 'no script errors or CSP violations');
  await ctx.close();
});
