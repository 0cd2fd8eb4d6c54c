// The command line: import of the seed work, backup while serving, check,
// graceful shutdown. Each case runs the real binary on a temp data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, addUser } from './harness.mjs';

const BIN = process.env.HAO_BIN || 'build/hao';
const SEED = [process.env.HAO_SEED, '../shared/seed/000_a4f41c7b09327d3d.txt', '../../shared/seed/000_a4f41c7b09327d3d.txt']
  .find((p) => p && fs.existsSync(p));

function hao(args, input) {
  const r = spawnSync(BIN, args, { input: input ?? '', encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hao-cli-'));
}

function countWorks(data) {
  // Count through the binary's own check-free path: a second import with --force would
  // add one; here we read the SQLite file with the sqlite3 CLI if present, else skip.
  const r = spawnSync('sqlite3', [path.join(data, 'hao.db'), 'SELECT count(*) FROM works'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

test('import the seed work: declaration, 45 paragraphs, no empty embeds, statement replaced', async () => {
  assert.ok(SEED, 'seed file found');
  const srv = await startServer();
  try {
    await addUser(srv.dataDir, 'editor', 'creator', 'editor-password-1');
    const r = hao(['import', SEED, '--author', 'editor', '--data', srv.dataDir]);
    assert.equal(r.code, 0, r.err);
    const m = r.out.match(/^([0-9a-f]{16})\t(\/a\/[0-9a-f]{16})\n$/);
    assert.ok(m, `ID<TAB>PATH line, got ${JSON.stringify(r.out)}`);
    assert.equal(m[2], `/a/${m[1]}`);
    assert.match(r.err, /16 empty picture embeds/);

    const res = await fetch(srv.base + m[2]);
    assert.equal(res.status, 200);
    const html = await res.text();
    const body = html.slice(html.indexOf('<div class="body">'), html.indexOf('</div>', html.indexOf('<div class="body">')));
    const paras = body.match(/<p>/g) || [];
    assert.equal(paras.length, 45, '45 body paragraphs');
    assert.ok(body.indexOf('2026年新年钟声还没敲响') < body.indexOf('一场更大的风暴'), 'in order');
    assert.ok(!/<img/.test(body), 'no empty picture embeds');
    assert.ok(html.includes('内容取材于网络'), 'declaration web-sourced shown');
    assert.ok(!html.includes('网易号'), 'foreign statement stripped');
    assert.ok(!html.includes('NetEase'), 'foreign statement stripped (en)');
    assert.ok(html.includes('仅提供信息存储服务'), 'our statement present');
    assert.match(html, /<h1>2026年新年钟声还没敲响/);

    const api = await (await fetch(srv.base + `/api/v1/articles/${m[1]}`)).json();
    assert.equal(api.declaration, 'web-sourced');
    assert.ok([...api.title].length <= 40);

    // The same content again: warned and skipped; --force imports it.
    const again = hao(['import', SEED, '--author', 'editor', '--data', srv.dataDir]);
    assert.equal(again.code, 0);
    assert.equal(again.out, '');
    assert.match(again.err, /already here; skipped/);
    const forced = hao(['import', SEED, '--author', 'editor', '--force', '--title', '另一个标题', '--declaration', 'opinion', '--data', srv.dataDir]);
    assert.equal(forced.code, 0, forced.err);
    const id2 = forced.out.split('\t')[0];
    const api2 = await (await fetch(srv.base + `/api/v1/articles/${id2}`)).json();
    assert.equal(api2.title, '另一个标题');
    assert.equal(api2.declaration, 'opinion');
  } finally {
    await srv.stop();
  }
});

test('import bad input: clear error, nothing written', async () => {
  const data = tmpdir();
  await addUser(data, 'editor', 'creator', 'editor-password-1');
  await addUser(data, 'modo', 'moderator', 'modo-password-1');
  const dir = tmpdir();
  const bad = path.join(dir, 'bad.txt');
  fs.writeFileSync(bad, Buffer.concat([Buffer.from('作品声明:内容取材于网络\n正文'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
  const good = path.join(dir, 'good.txt');
  fs.writeFileSync(good, '一段正文。\n第二段。\n');
  const empty = path.join(dir, 'empty.txt');
  fs.writeFileSync(empty, '');
  const before = countWorks(data);

  let r = hao(['import', good, bad, '--author', 'editor', '--data', data]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /bad\.txt: .*UTF-8/);
  assert.equal(r.out, '', 'the good file is not imported either');
  r = hao(['import', empty, '--author', 'editor', '--data', data]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /empty\.txt/);
  r = hao(['import', good, '--author', 'nobody', '--data', data]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /no user "nobody"/);
  r = hao(['import', good, '--author', 'editor', '--declaration', 'bogus', '--data', data]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown declaration/);
  r = hao(['import', path.join(dir, 'missing.txt'), '--author', 'editor', '--data', data]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /cannot open/);
  r = hao(['import', good, '--author', 'editor', '--title', '', '--data', data]);
  assert.equal(r.code, 2);
  r = hao(['import', good, '--author', 'editor', '--title', 'x'.repeat(101), '--data', data]);
  assert.notEqual(r.code, 0);
  r = hao(['import', good, '--data', data]);
  assert.equal(r.code, 2);
  r = hao(['import', good, '--author', 'editor', '--bogus', '--data', data]);
  assert.equal(r.code, 2);
  if (before !== null) assert.equal(countWorks(data), before, 'nothing written');

  r = hao(['import', good, '--author', 'editor', '--data', data]);
  assert.equal(r.code, 0, r.err);
  if (before !== null) assert.equal(countWorks(data), before + 1);
});

test('user add: bad input refused', async () => {
  const data = tmpdir();
  let r = hao(['user', 'add', 'carol', '--role', 'creator', '--data', data], 'carol-password-1\n');
  assert.equal(r.code, 0, r.err);
  r = hao(['user', 'add', 'carol', '--role', 'creator', '--data', data], 'carol-password-1\n');
  assert.notEqual(r.code, 0, 'duplicate handle');
  r = hao(['user', 'add', 'dave', '--role', 'emperor', '--data', data], 'dave-password-1\n');
  assert.notEqual(r.code, 0, 'bad role');
  r = hao(['user', 'add', 'erin', '--role', 'creator', '--data', data], 'short\n');
  assert.notEqual(r.code, 0, 'short password');
  r = hao(['user', 'add', 'x', '--role', 'creator', '--data', data], 'long-enough-pw\n');
  assert.notEqual(r.code, 0, 'short handle');
  r = hao(['user', 'add', 'frank', '--role', 'creator', '--data', data], '');
  assert.equal(r.code, 2, 'no password');
  assert.match(r.err, /user add: no password on standard input/);
  r = hao(['user', 'add', 'frank', '--role', 'creator', '--data', data], 'p'.repeat(1100) + '\n');
  assert.equal(r.code, 2, 'a password over 1024 bytes');
  assert.match(r.err, /user add: the password is too long/);
  r = hao(['user', 'reset-password', 'carol', '--data', data], 'p'.repeat(1100) + '\n');
  assert.equal(r.code, 2);
  assert.match(r.err, /user reset-password: the password is too long/);
  r = hao(['user', 'reset-password', 'carol', '--data', data], '');
  assert.match(r.err, /user reset-password: no password on standard input/);
  r = hao(['user', 'add', 'frank', '--role', 'creator', '--data', data], 'frank-password-1\n');
  assert.equal(r.code, 0, 'frank was not added by the refused attempts: ' + r.err);
  r = hao(['user', 'add', 'frank', '--data', data], 'long-enough-pw\n');
  assert.equal(r.code, 2, 'no role');
});

// hao backup snapshots the SQLite file; a PostgreSQL site is backed up with pg_dump.
test('backup while serving, check, restore by serving the backup', { skip: !!process.env.HAO_TEST_PG && 'SQLite only' }, async () => {
  const srv = await startServer();
  const out = path.join(tmpdir(), 'snap');
  try {
    await addUser(srv.dataDir, 'editor', 'creator', 'editor-password-1');
    const dir = tmpdir();
    const f = path.join(dir, 'w.txt');
    fs.writeFileSync(f, '备份测试的正文。\n');
    const imp = hao(['import', f, '--author', 'editor', '--data', srv.dataDir]);
    assert.equal(imp.code, 0, imp.err);
    const id = imp.out.split('\t')[0];
    // Load while backing up.
    const load = Promise.all(Array.from({ length: 50 }, () => fetch(srv.base + '/a/' + id).then((r) => r.text())));
    const b = hao(['backup', out, '--data', srv.dataDir]);
    await load;
    assert.equal(b.code, 0, b.err);
    assert.ok(fs.existsSync(path.join(out, 'hao.db')));
    assert.ok(!fs.existsSync(out + '.partial'));
    assert.equal(hao(['backup', out, '--data', srv.dataDir]).code, 2, 'refuses to overwrite');
    assert.equal(hao(['check', '--data', out]).code, 0);
    assert.equal(hao(['check', '--data', srv.dataDir]).code, 0);
  } finally {
    await srv.stop();
  }
  const restored = await startServer({ dataDir: out });
  try {
    const home = await (await fetch(restored.base + '/')).text();
    assert.ok(home.includes('备份测试的正文'));
  } finally {
    await restored.stop();
  }
});

// Damages the SQLite file itself; PostgreSQL checks its own pages.
test('check finds damage', { skip: !!process.env.HAO_TEST_PG && 'SQLite only' }, async () => {
  const data = tmpdir();
  await addUser(data, 'editor', 'creator', 'editor-password-1');
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'w.txt'), '正文。\n');
  assert.equal(hao(['import', path.join(dir, 'w.txt'), '--author', 'editor', '--data', data]).code, 0);
  assert.equal(hao(['check', '--data', data]).code, 0);
  // Damage the file in the middle.
  const db = path.join(data, 'hao.db');
  const buf = fs.readFileSync(db);
  for (let i = 4096 + 100; i < Math.min(buf.length, 4096 * 3); i++) buf[i] = 0x5a;
  fs.writeFileSync(db, buf);
  const r = hao(['check', '--data', data]);
  assert.notEqual(r.code, 0);
  assert.ok(r.err.length > 0);
  assert.notEqual(hao(['check', '--data', tmpdir()]).code, 0, 'no database');
});

test('serve: bad flags and a busy port are reported', async () => {
  assert.equal(hao(['serve', '--data', tmpdir(), '--listen', 'nonsense']).code, 1);
  assert.equal(hao(['serve', '--data', tmpdir(), '--listen', '127.0.0.1:99999']).code, 1);
  assert.equal(hao(['serve', '--data', tmpdir(), '--threads', '0']).code, 2);
  assert.equal(hao(['frobnicate']).code, 2);
  const srv = await startServer();
  try {
    const port = new URL(srv.base).port;
    const r = hao(['serve', '--data', tmpdir(), '--listen', `127.0.0.1:${port}`]);
    assert.equal(r.code, 1, 'a second server must not silently share the port');
    assert.match(r.err, /cannot listen/);
  } finally {
    await srv.stop();
  }
});
