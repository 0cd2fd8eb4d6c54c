// Pictures in the studio, in a real browser: paste one picture and drop
// another into the editor, describe them when asked, watch the progress bar
// finish, publish, and see both on the work page at their size (width and
// height set, loaded under the page's CSP, responsive srcset).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, tmpDir } from '../http/harness.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

let srv, browser, dir;

before(async () => {
  dir = tmpDir('hao-media-browser-');
  execFileSync('vips', ['black', path.join(dir, 'b.png'), '1000', '600', '--bands', '3']);
  execFileSync('vips', ['linear', path.join(dir, 'b.png'), path.join(dir, 'paste.png'), '1', '120']);
  execFileSync('vips', ['copy', path.join(dir, 'paste.png'), path.join(dir, 'drop.jpg')]);
  // Noise does not compress: a PNG over one 8 MiB chunk, so the studio sends it in chunks.
  execFileSync('vips', ['gaussnoise', path.join(dir, 'n.v'), '2000', '1600', '--sigma', '60']);
  execFileSync('vips', ['bandjoin', `${path.join(dir, 'n.v')} ${path.join(dir, 'n.v')} ${path.join(dir, 'n.v')}`, path.join(dir, 'n3.v')]);
  execFileSync('vips', ['cast', path.join(dir, 'n3.v'), path.join(dir, 'big.png[compression=0]'), 'uchar']);
  srv = await startServer();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Hand a file to the editor as a paste or a drop event, as the browser does
// for a real clipboard or drag.
async function deliver(page, kind, file, type) {
  const b64 = fs.readFileSync(path.join(dir, file)).toString('base64');
  await page.evaluate(({ kind, b64, file, type }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], file, { type }));
    const body = document.getElementById('f-body');
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
    const ev = kind === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })
      : new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    body.dispatchEvent(ev);
  }, { kind, b64, file, type });
}

test('paste and drop pictures into the editor, publish, see them on the work page at their size', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // (the favicon 404 shows up as a console error without a response event)
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`); });
  // The description is asked in an inline field under the editor.
  const describe = async (text) => {
    const input = page.locator('#uploads li.alt-ask input');
    await input.waitFor({ timeout: 5000 });
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'the field has the focus');
    await input.fill(text);
    await page.locator('#uploads li.alt-ask').getByRole('button', { name: '插入' }).click();
  };
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });

  await page.goto(`${srv.base}/register`);
  await page.getByLabel('用户名', { exact: true }).fill('painter');
  await page.getByLabel('显示名称', { exact: true }).fill('画家');
  await page.getByLabel('密码', { exact: true }).fill('painter-password-long');
  await page.getByLabel('再输入一次密码', { exact: true }).fill('painter-password-long');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/register')), page.locator('main form button[type=submit]').first().click()]);

  await page.goto(`${srv.base}/studio/new`);
  assert.ok(await page.locator('#media-file').isVisible(), 'the file picker shows when the script runs');
  await page.getByLabel('标题', { exact: true }).fill('两张图');
  await page.getByLabel('正文(Markdown)').fill('开头一段。');

  await deliver(page, 'paste', 'paste.png', 'image/png');
  await describe('粘贴的一张灰图');
  await page.locator('#uploads li.upload-done').first().waitFor({ timeout: 15000 });
  await deliver(page, 'drop', 'drop.jpg', 'image/jpeg');
  await describe('拖进来的图');
  await page.locator('#uploads li.upload-done').nth(1).waitFor({ timeout: 15000 });
  // A big one from the file picker goes up in chunks.
  assert.ok(fs.statSync(path.join(dir, 'big.png')).size > 8 * 1024 * 1024);
  const chunks = [];
  page.on('request', (q) => { if (/\/studio\/media\/uploads\/[0-9a-f]{16}\?offset=/.test(q.url())) chunks.push(q.url()); });
  await page.locator('#media-file').setInputFiles(path.join(dir, 'big.png'));
  await describe('选出来的大图');
  await page.locator('#uploads li.upload-done').nth(2).waitFor({ timeout: 30000 });
  assert.equal(chunks.length, 2, 'two chunks');
  assert.deepEqual(await page.locator('#uploads progress').evaluateAll((ps) => ps.map((p) => p.value)), [100, 100, 100]);

  const body = await page.locator('#f-body').inputValue();
  const all = [...body.matchAll(/!\[([^\]]*)\]\(\/m\/([0-9a-f]{16})\)/g)];
  assert.equal(all.length, 3, body);
  assert.equal(all[2][1], '选出来的大图');
  const ids = all.slice(0, 2);
  assert.equal(ids[0][1], '粘贴的一张灰图');
  assert.equal(ids[1][1], '拖进来的图');
  assert.ok(body.startsWith('开头一段。\n\n![粘贴的一张灰图]'), body);

  // The live preview shows the pictures.
  await page.locator(`#preview img[src="/m/${ids[0][2]}"]`).waitFor({ timeout: 5000 });

  await Promise.all([page.waitForURL(/\/studio\/[0-9a-f]{16}\?saved=1$/), page.getByRole('button', { name: '发布', exact: true }).click()]);
  const workId = page.url().match(/\/studio\/([0-9a-f]{16})/)[1];
  assert.deepEqual(problems, [], 'no script errors or CSP violations in the studio');
  await ctx.close();

  // A reader on a phone.
  const rctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const reader = await rctx.newPage();
  const res = await reader.goto(`${srv.base}/a/${workId}`);
  assert.equal(res.status(), 200);
  for (const [i, [, alt, id]] of ids.entries()) {
    const img = reader.locator(`article .body img[src="/m/${id}"]`);
    assert.equal(await img.getAttribute('alt'), alt);
    assert.equal(await img.getAttribute('width'), '1000');
    assert.equal(await img.getAttribute('height'), '600');
    assert.match(await img.getAttribute('srcset'), /w480\.(png|jpg) 480w, .*w960\.(png|jpg) 960w, \/m\/[0-9a-f]{16} 1000w/);
    await img.scrollIntoViewIfNeeded();
    await reader.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10000 });
    const box = await img.boundingBox();
    assert.ok(box.width > 200 && box.width <= 390, `picture ${i} fits the phone (${box.width})`);
    assert.ok(Math.abs(box.height / box.width - 0.6) < 0.02, `aspect ratio kept (${box.width}x${box.height})`);
    // A phone gets a small variant, not the full picture.
    const current = await img.evaluate((el) => el.currentSrc);
    assert.match(current, /\/w(480|960)\.(webp|png|jpg)$/, current);
  }
  await rctx.close();
});
