// Per-work invalidation across nodes (runs when HAO_TEST_PG is set): a
// comment posted on node A stales, on node B, only the commented work's
// cached pages at once (the NOTIFY carries the work id); B's other work
// pages keep their cache, and B's list pages show the new count within the
// lag of a second, as on one node. A whole change (publishing) still
// stales everything on B.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, usePostgres, siteSql } from './harness.mjs';

const PG = process.env.HAO_TEST_PG;
let a, b, dirA, dirB, writerTok, readerTok;

before(async () => {
  if (!PG) return;
  dirA = path.join(tmpDir(), 'data');
  usePostgres(dirA);
  dirB = path.join(tmpDir(), 'data');
  fs.mkdirSync(dirB, { recursive: true });
  fs.copyFileSync(path.join(dirA, 'hao.conf'), path.join(dirB, 'hao.conf'));
  a = await startServer({ dataDir: dirA });
  // One loop on B: its page cache is per loop, so every request sees the same one.
  b = await startServer({ dataDir: dirB, args: ['--threads', '1'] });
  addUser(dirA, 'mnwriter', 'creator', 'mnwriter-password-1');
  addUser(dirA, 'mnreader', 'reader', 'mnreader-password-1');
  writerTok = await apiToken(a.base, 'mnwriter', 'mnwriter-password-1');
  readerTok = await apiToken(a.base, 'mnreader', 'mnreader-password-1');
});
after(async () => { await a?.stop(); await b?.stop(); });

const opts = { skip: !PG && 'needs PostgreSQL (HAO_TEST_PG)' };

const api = (base, method, p, tok, body) => fetch(base + p, {
  method, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
});

async function publish(title) {
  const w = await (await api(a.base, 'POST', '/api/v1/articles', writerTok, { title, body: `${title}的正文。` })).json();
  assert.equal((await api(a.base, 'POST', `/api/v1/articles/${w.id}/publish`, writerTok)).status, 200);
  return w.id;
}

async function eventually(fn, ms = 3000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  return -1;
}

const page = async (base, p) => (await fetch(base + p)).text();

test('a comment on node A stales only its work on node B', opts, async () => {
  const w1 = await publish('有评论的作品');
  const w2 = await publish('旁边的作品');
  // Let the publications' whole changes reach B, then warm B's caches.
  await new Promise((r) => setTimeout(r, 300));
  assert.ok((await page(b.base, `/a/${w2}`)).includes('旁边的作品'));
  await page(b.base, `/a/${w1}`);
  await page(b.base, '/');
  // Behind hao's back: only a re-rendered page of w2 would show this.
  assert.equal(siteSql(dirA, `UPDATE works SET title = '改过的标题' WHERE id = '${w2}'`).status, 0);

  assert.equal((await api(a.base, 'POST', `/api/v1/articles/${w1}/comments`, readerTok, { body: '另一个节点的评论' })).status, 201);
  const t = await eventually(async () => (await page(b.base, `/a/${w1}`)).includes('另一个节点的评论'), 3000);
  assert.ok(t >= 0, "B's page of the commented work is fresh");
  assert.ok(t < 900, `at once, not after the list lag (${t} ms)`);
  // The other work's page on B was not thrown away.
  const other = await page(b.base, `/a/${w2}`);
  assert.ok(other.includes('旁边的作品') && !other.includes('改过的标题'), "B's other work page kept its cache");
  // B's list pages follow within the lag.
  const seen = await eventually(async () => new RegExp(`href="/a/${w1}#comments">[^<]* 1</a>`).test(await page(b.base, '/')), 3000);
  assert.ok(seen >= 0, "B's home page shows the new count");
});

test('a whole change on A (publishing) still stales every page on B', opts, async () => {
  const w3 = await publish('第三篇');
  await new Promise((r) => setTimeout(r, 300));
  await page(b.base, `/a/${w3}`);
  assert.equal(siteSql(dirA, `UPDATE works SET title = '第三篇改' WHERE id = '${w3}'`).status, 0);
  await publish('第四篇');
  const t = await eventually(async () => (await page(b.base, `/a/${w3}`)).includes('第三篇改'), 3000);
  assert.ok(t >= 0, 'B re-rendered the page');
});
