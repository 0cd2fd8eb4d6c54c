// Behind a load balancer (hao.conf trusted_proxies): the client address that
// the access log, login throttling and rate limits use is the one the proxy
// forwards for; from any other peer X-Forwarded-For is ignored. A bad
// trusted_proxies entry stops the server at start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, tmpDir, BIN, freePort } from './harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function serverWith(conf) {
  const dataDir = path.join(tmpDir('hao-proxy-'), 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  if (conf !== null) fs.writeFileSync(path.join(dataDir, 'hao.conf'), conf);
  const s = await startServer({ dataDir, sqlite: true });
  servers.push(s);
  return s;
}

// The address the access log records for a request to path with these
// X-Forwarded-For headers (each one header line).
async function loggedPeer(srv, p, xff) {
  const headers = new Headers();
  for (const v of xff) headers.append('x-forwarded-for', v);
  assert.equal((await fetch(srv.base + p, { headers })).status, 404);
  for (let i = 0; i < 60; i++) {
    const line = srv.stdout.split('\n').find((l) => l.includes(` GET ${p} `));
    if (line) return line.split(' ')[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no access-log line for ${p}: ${srv.stdout}`);
}

test('a trusted proxy: the rightmost address it forwards for that is not a proxy itself', async () => {
  const srv = await serverWith('trusted_proxies = 127.0.0.1, ::1\n');
  assert.equal(await loggedPeer(srv, '/nope-1', ['203.0.113.7']), '203.0.113.7');
  assert.equal(await loggedPeer(srv, '/nope-2', ['198.51.100.9, 203.0.113.8']), '203.0.113.8', 'the client may claim anything left of it');
  assert.equal(await loggedPeer(srv, '/nope-3', ['203.0.113.9, 127.0.0.1']), '203.0.113.9', 'hops through trusted proxies are skipped');
  assert.equal(await loggedPeer(srv, '/nope-4', ['203.0.113.10', '127.0.0.1']), '203.0.113.10', 'several header lines read as one list');
  assert.equal(await loggedPeer(srv, '/nope-5', ['2001:DB8::1']), '2001:db8::1', 'IPv6, in canonical form');
  assert.equal(await loggedPeer(srv, '/nope-6', ['not-an-address']), '127.0.0.1', 'garbage: the proxy itself');
  assert.equal(await loggedPeer(srv, '/nope-7', []), '127.0.0.1', 'no header: the proxy itself');
});

test('any other peer: X-Forwarded-For is ignored', async () => {
  const plain = await serverWith(null);
  assert.equal(await loggedPeer(plain, '/nope-8', ['203.0.113.7']), '127.0.0.1');
  const other = await serverWith('trusted_proxies = 10.0.0.1\n');
  assert.equal(await loggedPeer(other, '/nope-9', ['203.0.113.7']), '127.0.0.1');
});

test('login throttling behind the proxy counts each forwarded client on its own', async () => {
  const srv = await serverWith('trusted_proxies = 127.0.0.1\n');
  const attempt = (ip) => fetch(srv.base + '/api/v1/tokens', {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ handle: `nobody${ip.replaceAll('.', '')}`, password: 'wrong-password-1' }),
  });
  let throttled = false;
  for (let i = 0; i < 40 && !throttled; i++) throttled = (await attempt('203.0.113.50')).status === 429;
  assert.ok(throttled, 'one address is throttled after repeated failures');
  assert.equal((await attempt('203.0.113.51')).status, 401, 'another client behind the same proxy is not');
});

test('a trusted_proxies entry that is not an address stops the server at start', async () => {
  const dataDir = path.join(tmpDir('hao-proxy-'), 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'hao.conf'), 'trusted_proxies = 127.0.0.1, lb.example\n');
  const r = spawnSync(BIN, ['serve', '--data', dataDir, '--listen', `127.0.0.1:${await freePort()}`], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /trusted_proxies: "lb.example" is not an IP address/);
  assert.ok(!fs.existsSync(path.join(dataDir, 'hao.db')), 'nothing created');
});
