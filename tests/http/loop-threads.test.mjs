// Each loop thread uses only its own h2o memory (src/http/server.c,
// init_loop_h2o). h2o 2.2.5 keeps unlocked free lists per thread; a socket
// created on one thread and read on another shares that thread's list, and two
// threads popping one list at once corrupt glibc's heap. That happened: the
// loops' wake-up sockets were made on the main thread, and an hour's soak (and
// once the PostgreSQL test pass) died with SIGSEGV in malloc. The race itself
// is rare, so this test does not wait for it: tests/support/h2o_threads.c
// (LD_PRELOAD) records which thread first used each allocator and reports any
// other thread's use, racing or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startServer, tmpDir } from './harness.mjs';

const SHIM = path.resolve('build/tests/h2o-threads.so');

// One request on a connection of its own, so the kernel spreads them over
// both loops' listening sockets (SO_REUSEPORT).
function get(base, p) {
  return new Promise((resolve, reject) => {
    http.get(base + p, { agent: false, headers: { 'user-agent': 'Mozilla/5.0 (loop-threads test)' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

test('every h2o allocator stays on the thread that first used it, with two loops and the worker pool busy', async () => {
  assert.ok(fs.existsSync(SHIM), `${SHIM} is missing: make build/tests/h2o-threads.so`);
  const log = path.join(tmpDir(), 'h2o-threads.log');
  const srv = await startServer({
    args: ['--threads', '2'],
    env: {
      LD_PRELOAD: SHIM,
      HAO_H2O_THREADS_LOG: log,
      // The ASan build wants its runtime first; the library only wraps two h2o functions.
      ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:verify_asan_link_order=0',
    },
  });
  try {
    // Searches run on the worker pool and come back through each loop's
    // multithread queue: the path whose socket was made on the wrong thread.
    const paths = [];
    for (let i = 0; i < 120; i++) paths.push(i % 3 ? `/search?q=${encodeURIComponent('中文' + i)}` : `/?n=${i}`);
    for (let i = 0; i < paths.length; i += 12) {
      const codes = await Promise.all(paths.slice(i, i + 12).map((p) => get(srv.base, p)));
      for (const c of codes) assert.equal(c, 200);
    }
  } finally {
    await srv.stop();
  }
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
  const busy = lines.split('\n').filter((l) => l.startsWith('busy '));
  // The check saw real work: both loop threads (and maybe others) allocated.
  assert.ok(busy.length >= 2, `fewer than two threads used h2o's allocators:\n${lines}`);
  const cross = lines.split('\n').filter((l) => l.startsWith('cross '));
  assert.deepEqual(cross, [], `an h2o allocator was used by a second thread:\n${lines.slice(0, 4000)}`);
});
