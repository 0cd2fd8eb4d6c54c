// The media helper process (src/media/helper.h): the server itself never
// maps libvips, FFmpeg, libmagic or Exempi; a child does the decoding, is
// stopped when idle and started again on the next upload; a child that dies
// on a file costs that upload only (422, nothing stored) and never the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { helperPids, storedFiles, uploadMedia } from './mediaprobe.mjs';
import { startServer, addUser, apiToken, tmpDir } from './harness.mjs';

const MEDIA_LIBS = /libvips|libavcodec|libavformat|libmagic|libexempi/;
let srv, token, dir, crashPic, hangPic;

const file = (name) => path.join(dir, name);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const helpers = (server = srv.proc.pid) => helperPids(server);
const stored = () => storedFiles(srv.dataDir);
const upload = (bytes) => uploadMedia(srv.base, token, bytes);

before(async () => {
  dir = tmpDir('hao-helper-');
  for (const [name, w] of [['a.png', 300], ['b.png', 310], ['c.png', 320], ['crash.png', 330], ['hang.png', 340]]) {
    execFileSync('vips', ['black', file(name), String(w), '200', '--bands', '3'], { stdio: 'pipe' });
  }
  crashPic = fs.readFileSync(file('crash.png'));
  hangPic = fs.readFileSync(file('hang.png'));
  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex').slice(0, 16);
  srv = await startServer({
    env: {
      HAO_MEDIA_HELPER_IDLE: '1', HAO_MEDIA_HELPER_TIMEOUT: '5',
      HAO_TEST_MEDIA_CRASH: sha(crashPic), HAO_TEST_MEDIA_HANG: sha(hangPic),
    },
  });
  addUser(srv.dataDir, 'alice', 'creator', 'alice-password-1');
  token = await apiToken(srv.base, 'alice', 'alice-password-1');
});
after(async () => { await srv?.stop(); });

test('the server maps no media library; a helper does, and is stopped when idle and started again', async () => {
  const maps = () => fs.readFileSync(`/proc/${srv.proc.pid}/maps`, 'utf8');
  assert.doesNotMatch(maps(), MEDIA_LIBS, 'no media library in the server at start');
  assert.deepEqual(helpers(), [], 'no helper before the first upload');

  let res = await upload(fs.readFileSync(file('a.png')));
  assert.equal(res.status, 201, await res.text());
  assert.doesNotMatch(maps(), MEDIA_LIBS, 'nor after an upload');
  const first = helpers();
  assert.equal(first.length, 1, 'one helper did the work');
  assert.match(fs.readFileSync(`/proc/${first[0]}/maps`, 'utf8'), /libvips/);
  assert.equal(fs.readFileSync(`/proc/${first[0]}/comm`, 'utf8').trim(), 'hao-media');

  // Idle for HAO_MEDIA_HELPER_IDLE (1 s here): stopped, and reaped (no zombie).
  // An exiting helper has no command line any more before it is reaped: wait
  // for both (under load the reaper's waitpid() may return a moment later).
  for (let i = 0; i < 100 && (helpers().length || fs.existsSync(`/proc/${first[0]}`)); i++) await sleep(100);
  assert.deepEqual(helpers(), [], 'the idle helper was stopped');
  assert.ok(!fs.existsSync(`/proc/${first[0]}`), 'and waited for');

  res = await upload(fs.readFileSync(file('b.png')));
  assert.equal(res.status, 201, 'the next upload starts a new helper');
  const second = helpers();
  assert.equal(second.length, 1);
  assert.notEqual(second[0], first[0]);
});

test('a helper that dies on a file: 422 with a reason, nothing stored, the server and later uploads go on', async () => {
  const before = stored();
  const res = await upload(crashPic);
  const j = await res.json();
  assert.equal(res.status, 422, JSON.stringify(j));
  assert.match(j.error.message, /could not be processed|无法处理/);
  assert.deepEqual(stored(), before, 'no file and no staging directory left behind');
  assert.match(srv.stderr, /helper \(pid \d+\) failed on upload/);

  const ok = await upload(fs.readFileSync(file('c.png')));
  assert.equal(ok.status, 201, 'a new helper takes the next upload');
  assert.equal((await fetch(srv.base + '/healthz')).status, 200);
});

test('a helper that hangs on a file is killed at its deadline: 422, nothing stored, no helper left', async () => {
  const before = stored();
  const res = await upload(hangPic);
  assert.equal(res.status, 422);
  assert.match((await res.json()).error.message, /could not be processed|无法处理/);
  assert.deepEqual(stored(), before);
  for (let i = 0; i < 50 && helpers().length; i++) await sleep(100); // the idle one from before goes too
  assert.deepEqual(helpers(), [], 'the hung helper was killed and waited for');
  assert.equal((await upload(fs.readFileSync(file('a.png')))).status, 200, 'the same bytes again: already stored');
});

test('a helper ignores SIGTERM (the server stops it when its uploads are done), and a stopped server leaves none', async () => {
  const own = await startServer({ dataDir: path.join(tmpDir('hao-helper2-'), 'data') });
  try {
    addUser(own.dataDir, 'bea', 'creator', 'bea-password-1');
    const tok = await apiToken(own.base, 'bea', 'bea-password-1');
    const fd = new FormData();
    fd.append('file', new Blob([fs.readFileSync(file('a.png'))]), 'a.png');
    const res = await fetch(own.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${tok}` } });
    assert.equal(res.status, 201);
    const kids = helpers(own.proc.pid);
    assert.equal(kids.length, 1);
    process.kill(kids[0], 'SIGTERM');
    await sleep(300);
    assert.ok(fs.existsSync(`/proc/${kids[0]}`), 'still there after SIGTERM');
    await own.stop();
    assert.ok(!fs.existsSync(`/proc/${kids[0]}`), 'gone (and waited for) once the server stopped');
  } finally {
    if (own.proc.exitCode === null) own.proc.kill('SIGKILL');
  }
});

test('hao media-helper refuses to run by hand', () => {
  let err;
  try { execFileSync(process.env.HAO_BIN || 'build/hao', ['media-helper'], { stdio: 'pipe' }); } catch (e) { err = e; }
  assert.ok(err, 'it exits non-zero');
  assert.equal(err.status, 2);
  assert.match(String(err.stderr), /started by hao serve/);
});
