// Following (关注) in a real browser with JavaScript turned off: an
// anonymous reader presses Follow on an author's page, logs in, confirms,
// comes back following, and finds the author's work on /following; the
// author sees the unread count in the header, reads the notification and
// marks it read.
//
// Chromium comes from the system (/usr/bin/chromium); nothing is downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, addUser, apiToken } from '../http/harness.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];
const TITLE = '深圳湾的清晨:一次观鸟记录';

let srv, browser, workId;

before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'birder', 'creator', 'birder-password-1', '观鸟人');
  addUser(srv.dataDir, 'reader1', 'reader', 'reader1-password-1', '读者一号');
  const token = await apiToken(srv.base, 'birder', 'birder-password-1');
  const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const w = await (await fetch(`${srv.base}/api/v1/articles`, { method: 'POST', headers: h,
    body: JSON.stringify({ title: TITLE, body: '清晨六点,我们在深圳湾看到了黑脸琵鹭。', declaration: 'none' }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  workId = w.id;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function logIn(page, handle, password) {
  await page.getByLabel('用户名', { exact: true }).fill(handle);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('main form button[type=submit]').first().click()]);
}

test('follow without JavaScript, see the work on /following; the author sees the unread count and marks it read', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const page = await ctx.newPage();
  const problems = [];
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`); });

  // Anonymous: the author page shows the counts and a Follow button.
  await page.goto(`${srv.base}/a/${workId}`);
  await Promise.all([page.waitForURL(/\/u\/birder$/), page.locator('main a.author').first().click()]);
  assert.equal((await page.locator('[data-count=followers]').innerText()).trim(), '0');
  await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: '关注', exact: true }).click()]);

  // Log in: back on a confirmation with the real form; follow.
  await logIn(page, 'reader1', 'reader1-password-1');
  assert.match(page.url(), /\/u\/birder\/follow$/);
  await Promise.all([page.waitForURL(/\/u\/birder$/), page.locator('main form.follow button').click()]);
  assert.equal((await page.locator('[data-count=followers]').innerText()).trim(), '1');
  assert.equal(await page.locator('main form.follow button').innerText(), '已关注 · 取消关注');

  // The header leads to the timeline, which has the work.
  await Promise.all([page.waitForURL(/\/following$/), page.locator('header.site').getByRole('link', { name: '关注', exact: true }).click()]);
  await assert.doesNotReject(page.getByRole('link', { name: TITLE }).waitFor({ timeout: 5000 }), 'the work is on /following');
  await Promise.all([page.waitForURL(new RegExp(`/a/${workId}$`)), page.getByRole('link', { name: TITLE }).click()]);
  assert.equal(await page.locator('main form.follow button').innerText(), '已关注 · 取消关注', 'the work page knows too');

  // The author: an unread count in the header, the notification, mark read.
  const actx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const ap = await actx.newPage();
  await ap.goto(`${srv.base}/login`);
  await logIn(ap, 'birder', 'birder-password-1');
  const badge = ap.locator('header.site a.inbox .badge');
  assert.equal(await badge.innerText(), '1');
  await Promise.all([ap.waitForURL(/\/notifications$/), ap.locator('header.site a.inbox').click()]);
  const item = ap.locator('li.notification.unread');
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /读者一号\s*关注了你/);
  await Promise.all([ap.waitForLoadState('load'), item.getByRole('button', { name: '标为已读' }).click()]);
  assert.equal(await ap.locator('li.notification.unread').count(), 0);
  assert.equal(await ap.locator('li.notification').count(), 1);
  assert.equal(await ap.locator('header.site a.inbox .badge').count(), 0, 'no unread count once read');

  // Unfollow from the author page: the count goes back.
  await page.goto(`${srv.base}/u/birder`);
  await Promise.all([page.waitForLoadState('load'), page.locator('main form.follow button').click()]);
  assert.equal((await page.locator('[data-count=followers]').innerText()).trim(), '0');
  assert.deepEqual(problems, []);
  await ctx.close();
  await actx.close();
});
