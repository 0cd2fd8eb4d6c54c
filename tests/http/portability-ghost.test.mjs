// Import of a real Ghost export (tests/http/fixtures/portability/ghost, made
// by Ghost 5.130 itself through its Admin API; see its README), work by work.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, tmpDir, siteSql, BIN } from './harness.mjs';

const FIX = 'tests/http/fixtures/portability/ghost';
const JSONF = path.join(FIX, 'ghost-export.json');
function hao(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
let srv;
after(async () => { await srv?.stop(); });

test('a real Ghost export: posts from their rendered HTML, tags, authors, the images folder, drafts, dates, old paths', async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'peer', 'creator', 'peer-password-1');
  const r = hao(['import', JSONF, '--uploads', path.join(FIX, 'images'), '--data', srv.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /3 works created, 0 already here, 1 media/);
  assert.match(r.err, /left out: a page \(pass --pages/);
  const ids = Object.fromEntries(siteSql(srv.dataDir, `SELECT title || '|' || id FROM works`).stdout.trim().split('\n').map((l) => l.split('|')));
  const a = await (await fetch(`${srv.base}/api/v1/articles/${ids['Ghost 图文']}`)).json();
  assert.deepEqual(a.tags, ['摄影', '旅行']);
  assert.equal(siteSql(srv.dataDir, `SELECT published_at FROM works WHERE id = '${ids['Ghost 图文']}'`).stdout.trim(), String(Date.UTC(2024, 4, 1, 10, 30) / 1000));
  for (const want of ['Ghost 的第一段,有**粗体**和[链接](https://example.com/)。', '## 小标题', '*图:灰色*', '- 一\n- 二', '> 引用。'])
    assert.ok(a.body.includes(want), `${want} in ${a.body}`);
  const m = /!\[灰色的方块\]\(\/m\/([0-9a-f]{16})\)/.exec(a.body);
  assert.ok(m, a.body);
  const sha = crypto.createHash('sha256').update(fs.readFileSync(path.join(FIX, 'images/2026/12/pic.png'))).digest('hex');
  assert.equal(siteSql(srv.dataDir, `SELECT sha256 FROM media WHERE id = '${m[1]}'`).stdout.trim(), sha);
  assert.equal((await fetch(`${srv.base}/m/${m[1]}`)).status, 200);
  assert.equal(siteSql(srv.dataDir, `SELECT status FROM works WHERE id = '${ids['Ghost 草稿']}'`).stdout.trim(), 'draft');
  const red = await fetch(`${srv.base}/ghost-tuwen/`, { redirect: 'manual' });
  assert.equal(red.status, 301);
  assert.equal(new URL(red.headers.get('location'), srv.base).pathname, `/a/${ids['Ghost 图文']}`);
  const again = hao(['import', JSONF, '--uploads', path.join(FIX, 'images'), '--data', srv.dataDir]);
  assert.match(again.err, /0 works created, 3 already here/);
});

test('without its images folder a Ghost picture is not imported, and the report says the work keeps its address', () => {
  for (const uploads of [null, tmpDir('hao-ghost-empty-')]) {
    const data = path.join(tmpDir(), 'data');
    addUser(data, 'peer', 'creator', 'peer-password-1');
    const r = hao(['import', JSONF, ...(uploads ? ['--uploads', uploads] : []), '--data', data]);
    assert.equal(r.code, 0, r.err);
    const why = uploads ? 'not in the uploads directory' : '--uploads not given';
    assert.ok(r.err.includes(`picture /content/images/2026/12/pic.png not imported (${why}); the work keeps that address, which this site does not serve`), r.err);
    assert.doesNotMatch(r.err, /links to it instead/);
    assert.match(r.err, /3 works created, 0 already here, 0 media/);
    // What the report says is what the work holds: the picture, at its old address.
    const body = siteSql(data, "SELECT body FROM works WHERE title = 'Ghost 图文'").stdout;
    assert.ok(body.includes('![灰色的方块](/content/images/2026/12/pic.png'), body);
    assert.equal(siteSql(data, 'SELECT count(*) FROM media').stdout.trim(), '0');
  }
});

test('a Ghost export without rendered HTML, or not JSON: refused, nothing written', () => {
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'peer', 'creator', 'peer-password-1');
  const dir = tmpDir('hao-ghost-');
  const j = JSON.parse(fs.readFileSync(JSONF, 'utf8'));
  for (const p of j.db[0].data.posts) delete p.html;
  fs.writeFileSync(path.join(dir, 'nohtml.json'), JSON.stringify(j));
  let r = hao(['import', path.join(dir, 'nohtml.json'), '--data', data]);
  assert.equal(r.code, 1);
  assert.match(r.err, /nohtml\.json: post [0-9a-f]+: has no rendered html/);
  fs.writeFileSync(path.join(dir, 'broken.json'), fs.readFileSync(JSONF, 'utf8').slice(0, 5000));
  r = hao(['import', path.join(dir, 'broken.json'), '--data', data]);
  assert.equal(r.code, 1);
  assert.match(r.err, /broken\.json:\d+: not valid JSON/);
  assert.equal(siteSql(data, 'SELECT count(*) FROM works').stdout.trim(), '0');
});

test('a scheduled Ghost post stays scheduled; a featured one is pinned', () => {
  const at = Math.floor(Date.now() / 1000) + 10 * 86400;
  const j = JSON.parse(fs.readFileSync(JSONF, 'utf8'));
  for (const p of j.db[0].data.posts) {
    if (p.title === 'Ghost 草稿') Object.assign(p, { status: 'scheduled', published_at: new Date(at * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') });
    if (p.title === 'Ghost 图文') p.featured = 1;
  }
  const f = path.join(tmpDir('hao-ghost-'), 'scheduled.json');
  fs.writeFileSync(f, JSON.stringify(j));
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'peer', 'creator', 'peer-password-1');
  const r = hao(['import', f, '--uploads', path.join(FIX, 'images'), '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /\(scheduled\) imported as a draft/);
  assert.equal(siteSql(data, "SELECT w.title || '|' || w.status || '|' || s.publish_at FROM creator_schedules s JOIN works w ON w.id = s.work_id WHERE s.state = 'pending'").stdout.trim(), `Ghost 草稿|draft|${at}`);
  assert.equal(siteSql(data, 'SELECT w.title FROM creator_pins p JOIN works w ON w.id = p.work_id').stdout.trim(), 'Ghost 图文');
});
