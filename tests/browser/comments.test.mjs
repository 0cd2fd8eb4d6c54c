// Comments and likes in a real browser: commenting, replying and liking
// with JavaScript (fetch, no reload) and without it (form POSTs that come
// back to the comment's anchor). Chromium from the system; nothing is
// downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, addUser, apiToken, tmpDir } from '../http/harness.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

let srv, browser, workId;

before(async () => {
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  addUser(dataDir, 'alice', 'reader', 'alice-password-1', '爱丽丝');
  addUser(dataDir, 'bob', 'reader', 'bob-password-1', '鲍勃');
  srv = await startServer({ dataDir, sqlite: true });
  const tok = await apiToken(srv.base, 'writer', 'writer-password-1');
  const h = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '可评论的一篇', body: '正文。' }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  workId = w.id;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signedIn(handle, javaScriptEnabled) {
  const ctx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('pageerror', () => {});
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) page.problems.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
  await page.goto(`${srv.base}/login?next=/a/${workId}`);
  await page.getByLabel('用户名', { exact: true }).fill(handle);
  await page.getByLabel('密码', { exact: true }).fill(`${handle}-password-1`);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('main form button[type=submit]').first().click()]);
  return { ctx, page };
}

test('without JavaScript: comment, reply and like by form, back at the comment', async () => {
  const { ctx, page } = await signedIn('alice', false);
  await page.goto(`${srv.base}/a/${workId}`);
  await page.locator('#comment-form textarea').fill('不用脚本的评论 <b>粗</b>');
  await Promise.all([page.waitForURL(/#c-\d+$/), page.locator('#comment-form button[type=submit]').click()]);
  const root = new URL(page.url()).hash.slice(3);
  const c = page.locator(`#c-${root}`);
  assert.equal(await c.locator('.text').innerText(), '不用脚本的评论 <b>粗</b>');
  assert.equal(await page.locator('#comments h2 .count').innerText(), '1');

  // Like it: the count and the pressed state after the round trip.
  await Promise.all([page.waitForURL(new RegExp(`#c-${root}$`)), c.locator('.actions > .like-form button').click()]);
  assert.equal(await page.locator(`#c-${root} .actions > .like-form button .n`).innerText(), '1');
  assert.equal(await page.locator(`#c-${root} .actions > .like-form button`).getAttribute('aria-pressed'), 'true');

  // Reply (the box opens on its summary).
  await page.locator(`#c-${root} .reply-box summary`).first().click();
  await page.locator(`#c-${root} .reply-box textarea`).first().fill('自己回复自己');
  await Promise.all([page.waitForURL(/#c-\d+$/), page.locator(`#c-${root} .reply-box button[type=submit]`).first().click()]);
  const reply = new URL(page.url()).hash.slice(3);
  assert.notEqual(reply, root);
  assert.equal(await page.locator(`#c-${root} .replies #c-${reply} .text`).innerText(), '自己回复自己');

  // Like the work.
  await Promise.all([page.waitForURL(/#comments$/), page.locator('.work-like button').click()]);
  assert.equal(await page.locator('.work-like button .n').innerText(), '1');
  assert.deepEqual(page.problems, []);
  await ctx.close();
});

test('with JavaScript: comment, reply and like without reloading the page', async () => {
  const { ctx, page } = await signedIn('bob', true);
  await page.goto(`${srv.base}/a/${workId}`);
  // A marker on the window survives only if the page never reloads.
  await page.evaluate(() => { window.__noReload = true; });
  await page.locator('#comment-form textarea').fill('脚本发的评论 <script>x()</script>');
  const posted = page.waitForResponse((r) => r.url().endsWith('/comments') && r.request().method() === 'POST');
  await page.locator('#comment-form button[type=submit]').click();
  assert.equal((await posted).status(), 201);
  const first = page.locator('.comment-list > article.comment').first();
  await first.locator('.text').waitFor();
  assert.equal(await first.locator('.text').innerText(), '脚本发的评论 <script>x()</script>');
  assert.equal(await page.locator('#comment-form textarea').inputValue(), '');
  assert.equal(await page.locator('#comments h2 .count').innerText(), '3'); // alice's comment and reply, and this
  const id = (await first.getAttribute('id')).slice(2);

  // Like and unlike the new comment.
  const likeBtn = page.locator(`#c-${id} .actions > .like-form button`);
  await likeBtn.click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true', `#c-${id} .actions > .like-form button`);
  assert.equal(await likeBtn.locator('.n').innerText(), '1');
  await likeBtn.click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'false', `#c-${id} .actions > .like-form button`);
  assert.equal(await likeBtn.locator('.n').innerText(), '0');

  // Reply to alice's comment (the older one, now second).
  const alices = page.locator('.comment-list > article.comment').nth(1);
  await alices.locator('.reply-box summary').first().click();
  await alices.locator('.reply-box textarea').first().fill('脚本回复');
  await alices.locator('.reply-box button[type=submit]').first().click();
  await alices.locator('.replies article.comment', { hasText: '脚本回复' }).waitFor();
  assert.match(await alices.locator('.replies article.comment', { hasText: '脚本回复' }).locator('.to').innerText(), /@alice/);

  // A refusal shows the server's message and keeps the text.
  await page.locator('#comment-form textarea').fill('脚本回复'); // the same text as bob's last comment
  await page.locator('#comment-form button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#comment-form .form-msg')?.textContent.length > 0);
  assert.match(await page.locator('#comment-form .form-msg').innerText(), /一模一样|same/);
  assert.equal(await page.locator('#comment-form textarea').inputValue(), '脚本回复');

  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page never reloaded');
  assert.deepEqual(page.problems.filter((p) => !/409/.test(p)), []);
  await ctx.close();
});
