// The creator tools in a real browser (site/creator/): the editor's
// schedule, preview-link, pin and collection panels, the collection's
// studio page (drag and drop with JavaScript), the public collection page,
// a work's "n of N", the pinned works on the author page and a preview
// link, each checked with axe at desktop and phone sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, addUser, apiToken, tmpDir } from '../http/harness.mjs';
import { assertAccessible, axeViolations, VIEWPORTS } from './a11y.mjs';

// The work and author pages carry today's baseline finding (a11y.mjs's
// commit: link-in-text-block on the statement and comment-count links,
// not this part's markup): anything else fails.
async function accessibleBesidesBaseline(page, what) {
  const bad = (await axeViolations(page)).filter((v) => !(v.id === 'link-in-text-block' &&
    v.nodes.every((n) => /about|count|comment/.test(n))));
  assert.deepEqual(bad, [], `${what}: ${JSON.stringify(bad)}`);
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

let srv, browser, tok, ids = [], draftId, cid, previewUrl;

async function api(method, p, body) {
  const h = { authorization: `Bearer ${tok}` };
  if (body) h['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers: h, body: body && JSON.stringify(body) });
}

before(async () => {
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  srv = await startServer({ dataDir, sqlite: true });
  tok = await apiToken(srv.base, 'writer', 'writer-password-1');
  for (let i = 1; i <= 3; i++) {
    const w = await (await api('POST', '/api/v1/articles', { title: `系列第${i}篇`, body: `第${i}篇的正文。` })).json();
    assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`)).status, 200);
    ids.push(w.id);
  }
  draftId = (await (await api('POST', '/api/v1/articles', { title: '待发布的草稿', body: '草稿正文。' })).json()).id;
  assert.equal((await api('POST', `/api/v1/articles/${draftId}/publish`, { at: new Date(Date.now() + 86400e3).toISOString() })).status, 202);
  previewUrl = (await (await api('POST', `/api/v1/articles/${draftId}/previews`)).json()).url;
  cid = (await (await api('POST', '/api/v1/collections', { title: '浏览器合集', description: '三篇', works: ids })).json()).id;
  assert.equal((await api('PUT', `/api/v1/articles/${ids[0]}/pin`)).status, 204);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signedIn(size) {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...VIEWPORTS[size] });
  const page = await ctx.newPage();
  await page.goto(`${srv.base}/login?next=/studio`);
  await page.getByLabel('用户名', { exact: true }).fill('writer');
  await page.getByLabel('密码', { exact: true }).fill('writer-password-1');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('main form button[type=submit]').first().click()]);
  return { ctx, page };
}

for (const size of ['desktop', 'phone']) {
  test(`${size}: the creator's pages are accessible and work`, async () => {
    const { ctx, page } = await signedIn(size);
    await page.goto(`${srv.base}/studio`);
    assert.match(await page.locator(`tr[data-id="${draftId}"]`).innerText(), /定时/);
    await assertAccessible(page, 'the studio list with a scheduled work');
    await page.goto(`${srv.base}/studio/${draftId}`);
    assert.ok(await page.locator('#sched-at').inputValue());
    assert.match(await page.locator('.schedule').innerText(), /UTC\+8/);
    await assertAccessible(page, 'the editor of a scheduled draft');
    await page.goto(`${srv.base}/studio/${ids[1]}`);
    await assertAccessible(page, 'the editor of a published work (pin, collections)');
    await page.goto(`${srv.base}/studio/stats`);
    assert.equal(await page.locator('svg.stats-chart[role=img]').count(), 7);
    await assertAccessible(page, 'the data page');
    await page.goto(`${srv.base}/studio/collections`);
    await assertAccessible(page, 'the collections list');
    await page.goto(`${srv.base}/studio/collections/${cid}`);
    await assertAccessible(page, 'a collection in the studio');
    // Drag the last work to the top: the script posts the new order.
    const order = async () => (await (await fetch(`${srv.base}/api/v1/collections/${cid}`)).json()).works.map((w) => w.id);
    const before = await order();
    if (size === 'desktop') {
      await page.locator(`#coll-works li[data-id="${before[2]}"]`).dragTo(page.locator(`#coll-works li[data-id="${before[0]}"]`), { targetPosition: { x: 5, y: 2 } });
      await page.waitForFunction(() => document.getElementById('coll-order-state').textContent !== '');
      assert.deepEqual(await order(), [before[2], before[0], before[1]]);
    } else {
      // By the buttons (no drag on a phone): the second one up.
      await Promise.all([page.waitForURL(/\/studio\/collections\/\d+$/), page.locator('#coll-works li').nth(1).getByRole('button', { name: /^上移/ }).click()]);
      assert.deepEqual(await order(), [before[1], before[0], before[2]]);
    }
    await ctx.close();

    const rctx = await browser.newContext({ locale: 'zh-CN', ...VIEWPORTS[size] });
    const r = await rctx.newPage();
    await r.goto(`${srv.base}/c/${cid}`);
    assert.equal(await r.locator('.collection-works li').count(), 3);
    await assertAccessible(r, 'the public collection page');
    const now = await order();
    await r.goto(`${srv.base}/a/${now[1]}`);
    assert.match(await r.locator('.collection-nav').innerText(), /第 2 篇,共 3 篇/);
    await accessibleBesidesBaseline(r, 'a work in a collection');
    await r.goto(`${srv.base}/u/writer`);
    assert.match(await r.locator('.pinned').innerText(), /系列第1篇/);
    await accessibleBesidesBaseline(r, 'the author page with a pinned work');
    await r.goto(srv.base + previewUrl);
    assert.match(await r.locator('.draft-banner').innerText(), /草稿预览/);
    await assertAccessible(r, 'a preview link');
    await rctx.close();
  });
}

// Read-through without JavaScript: the lazily loaded image after the text
// is fetched by a reader who scrolls to the end, not by one who leaves at
// the top. Counted per reader (address and user agent), so each reader
// here has a browser of its own name.
test('a reader who scrolls to the end counts as a read-through; one who leaves at the top does not', async () => {
  const body = Array.from({ length: 160 }, (_, i) => `第${i + 1}段:很长的正文,要往下读很久才能读完。`).join('\n\n');
  const w = await (await api('POST', '/api/v1/articles', { title: '长文', body })).json();
  assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`)).status, 200);
  const visit = async (name, scroll) => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...VIEWPORTS.phone, userAgent: `Mozilla/5.0 (Linux; Android 14) Chrome/120 ${name}` });
    const page = await ctx.newPage();
    const ends = [];
    page.on('request', (q) => { if (q.url().includes('/end/')) ends.push(q.url()); });
    await page.goto(`${srv.base}/a/${w.id}`);
    if (scroll) {
      await Promise.all([page.waitForResponse((res) => res.url().includes('/end/') && res.status() === 200),
        page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))]);
    } else {
      await page.waitForTimeout(1000);
    }
    await ctx.close();
    return ends.length;
  };
  assert.equal(await visit('reader-leaves', false), 0, 'the end image is not fetched at the top');
  assert.equal(await visit('reader-reads', true), 1);
  await new Promise((r) => setTimeout(r, 2500)); // the view writer's round
  const { ctx, page } = await signedIn('desktop');
  await page.goto(`${srv.base}/studio/${w.id}/stats`);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const cell = async (k) => Number(await page.locator('section.stats-series').nth(k).locator('tr', { hasText: today }).locator('td.num').textContent());
  assert.deepEqual([await cell(0), await cell(1), await cell(2)], [2, 2, 1]); // reads, unique readers, reached the end
  assert.match(await page.locator('.stats-rate').innerText(), /50%/);
  await assertAccessible(page, 'a work\'s data page');
  await ctx.close();
});
