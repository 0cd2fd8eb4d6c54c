// The server itself: graceful shutdown lets in-flight requests finish, one
// access-log line per request, keep-alive, and malformed or oversized HTTP
// answered without a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, addUser } from './harness.mjs';

// Send raw bytes, collect everything the server answers until it closes or
// goes quiet for a moment.
function raw(port, bytes, quietMs = 500) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    let timer;
    const done = () => { clearTimeout(timer); s.destroy(); resolve(out); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(done, quietMs); };
    s.on('connect', () => { s.write(bytes); arm(); });
    s.on('data', (d) => { out += d.toString('latin1'); arm(); });
    s.on('end', done);
    s.on('error', (e) => (out ? done() : reject(e)));
  });
}

test('SIGTERM: a request in flight still gets its answer, then the server exits 0', async () => {
  const srv = await startServer();
  addUser(srv.dataDir, 'slowpoke', 'creator', 'slowpoke-password-1');
  // A connection the server has accepted, kept alive for the request below:
  // on a new one the request could still sit unaccepted or unread when
  // SIGTERM comes, and is not in flight yet (it failed that way under load).
  await (await fetch(srv.base + '/healthz')).text();
  // Token creation hashes with argon2id on the worker pool: ~70 ms in flight,
  // so 20 ms on it is read and being answered.
  const inflight = fetch(srv.base + '/api/v1/tokens', {
    method: 'POST', body: JSON.stringify({ handle: 'slowpoke', password: 'slowpoke-password-1' }),
  });
  await new Promise((r) => setTimeout(r, 20));
  const stopped = srv.stop(); // SIGTERM; rejects unless the exit code is 0
  const res = await inflight;
  assert.equal(res.status, 201);
  assert.match((await res.json()).token, /^[0-9a-f]{64}$/);
  await stopped;
  assert.match(srv.stdout, /SIGTERM received/);
  assert.match(srv.stdout, /stopped cleanly/);
  // After shutdown nothing listens.
  await assert.rejects(fetch(srv.base + '/healthz'));
});

test('one access-log line per request, control characters escaped', async () => {
  const srv = await startServer();
  try {
    await fetch(srv.base + '/healthz');
    await fetch(srv.base + '/no-such-page-for-log');
    await fetch(srv.base + '/log%0Atest%01x');
  } finally {
    await srv.stop(); // flushes the log
  }
  const lines = srv.stdout.split('\n');
  const hit = lines.filter((l) => / GET \/no-such-page-for-log 404 \d+ [\d.]+ms$/.test(l));
  assert.equal(hit.length, 1, srv.stdout);
  assert.ok(lines.some((l) => / GET \/healthz 200 /.test(l)));
  // The path is logged as sent (h2o refuses raw control bytes in it).
  assert.ok(lines.some((l) => l.includes(' GET /log%0Atest%01x 404 ')), srv.stdout);
});

test('keep-alive, malformed and oversized requests', async () => {
  const srv = await startServer();
  try {
    // Two requests on one connection, both answered.
    const two = await raw(srv.port,
      'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal((two.match(/HTTP\/1\.1 200/g) || []).length, 2, two);

    // Garbage instead of HTTP: an error status or a closed connection, never a crash.
    const junk = await raw(srv.port, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n');
    assert.ok(junk === '' || /^HTTP\/1\.1 4\d\d/.test(junk), junk);

    // A header block past h2o's limit (about 400 KB) is refused.
    const big = await raw(srv.port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(600000)}\r\n\r\n`);
    assert.ok(big === '' || /^HTTP\/1\.1 4\d\d/.test(big), big.slice(0, 100));

    // A body on a route that takes none: 413 before anything runs.
    const body = await fetch(srv.base + '/api/v1/declarations', { method: 'GET' });
    assert.equal(body.status, 200);
    const post = await fetch(srv.base + '/api/v1/articles/x/publish', { method: 'POST', body: 'x'.repeat(9000) });
    assert.equal(post.status, 413);

    // Content-Length larger than what is sent, then the client goes away.
    await raw(srv.port, 'POST /api/v1/tokens HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n{"handle"', 200);

    // Still healthy after all of it.
    assert.equal((await fetch(srv.base + '/healthz')).status, 200);
  } finally {
    await srv.stop();
  }
});

test('hao.conf: a typo or an unusable store is refused at start with the reason', async () => {
  const { spawnSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { tmpDir, BIN, freePort } = await import('./harness.mjs');
  const cases = [
    ['colour = blue\n', /unknown setting "colour"/],
    ['database\n', /expected "key = value"/],
    ['media = ftp\n', /media must be local or s3/],
    ['database = postgresql://postgres@127.0.0.1:9/nothing\n', /cannot connect to PostgreSQL/],
    ['media = s3\ns3_bucket = hao\n', /media = s3 needs s3_endpoint/],
    ['media = s3\ns3_endpoint = http://127.0.0.1:9\ns3_bucket = hao\ns3_access_key = k\ns3_secret_key = s\n', /does not answer/],
    ['media = s3\ns3_endpoint = ftp://x\ns3_bucket = hao\ns3_access_key = k\ns3_secret_key = s\n', /http:\/\/ or https:\/\//],
  ];
  for (const [conf, why] of cases) {
    const data = path.join(tmpDir(), 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'hao.conf'), conf);
    // A random port could be in use (test servers, clients' ephemeral ports): ask for a free one.
    const port = await freePort();
    const r = spawnSync(BIN, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`], { encoding: 'utf8', timeout: 20000 });
    assert.notEqual(r.status, 0, conf);
    assert.match(r.stderr, why, conf);
    // A malformed file stops hao before it touches anything.
    if (!/s3_endpoint = /.test(conf)) assert.ok(!fs.existsSync(path.join(data, 'hao.db')), `nothing created: ${conf}`);
  }
});
