// Imports are all or nothing (site/portability/importer.h): a storage
// failure part-way through the writes (forced by the test hook
// HAO_IMPORT_FAIL_AT=N, which fails the N-th work after its rows are
// written) leaves no work, revision, tag, media row, media file, comment,
// reader account, redirect or ledger row of that import; run again, the
// whole file lands. And a studio import fetches the pictures its file names
// but does not hold, with the federation's outgoing rules: a loopback
// server's picture arrives through the media pipeline (test mode only), a
// 404 and a private address are listed in the report and the work keeps a
// link to them. Runs on SQLite and, with HAO_TEST_PG, on PostgreSQL.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startServer, addUser, Client, tmpDir, siteSql, BIN } from './harness.mjs';

const FIX = 'tests/http/fixtures/portability/wordpress';
const WXR = path.join(FIX, 'wordpress-export.xml');
const UPLOADS = path.join(FIX, 'uploads');
const dir = tmpDir('hao-atomic-');
const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

function hao(args, env = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const one = (data, sql) => siteSql(data, sql).stdout.trim();
// Every file under DATA/media (local store; with S3 the files are elsewhere).
function mediaFiles(data) {
  const out = [];
  const walk = (d) => { for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) e.isDirectory() ? walk(path.join(d, e.name)) : out.push(path.join(d, e.name)); };
  const root = path.join(data, 'media');
  walk(root);
  return out.map((f) => path.relative(root, f)).filter((f) => !f.startsWith(`tmp${path.sep}`)).sort();
}
// What an import may write, table by table.
const TABLES = ['works', 'revisions', 'tags', 'media', 'work_media', 'comments', 'import_items', 'import_redirects', 'users'];
const counts = (data) => Object.fromEntries(TABLES.map((t) => [t, one(data, `SELECT count(*) FROM ${t}`)]));

// fetch, once more on a fresh connection when the kept-alive one was
// closed by the server while a long command ran (its idle timeout).
async function get(url, opts) {
  try { return await fetch(url, opts); } catch (e) {
    if (e.cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, opts);
  }
}

async function until(fn, what) {
  for (let i = 0; i < 300; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The studio's import form, posted by a signed-in client.
async function uploadWxr(c, base, wxr) {
  const fd = new FormData();
  fd.append('csrf', await c.csrf('/studio/portability'));
  fd.append('file', new Blob([wxr], { type: 'text/xml' }), 'wordpress.xml');
  return fetch(`${base}/studio/portability/import`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: c.cookieHeader(), origin: base } });
}

test('a storage failure part-way through the writes leaves nothing of the import; the rerun lands it whole', async () => {
  const srv = await startServer();
  servers.push(srv);
  addUser(srv.dataDir, 'admin', 'creator', 'admin-password-1');
  addUser(srv.dataDir, 'li_lei', 'creator', 'lilei-password-1', '李雷');
  const empty = counts(srv.dataDir);
  assert.equal(empty.users, '2');
  // A middle and the last of the four works fail: each after the media rows
  // and the works before it (their comments, commenters and redirects) were
  // written in the same transaction.
  for (const n of ['3', '4']) {
    const r = hao(['import', WXR, '--uploads', UPLOADS, '--data', srv.dataDir], { HAO_IMPORT_FAIL_AT: n });
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`storage failure \\(HAO_IMPORT_FAIL_AT=${n}, a test\\)`));
    assert.match(r.err, /nothing was imported/);
    assert.equal(r.out, '', 'no work id printed');
    assert.deepEqual(counts(srv.dataDir), empty, `after a failure at work ${n}`);
    if (!process.env.HAO_TEST_S3) assert.deepEqual(mediaFiles(srv.dataDir), [], 'no media file left behind');
    assert.equal((await get(`${srv.base}/2024/05/01/tuwen/`, { redirect: 'manual' })).status, 404, 'no redirect');
    assert.doesNotMatch(await (await get(`${srv.base}/`)).text(), /图文并茂的一篇/);
  }
  // Run again without the failure: everything, once.
  const r = hao(['import', WXR, '--uploads', UPLOADS, '--data', srv.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /4 works created, 0 already here, 2 media, 4 comments/);
  assert.equal(r.out.trim().split('\n').length, 4);
  const c = counts(srv.dataDir);
  assert.equal(c.works, '4');
  assert.equal(c.media, '2');
  assert.equal(c.comments, '4');
  assert.equal(c.import_items, '4');
  assert.ok(Number(c.import_redirects) >= 1);
  if (!process.env.HAO_TEST_S3) assert.ok(mediaFiles(srv.dataDir).length >= 2);
  assert.equal((await get(`${srv.base}/2024/05/01/tuwen/`, { redirect: 'manual' })).status, 301);
  // A failure in a second import of other works leaves the first one alone.
  const before = counts(srv.dataDir);
  const other = path.join(dir, 'other.xml');
  fs.writeFileSync(other, fs.readFileSync(WXR, 'utf8').replaceAll('<wp:post_id>', '<wp:post_id>9'));
  const f = hao(['import', other, '--uploads', UPLOADS, '--data', srv.dataDir], { HAO_IMPORT_FAIL_AT: '2' });
  assert.equal(f.code, 1, f.err);
  assert.deepEqual(counts(srv.dataDir), before);
  if (!process.env.HAO_TEST_S3) assert.ok(mediaFiles(srv.dataDir).length >= 2, 'the media the first import stored stay');
  const img = /\/m\/([0-9a-f]{16})/.exec(one(srv.dataDir, `SELECT body FROM works WHERE title = '图文并茂的一篇'`))[1];
  assert.equal((await get(`${srv.base}/m/${img}`)).status, 200);
});

test('a studio import fetches pictures by URL on its job thread; a 404 and a private address stay links, listed', async () => {
  const pic = fs.readFileSync(path.join(UPLOADS, '2026/12/pic.png'));
  const asked = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url);
    if (req.url === '/wp-content/uploads/2026/12/pic.png') { res.writeHead(200, { 'content-type': 'image/png' }); res.end(pic); }
    else { res.writeHead(404); res.end('not here'); }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const port = server.address().port;
  const wxr = fs.readFileSync(WXR, 'utf8').replaceAll('http://127.0.0.1:8082/wp-content', `http://127.0.0.1:${port}/wp-content`)
    .replace('<p>最后一段。</p>', '<p><img src="http://10.0.0.1/private.png" alt="私网的图"></p><p>最后一段。</p>');
  async function studioImport(srv) {
    addUser(srv.dataDir, 'writer', 'creator', 'writer-password-1');
    const c = new Client(srv.base);
    assert.equal((await c.login('writer', 'writer-password-1')).status, 303);
    const res = await uploadWxr(c, srv.base, wxr);
    assert.equal(res.status, 303, await res.text());
    return until(async () => { const h = await (await c.get('/studio/portability')).text(); return /works created|nothing was imported/.test(h) && h; }, 'the import report');
  }
  try {
    // Test mode (HAO_FED_LOOPBACK=1): loopback is allowed, nothing else is.
    const srv = await startServer({ env: { HAO_FED_LOOPBACK: '1' } });
    servers.push(srv);
    let html = await studioImport(srv);
    assert.match(html, /4 works created/);
    assert.match(html, /1 picture fetched by URL/);
    assert.match(html, new RegExp(`picture http://127\\.0\\.0\\.1:${port}/wp-content/uploads/2026/12/pic2\\.jpg not imported \\(the server answered 404\\); the work links to it instead`));
    assert.match(html, /picture http:\/\/10\.0\.0\.1\/private\.png not imported \(refused: the address is not public/);
    assert.ok(asked.includes('/wp-content/uploads/2026/12/pic.png'));
    assert.ok(!asked.some((u) => u.includes('private')), 'the private address was never asked');
    const body = one(srv.dataDir, `SELECT body FROM works WHERE title = '图文并茂的一篇'`);
    const m = /!\[灰色的方块\]\(\/m\/([0-9a-f]{16})\)/.exec(body);
    assert.ok(m, `the fetched picture re-pointed to /m/ID:\n${body}`);
    assert.equal(one(srv.dataDir, `SELECT sha256 FROM media WHERE id = '${m[1]}'`), crypto.createHash('sha256').update(pic).digest('hex'));
    const served = await fetch(`${srv.base}/m/${m[1]}`);
    assert.equal(served.status, 200);
    assert.match(served.headers.get('content-type'), /^image\//, 'through the media pipeline');
    assert.ok(body.includes(`[深色的方块](http://127.0.0.1:${port}/wp-content/uploads/2026/12/pic2.jpg)`) && !body.includes('![深色的方块]'), 'the 404 stays a link');
    assert.ok(body.includes('[私网的图](http://10.0.0.1/private.png)') && !body.includes('![私网的图]'), 'the private one stays a link');
    assert.equal(one(srv.dataDir, 'SELECT count(*) FROM media'), '1');

    // Without the test mode, the loopback server is a private address too: refused, never asked.
    asked.length = 0;
    const srv2 = await startServer();
    servers.push(srv2);
    html = await studioImport(srv2);
    assert.match(html, /4 works created/);
    assert.match(html, new RegExp(`picture http://127\\.0\\.0\\.1:${port}/wp-content/uploads/2026/12/pic\\.png not imported \\(refused: the address is not public`));
    assert.deepEqual(asked, []);
    assert.equal(one(srv2.dataDir, 'SELECT count(*) FROM media'), '0');
    assert.ok(one(srv2.dataDir, `SELECT body FROM works WHERE title = '图文并茂的一篇'`).includes(`[灰色的方块](http://127.0.0.1:${port}/wp-content/uploads/2026/12/pic.png)`));
  } finally {
    server.close();
  }
});

test('a crash inside the import transaction leaves nothing; after the restart the job runs again, whole', async () => {
  const pic = fs.readFileSync(path.join(UPLOADS, '2026/12/pic.png'));
  const server = http.createServer((req, res) => {
    if (req.url.endsWith('/pic.png')) { res.writeHead(200, { 'content-type': 'image/png' }); res.end(pic); }
    else { res.writeHead(404); res.end(); }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const wxr = fs.readFileSync(WXR, 'utf8').replaceAll('http://127.0.0.1:8082/wp-content', `http://127.0.0.1:${server.address().port}/wp-content`);
  const dataDir = path.join(tmpDir('hao-crash-'), 'data');
  try {
    addUser(dataDir, 'writer', 'creator', 'writer-password-1');
    const empty = counts(dataDir);
    // The server dies (exit 70) inside the transaction, after the third work's rows.
    let srv = await startServer({ dataDir, env: { HAO_FED_LOOPBACK: '1', HAO_IMPORT_CRASH_AT: '3' } });
    const died = new Promise((ok) => srv.proc.on('exit', (code) => ok(code)));
    const c = new Client(srv.base);
    assert.equal((await c.login('writer', 'writer-password-1')).status, 303);
    const res = await uploadWxr(c, srv.base, wxr);
    assert.equal(res.status, 303);
    assert.equal(await died, 70);
    assert.deepEqual(counts(dataDir), empty, 'nothing of the import committed');
    assert.equal(one(dataDir, `SELECT status FROM port_jobs WHERE kind = 'import'`), 'running');
    // Restarted: the job is queued again and runs whole; the files the dead run stored and no row names are swept.
    srv = await startServer({ dataDir, env: { HAO_FED_LOOPBACK: '1' } });
    servers.push(srv);
    const c2 = new Client(srv.base);
    assert.equal((await c2.login('writer', 'writer-password-1')).status, 303);
    const html = await until(async () => { const h = await (await c2.get('/studio/portability')).text(); return /works created|nothing was imported/.test(h) && h; }, 'the rerun');
    assert.match(html, /4 works created, 0 already here, 1 media/);
    assert.equal(one(dataDir, 'SELECT count(*) FROM works'), '4');
    assert.equal(one(dataDir, `SELECT status FROM port_jobs WHERE kind = 'import'`), 'done');
    if (!process.env.HAO_TEST_S3) {
      const shas = new Set(one(dataDir, 'SELECT sha256 FROM media').split('\n'));
      const files = mediaFiles(dataDir);
      assert.ok(files.length >= 1);
      for (const f of files) assert.ok(shas.has(path.basename(f).slice(0, 64)), `${f} belongs to a media row`);
    }
  } finally {
    server.close();
  }
});
