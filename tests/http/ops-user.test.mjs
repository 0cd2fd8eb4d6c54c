// `hao serve --user NAME` (src/http/privdrop.h): started as root, the server
// binds and then runs as NAME, and so do the media helpers it starts. Runs
// for real only when the tests run as root (as on the CI machine); the rules
// themselves are unit-tested in tests/unit/test_ops_privdrop.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, BIN } from './harness.mjs';

const root = process.getuid() === 0;
const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
const NOBODY = nobody.status === 0 ? Number(nobody.stdout.trim()) : null;
const skip = !root || NOBODY === null ? 'needs root and a "nobody" user' : false;

function ids(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { uid: /^Uid:\s+(.*)$/m.exec(s)[1].split(/\s+/).map(Number), gid: /^Gid:\s+(.*)$/m.exec(s)[1].split(/\s+/).map(Number), groups: /^Groups:\s*(.*)$/m.exec(s)[1].trim() };
}

test('as root with --user nobody: binds, then runs as nobody; its media helper too', { skip }, async () => {
  const top = tmpDir('hao-user-');
  fs.chmodSync(top, 0o755);
  const dataDir = path.join(top, 'data');
  fs.mkdirSync(dataDir);
  fs.chownSync(dataDir, NOBODY, NOBODY);
  const srv = await startServer({ dataDir, args: ['--user', 'nobody'], env: { HAO_MEDIA_HELPER_IDLE: '60' } });
  try {
    const me = ids(srv.proc.pid);
    assert.deepEqual(me.uid, [NOBODY, NOBODY, NOBODY, NOBODY], 'real, effective, saved and fs uid');
    assert.ok(!me.gid.includes(0), `no root group: ${me.gid}`);
    assert.ok(!/\b0\b/.test(me.groups), `no root supplementary group: ${me.groups}`);
    if (!fs.existsSync(path.join(dataDir, 'hao.conf'))) {
      assert.equal(fs.statSync(path.join(dataDir, 'hao.db')).uid, NOBODY, 'the database belongs to nobody');
    }
    addUser(dataDir, 'alice', 'creator', 'alice-password-1');
    const token = await apiToken(srv.base, 'alice', 'alice-password-1');
    const pic = path.join(top, 'a.png');
    execFileSync('vips', ['black', pic, '64', '64', '--bands', '3'], { stdio: 'pipe' });
    const fd = new FormData();
    fd.append('file', new Blob([fs.readFileSync(pic)]), 'a.png');
    const res = await fetch(srv.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 201, await res.text());
    // Children of any of the server's threads (a pool thread starts helpers).
    const kids = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((e) => {
      try {
        const st = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === srv.proc.pid;
      } catch { return false; }
    });
    assert.ok(kids.length >= 1, 'a media helper runs');
    for (const k of kids) assert.deepEqual(ids(k).uid, [NOBODY, NOBODY, NOBODY, NOBODY], 'the helper runs as nobody too');
  } finally {
    await srv.stop();
  }
});

test('--user with an unknown name: refused before anything is touched', { skip }, () => {
  const dataDir = path.join(tmpDir('hao-user2-'), 'data');
  const r = spawnSync(BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:38517', '--user', 'no-such-user-here'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /no such user/);
  assert.ok(!fs.existsSync(path.join(dataDir, 'hao.db')), 'no database made');
});
