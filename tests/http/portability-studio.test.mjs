// The studio's export and import page: an export built in the background
// with its progress and a download link that expires; an upload imported as
// a job whose report is shown; a job that was running when the server
// stopped runs again after the restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, addUser, Client, siteSql, tmpDir, BIN } from './harness.mjs';

const SEED = [process.env.HAO_SEED, '../shared/seed/000_a4f41c7b09327d3d.txt', '../../shared/seed/000_a4f41c7b09327d3d.txt']
  .find((p) => p && fs.existsSync(p));
const WXR = 'tests/http/fixtures/portability/wordpress/wordpress-export.xml';
const dataDir = path.join(tmpDir('hao-pstudio-'), 'data');
let srv;
after(async () => { await srv?.stop(); });

async function until(fn, what) {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('export from the studio: queued, built in the background, downloaded, then the link expires', async () => {
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'other', 'creator', 'other-password-1');
  assert.equal(spawnSync(BIN, ['import', SEED, '--author', 'writer', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir });
  const c = new Client(srv.base);
  assert.equal((await c.login('writer', 'writer-password-1')).status, 303);
  const studio = await (await c.get('/studio')).text();
  assert.match(studio, /href="\/studio\/portability"/);
  const page = await (await c.get('/studio/portability')).text();
  assert.match(page, /action="\/studio\/portability\/export"/);
  assert.match(page, /action="\/studio\/portability\/import" enctype="multipart\/form-data"/);
  const csrf = await c.csrf('/studio/portability');
  assert.equal((await c.post('/studio/portability/export', { revisions: '1' })).status, 403, 'CSRF token required');
  const res = await c.post('/studio/portability/export', { csrf, revisions: '1' });
  assert.equal(res.status, 303);
  const link = await until(async () => (/href="(\/studio\/portability\/(\d+)\/download)"/.exec(await (await c.get('/studio/portability')).text())), 'the download link');
  const dl = await c.get(link[1]);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/gzip');
  assert.match(dl.headers.get('content-disposition'), /attachment; filename="hao-writer-\d+\.tar\.gz"/);
  const tar = zlib.gunzipSync(Buffer.from(await dl.arrayBuffer())).toString('latin1');
  assert.ok(tar.includes('writer/profile.json') && tar.includes('manifest.json') && tar.includes('/revisions/1.md'));
  // Not someone else's.
  const o = new Client(srv.base);
  await o.login('other', 'other-password-1');
  assert.equal((await o.get(link[1])).status, 410);
  // Expired: gone, and the page says so.
  siteSql(dataDir, `UPDATE port_jobs SET expires_at = 1 WHERE id = ${link[2]}`);
  assert.equal((await c.get(link[1])).status, 410);
  assert.match(await (await c.get('/studio/portability')).text(), /download link has expired|下载链接已过期/);
});

test('import from the studio: uploaded, run as a job, its report shown', async () => {
  const c = new Client(srv.base);
  await c.login('writer', 'writer-password-1');
  const csrf = await c.csrf('/studio/portability');
  const before = Number(siteSql(dataDir, 'SELECT count(*) FROM works').stdout.trim());
  const fd = new FormData();
  fd.append('csrf', csrf);
  fd.append('file', new Blob([fs.readFileSync(WXR)], { type: 'text/xml' }), 'wordpress.xml');
  const res = await fetch(`${srv.base}/studio/portability/import`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: c.cookieHeader(), origin: srv.base } });
  assert.equal(res.status, 303, await res.text());
  const html = await until(async () => { const h = await (await c.get('/studio/portability')).text(); return /4 works created/.test(h) && h; }, 'the import report');
  assert.match(html, /picture http:\/\/127\.0\.0\.1:8082\/wp-content\/uploads\/2026\/12\/pic\.png not imported/);
  assert.equal(Number(siteSql(dataDir, 'SELECT count(*) FROM works').stdout.trim()), before + 4);
  assert.equal(siteSql(dataDir, `SELECT DISTINCT u.handle FROM works w JOIN users u ON u.id = w.author_id WHERE w.title = '图文并茂的一篇'`).stdout.trim(), 'writer');
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'portability')).filter((f) => f.startsWith('import-')), [], 'the upload is not kept');
  // Without a file: a clear error.
  const fd2 = new FormData();
  fd2.append('csrf', csrf);
  const bad = await fetch(`${srv.base}/studio/portability/import`, { method: 'POST', body: fd2, redirect: 'manual', headers: { cookie: c.cookieHeader(), origin: srv.base } });
  assert.equal(bad.status, 400);
});

test('a job running when the server stopped runs again after the restart, creating nothing twice', async () => {
  await srv.stop();
  srv = null;
  // An import interrupted half way: the file is there, the job marked running, one work already in the ledger.
  const f = path.join(dataDir, 'portability', 'import-interrupted');
  fs.copyFileSync(WXR, f);
  const uid = siteSql(dataDir, `SELECT id FROM users WHERE handle = 'other'`).stdout.trim();
  siteSql(dataDir, `INSERT INTO port_jobs(user_id, kind, status, options, file, name, created_at) VALUES (${uid}, 'import', 'running', '', '${f}', 'x', 1)`);
  srv = await startServer({ dataDir });
  const c = new Client(srv.base);
  await c.login('other', 'other-password-1');
  const html = await until(async () => { const h = await (await c.get('/studio/portability')).text(); return /already here/.test(h) && h; }, 'the resumed job');
  // Every post of this file was imported by writer above: the ledger says so, nothing is created twice.
  assert.match(html, /0 works created, 4 already here/);
  assert.equal(siteSql(dataDir, `SELECT count(*) FROM works w JOIN users u ON u.id = w.author_id WHERE u.handle = 'other'`).stdout.trim(), '0');
});
