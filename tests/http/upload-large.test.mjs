// One large upload as a single POST (tens of MB, far past the 4 MB at which
// h2o keeps a body in a temp file): the server parses it whole and stores it
// byte for byte, while src/http/bodymem.c drops its pages from memory as it
// arrives and as it is read. Bad inputs of that size: a client that hangs
// up half way, a broken boundary. Memory itself is measured by
// bench/media.sh, not here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir } from './harness.mjs';

let srv, alice, dir, video;

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const tmpFiles = () => fs.readdirSync(path.join(srv.dataDir, 'media', 'tmp'));

// Every stored file under DATA/media outside the staging directory.
function stored() {
  const out = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) { if (e.name !== 'tmp' || rel) walk(path.join(d, e.name), path.join(rel, e.name)); }
      else out.push(path.join(rel, e.name));
    }
  };
  walk(path.join(srv.dataDir, 'media'), '');
  return out.sort();
}

// Files the server holds open in its staging directory: h2o's unlinked
// body files and the upload job's descriptor of them.
function openStaging() {
  const fdDir = `/proc/${srv.proc.pid}/fd`;
  const out = [];
  for (const fd of fs.readdirSync(fdDir)) {
    try {
      const target = fs.readlinkSync(path.join(fdDir, fd));
      if (target.includes('/media/tmp/')) out.push(target);
    } catch { /* closed meanwhile */ }
  }
  return out;
}

// Wait (at most 5 s) until nothing is open in the staging directory: h2o
// closes its body file once the response is sent or the client is gone.
async function noneOpen() {
  for (let i = 0; i < 100 && openStaging().length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(openStaging(), [], 'no body file left open');
}

function multipart(boundary, parts, end = `\r\n--${boundary}--\r\n`) {
  const chunks = [];
  parts.forEach(([name, filename, data], i) => {
    chunks.push(Buffer.from(`${i ? '\r\n' : ''}--${boundary}\r\nContent-Disposition: form-data; name="${name}"` +
      (filename ? `; filename="${filename}"\r\nContent-Type: application/octet-stream` : '') + '\r\n\r\n'));
    chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data));
  });
  chunks.push(Buffer.from(end));
  return Buffer.concat(chunks);
}

const post = (body, boundary) => fetch(srv.base + '/api/v1/media', {
  method: 'POST', body,
  headers: { authorization: `Bearer ${alice}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
});

before(async () => {
  dir = tmpDir('hao-upload-large-');
  // About 70 MB of a real video, so the server must read all of it.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi',
    '-i', 'sine=frequency=440', '-t', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '1', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-shortest', path.join(dir, 'big.mp4')], { stdio: 'pipe' });
  video = fs.readFileSync(path.join(dir, 'big.mp4'));
  assert.ok(video.length > 48 << 20, `a large video (${video.length} bytes)`);
  srv = await startServer({ args: ['--upload-max', '128'] });
  addUser(srv.dataDir, 'alice', 'creator', 'alice-password-1');
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
});
after(async () => {
  await srv?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a large single-POST upload is read whole and stored byte for byte', async () => {
  // The description comes after the file: the parser must get through all
  // of it (windows, released pages) to find it.
  const boundary = 'hao-large-' + crypto.randomBytes(8).toString('hex');
  const body = multipart(boundary, [['file', 'big.mp4', video], ['alt', null, '整段上传 in one POST']]);
  const r = await post(body, boundary);
  const m = await r.json();
  assert.equal(r.status, 201, JSON.stringify(m));
  assert.equal(m.kind, 'video');
  assert.equal(m.bytes, video.length);
  assert.equal(m.alt, '整段上传 in one POST');
  // The upload as received, stored under its SHA-256: the very bytes sent.
  const sha = sha256(video);
  const kept = path.join(srv.dataDir, 'media', sha.slice(0, 2), sha);
  assert.ok(fs.existsSync(kept), 'stored under its hash');
  assert.equal(sha256(fs.readFileSync(kept)), sha, 'byte for byte');
  // Served (re-muxed, so other bytes): the same duration, playable.
  const served = Buffer.from(await (await fetch(srv.base + m.url)).arrayBuffer());
  assert.equal(served.subarray(4, 8).toString(), 'ftyp');
  fs.writeFileSync(path.join(dir, 'served.mp4'), served);
  const dur = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0',
    path.join(dir, 'served.mp4')]).toString());
  assert.ok(Math.abs(dur - 30) < 0.5, `duration ${dur}`);
  // Two at once, on two connections: other bytes (one changed inside the
  // media data) as one buffer, and the same bytes again streamed with
  // Transfer-Encoding: chunked (which h2o decodes in place): each is read
  // whole and right.
  const other = Buffer.from(video);
  other[Math.floor(other.length * 2 / 3)] ^= 0xff;
  const streamed = multipart(boundary, [['file', 'again.mp4', video]]);
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < streamed.length; i += 1 << 20) c.enqueue(streamed.subarray(i, i + (1 << 20)));
      c.close();
    },
  });
  const [r2, r3] = await Promise.all([
    post(multipart(boundary, [['file', 'other.mp4', other]]), boundary),
    fetch(srv.base + '/api/v1/media', {
      method: 'POST', body: stream, duplex: 'half',
      headers: { authorization: `Bearer ${alice}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    }),
  ]);
  const [m2, m3] = [await r2.json(), await r3.json()];
  assert.equal(r2.status, 201, JSON.stringify(m2));
  assert.equal(m2.bytes, other.length);
  const sha2 = sha256(other);
  assert.equal(sha256(fs.readFileSync(path.join(srv.dataDir, 'media', sha2.slice(0, 2), sha2))), sha2, 'byte for byte');
  assert.equal(r3.status, 200, `the same bytes again are recognised: ${JSON.stringify(m3)}`);
  assert.equal(m3.id, m.id);
  await noneOpen();
  assert.deepEqual(tmpFiles(), [], 'staging directory empty');
});

test('a large POST whose client hangs up half way leaves nothing behind', async () => {
  const before = stored();
  const half = video.subarray(0, 30 << 20);
  const head = `POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${alice}\r\n` +
    `Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: ${video.length + 200}\r\n\r\n` +
    '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n';
  const sawTemp = await new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => {
      s.write(head);
      s.write(half, () => setTimeout(() => {
        const held = openStaging().some((f) => /h2o\.b\./.test(f));
        s.destroy();
        resolve(held);
      }, 300));
    });
    s.on('error', reject);
  });
  assert.ok(sawTemp, 'mid-body, the server held it in an unlinked temp file');
  await noneOpen();
  assert.equal((await fetch(srv.base + '/healthz')).status, 200);
  assert.deepEqual(stored(), before);
  assert.deepEqual(tmpFiles(), []);
});

test('a large body with a broken or foreign boundary is 400 and leaves nothing behind', async () => {
  const before = stored();
  const filler = Buffer.alloc(40 << 20, 0x5a);
  // The closing delimiter is cut short at the very end.
  let r = await post(multipart('B0und', [['file', 'x.mp4', filler]], '\r\n--B0un'), 'B0und');
  let j = await r.json();
  assert.equal(r.status, 400, JSON.stringify(j));
  assert.equal(j.error.code, 'bad_request');
  // A body framed by another boundary than the header names.
  r = await post(multipart('Other', [['file', 'x.mp4', filler]]), 'B0und');
  j = await r.json();
  assert.equal(r.status, 400, JSON.stringify(j));
  // A delimiter inside the data that is not this boundary is data: the file
  // part is all of it, and (not a picture or video) refused as such.
  const tricky = Buffer.concat([filler.subarray(0, 20 << 20), Buffer.from('\r\n--B0unX\r\n'), filler.subarray(0, 20 << 20)]);
  r = await post(multipart('B0und', [['file', 'x.bin', tricky]]), 'B0und');
  j = await r.json();
  assert.equal(r.status, 415, JSON.stringify(j));
  await noneOpen();
  assert.deepEqual(stored(), before);
  assert.deepEqual(tmpFiles(), []);
});
