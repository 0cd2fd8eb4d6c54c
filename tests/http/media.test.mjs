// Pictures and videos: upload (API and studio), processing, serving with
// Range, embeds in works, backup and restore, and every bad input the issue
// names. Test files are made here with the vips and ffmpeg command-line tools.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

const UPLOAD_MAX_MIB = 2;
let srv, alice, bob, dir;

function vips(...args) { execFileSync('vips', args, { stdio: 'pipe' }); }
function ffmpeg(...args) { execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'pipe' }); }
const file = (name) => path.join(dir, name);
const read = (name) => fs.readFileSync(file(name));

// Every file under DATA/media (relative paths), staging directory included.
function stored(dataDir = srv.dataDir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), path.join(rel, e.name));
      else out.push(path.join(rel, e.name));
    }
  };
  if (fs.existsSync(path.join(dataDir, 'media'))) walk(path.join(dataDir, 'media'), '');
  return out.sort();
}

async function upload(bytes, { token = alice, name = 'x.bin', type = 'application/octet-stream', alt } = {}) {
  const fd = new FormData();
  if (alt !== undefined) fd.append('alt', alt);
  fd.append('file', new Blob([bytes], { type }), name);
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  return fetch(srv.base + '/api/v1/media', { method: 'POST', body: fd, headers });
}

async function uploadOk(bytes, opts) {
  const res = await upload(bytes, opts);
  const text = await res.text();
  assert.ok(res.status === 201 || res.status === 200, `upload: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function expectRefused(bytes, status, pattern, opts) {
  const before = stored();
  const res = await upload(bytes, opts);
  const j = await res.json();
  assert.equal(res.status, status, JSON.stringify(j));
  assert.ok(j.error && j.error.message, 'an error message');
  if (pattern) assert.match(j.error.message + ' ' + j.error.code, pattern);
  assert.deepEqual(stored(), before, 'a refused upload leaves nothing in the store');
  return j;
}

function api(method, p, token, body) {
  const h = { authorization: `Bearer ${token}` };
  if (body) h['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
}

before(async () => {
  dir = tmpDir('hao-media-');
  vips('black', file('base.png'), '1200', '800', '--bands', '3');
  vips('linear', file('base.png'), file('grey.png'), '1', '90'); // not all black: encoders differ
  vips('copy', file('grey.png'), file('pic.jpg'));
  vips('copy', file('grey.png'), file('pic.webp'));
  vips('black', file('small.png'), '64', '48');
  vips('copy', file('small.png'), file('small.avif'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5', '-t', '1', file('anim.gif'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-metadata', 'title=SECRET-TITLE', '-metadata', 'location=+35.6895+139.6917/', file('v.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libvpx', file('v.webm'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'mpeg4', file('mpeg4.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file('v.mkv'));
  vips('black', file('bomb.png'), '8000', '8000'); // 64 megapixels in ~60 KB
  srv = await startServer({ args: ['--upload-max', String(UPLOAD_MAX_MIB)] });
  addUser(srv.dataDir, 'alice', 'creator', 'alice-password-1');
  addUser(srv.dataDir, 'bob', 'creator', 'bob-password-1');
  addUser(srv.dataDir, 'rita', 'reader', 'rita-password-1');
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

test('a JPEG is accepted, re-encoded without metadata, served with variants and long caching', async () => {
  const m = await uploadOk(read('pic.jpg'), { alt: '灰色的图', name: 'whatever.png', type: 'text/plain' });
  assert.match(m.id, /^[0-9a-f]{16}$/);
  assert.equal(m.url, `/m/${m.id}`);
  assert.equal(m.kind, 'image');
  assert.equal(m.mime, 'image/jpeg', 'type from content, not name or header');
  assert.equal(m.width, 1200);
  assert.equal(m.height, 800);
  assert.equal(m.bytes, read('pic.jpg').length);
  assert.equal(m.alt, '灰色的图');
  assert.equal(m.markdown, `![灰色的图](/m/${m.id})`);
  assert.deepEqual(m.variants, [`/m/${m.id}/w480.webp`, `/m/${m.id}/w480.jpg`, `/m/${m.id}/w960.webp`, `/m/${m.id}/w960.jpg`]);

  const res = await fetch(srv.base + m.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.match(res.headers.get('cache-control'), /max-age=31536000.*immutable/);
  assert.match(res.headers.get('etag'), /^"[0-9a-f]{16}-full"$/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body[0], 0xff);
  assert.equal(body[1], 0xd8);

  const v = await fetch(srv.base + `/m/${m.id}/w480.webp`);
  assert.equal(v.status, 200);
  assert.equal(v.headers.get('content-type'), 'image/webp');
  const vb = Buffer.from(await v.arrayBuffer());
  assert.equal(vb.subarray(0, 4).toString(), 'RIFF');
  // vips can tell us the variant's width
  fs.writeFileSync(file('out480.webp'), vb);
  assert.equal(execFileSync('vipsheader', ['-f', 'width', file('out480.webp')]).toString().trim(), '480');

  assert.equal((await fetch(srv.base + `/m/${m.id}/w1920.webp`)).status, 404, 'no upscaled variant');
  assert.equal((await fetch(srv.base + `/m/${m.id}/poster.jpg`)).status, 404);
  assert.equal((await fetch(srv.base + `/m/${m.id}/..%2f..%2fhao.db`)).status, 404);
  assert.equal((await fetch(srv.base + '/m/0000000000000000')).status, 404);

  // ETag revalidation
  const nm = await fetch(srv.base + m.url, { headers: { 'if-none-match': res.headers.get('etag') } });
  assert.equal(nm.status, 304);

  // The same bytes again: the same media, stored once.
  const files = stored();
  const again = await upload(read('pic.jpg'));
  assert.equal(again.status, 200);
  assert.equal((await again.json()).id, m.id);
  assert.deepEqual(stored(), files);
});

test('PNG, WebP, animated GIF and AVIF are accepted', async () => {
  const webp = await uploadOk(read('pic.webp'));
  assert.equal(webp.mime, 'image/webp');
  assert.deepEqual(webp.variants, [`/m/${webp.id}/w480.webp`, `/m/${webp.id}/w960.webp`]);
  const png = await uploadOk(read('small.png'));
  assert.equal(png.mime, 'image/png');
  assert.deepEqual(png.variants, []);
  const gif = await uploadOk(read('anim.gif'));
  assert.equal(gif.mime, 'image/gif');
  assert.equal(gif.animated, true);
  const served = Buffer.from(await (await fetch(srv.base + gif.url)).arrayBuffer());
  fs.writeFileSync(file('served.gif'), served);
  assert.equal(execFileSync('vipsheader', ['-f', 'n-pages', file('served.gif')]).toString().trim(), '5', 'animation kept');
  const avif = await uploadOk(read('small.avif'));
  assert.equal(avif.mime, 'image/webp', 'AVIF is served as WebP');
  assert.equal(avif.width, 64);
});

test('MP4 and WebM videos are probed and served with Range; other codecs are refused', async () => {
  const v = await uploadOk(read('v.mp4'), { alt: 'test pattern' });
  assert.equal(v.kind, 'video');
  assert.equal(v.mime, 'video/mp4');
  assert.equal(v.width, 320);
  assert.equal(v.height, 240);
  assert.ok(v.duration > 3.5 && v.duration < 4.5, `duration ${v.duration}`);
  assert.equal(v.codecs, 'h264,aac');
  assert.equal(v.poster, `/m/${v.id}/poster.jpg`);
  const poster = await fetch(srv.base + v.poster);
  assert.equal(poster.status, 200);
  assert.equal(poster.headers.get('content-type'), 'image/jpeg');

  const full = await fetch(srv.base + v.url);
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('accept-ranges'), 'bytes');
  assert.equal(full.headers.get('content-type'), 'video/mp4');
  const served = Buffer.from(await full.arrayBuffer());
  const size = served.length;
  // Re-muxed: the same streams, without the container's metadata, index first.
  assert.ok(read('v.mp4').includes('SECRET-TITLE'));
  assert.ok(!served.includes('SECRET-TITLE') && !served.includes('+35.6895'), 'metadata stripped');
  assert.ok(served.indexOf('moov') < served.indexOf('mdat'), 'faststart');
  fs.writeFileSync(file('served.mp4'), served);
  const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file('served.mp4')]).toString();
  assert.deepEqual(probe.trim().split('\n'), ['h264', 'aac']);

  // Several seeks, as a player does.
  for (const [a, b] of [[0, 99], [size - 1000, size - 1], [1234, 5677]]) {
    const r = await fetch(srv.base + v.url, { headers: { range: `bytes=${a}-${b}` } });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes ${a}-${b}/${size}`);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(served.subarray(a, b + 1)));
  }
  const open = await fetch(srv.base + v.url, { headers: { range: `bytes=${size - 10}-` } });
  assert.equal(open.status, 206);
  assert.equal((await open.arrayBuffer()).byteLength, 10);
  const suffix = await fetch(srv.base + v.url, { headers: { range: 'bytes=-20' } });
  assert.equal(suffix.status, 206);
  assert.equal(suffix.headers.get('content-range'), `bytes ${size - 20}-${size - 1}/${size}`);
  await suffix.arrayBuffer();
  // Past the end: 416 with the size.
  const past = await fetch(srv.base + v.url, { headers: { range: `bytes=${size}-` } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${size}`);
  // Malformed: ignored (RFC 9110 14.2), the whole file.
  for (const bad of ['bytes=abc', 'bytes=10-5', 'items=0-1', 'bytes=0-1;2-3', 'bytes=']) {
    const r = await fetch(srv.base + v.url, { headers: { range: bad } });
    assert.equal(r.status, 200, bad);
    assert.equal((await r.arrayBuffer()).byteLength, size, bad);
  }
  // Several ranges: one span covering them.
  const multi = await fetch(srv.base + v.url, { headers: { range: 'bytes=0-1,100-199' } });
  assert.equal(multi.status, 206);
  assert.equal(multi.headers.get('content-range'), `bytes 0-199/${size}`);
  await multi.arrayBuffer();
  // If-Range with another validator: the whole file.
  const ir = await fetch(srv.base + v.url, { headers: { range: 'bytes=0-1', 'if-range': '"other"' } });
  assert.equal(ir.status, 200);
  await ir.arrayBuffer();
  // HEAD
  const head = await fetch(srv.base + v.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(size));

  const webm = await uploadOk(read('v.webm'));
  assert.equal(webm.mime, 'video/webm');
  assert.equal(webm.codecs, 'vp8');

  await expectRefused(read('mpeg4.mp4'), 415, /mpeg4/);
  await expectRefused(read('v.mkv'), 415, /matroska/);
});

test('bad pictures are refused with a reason and leave nothing behind', async () => {
  const jpg = read('pic.jpg');
  // Truncated: a full decode fails.
  await expectRefused(jpg.subarray(0, Math.floor(jpg.length / 2)), 422, /truncated|damaged|截断/);
  const png = fs.readFileSync(file('grey.png'));
  await expectRefused(png.subarray(0, Math.floor(png.length * 0.6)), 422);
  // A script named .jpg and sent as image/jpeg.
  await expectRefused(Buffer.from('#!/bin/sh\necho pwned\n'), 415, /text\/x-shellscript|text\/plain/, { name: 'cat.jpg', type: 'image/jpeg' });
  await expectRefused(Buffer.from('<html><script>alert(1)</script></html>'), 415, /text\/html/, { name: 'x.jpg', type: 'image/jpeg' });
  // SVG with script.
  await expectRefused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, /SVG/, { name: 'a.svg', type: 'image/svg+xml' });
  // Decompression bomb: 64 megapixels declared in a small PNG.
  assert.ok(read('bomb.png').length < 200000);
  await expectRefused(read('bomb.png'), 422, /pixel|像素/);
  // Zero bytes.
  await expectRefused(Buffer.alloc(0), 422, /empty|空/);
});

test('a JPEG with HTML appended is served as a plain JPEG', async () => {
  const poly = Buffer.concat([read('pic.jpg'), Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
  const m = await uploadOk(poly);
  assert.equal(m.mime, 'image/jpeg');
  const served = Buffer.from(await (await fetch(srv.base + m.url)).arrayBuffer());
  assert.ok(!served.includes('<script'), 'the appended HTML is gone');
  assert.equal(served.readUInt16BE(served.length - 2), 0xffd9, 'ends at the JPEG end marker');
});

// A JPEG with an XMP packet carrying a GB 45438-2025 AIGC label, an EXIF
// block and a C2PA JUMBF box spliced in after SOI.
function labelled(jpg) {
  const seg = (marker, payload) => {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(marker, 0);
    h.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([h, payload]);
  };
  const xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ' +
    'xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>{&quot;Label&quot;:&quot;1&quot;,' +
    '&quot;ContentProducer&quot;:&quot;001191110108MA01KP2T5U00000&quot;,&quot;ProduceID&quot;:&quot;abc&quot;}' +
    '</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
  const app1xmp = seg(0xffe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), Buffer.from(xmp)]));
  // EXIF: little-endian TIFF with one IFD entry, ImageDescription "GPS secret".
  const tiff = Buffer.alloc(8 + 2 + 12 + 4 + 12);
  tiff.write('II', 0); tiff.writeUInt16LE(42, 2); tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x010e, 10); tiff.writeUInt16LE(2, 12); tiff.writeUInt32LE(11, 14); tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22);
  tiff.write('GPS secret\0', 26);
  const app1exif = seg(0xffe1, Buffer.concat([Buffer.from('Exif\0\0'), tiff]));
  const jumbf = Buffer.concat([Buffer.from('JP'), Buffer.from([0, 0, 0, 1]), Buffer.from([0, 0, 0, 40]),
    Buffer.from('jumb'), Buffer.from([0, 0, 0, 32]), Buffer.from('jumd'), Buffer.alloc(16), Buffer.from([3]),
    Buffer.from('c2pa\0')]);
  const app11 = seg(0xffeb, jumbf);
  return Buffer.concat([jpg.subarray(0, 2), app1exif, app1xmp, app11, jpg.subarray(2)]);
}

test('orientation is applied: an EXIF-rotated photo is served upright', async () => {
  const jpg = read('pic.jpg'); // 1200x800
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('II', 0); tiff.writeUInt16LE(42, 2); tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x0112, 10); tiff.writeUInt16LE(3, 12); tiff.writeUInt32LE(1, 14); tiff.writeUInt16LE(6, 18); // rotate 90 CW
  tiff.writeUInt32LE(0, 22);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.alloc(2), Buffer.from('Exif\0\0'), tiff]);
  app1.writeUInt16BE(app1.length - 2, 2);
  const m = await uploadOk(Buffer.concat([jpg.subarray(0, 2), app1, jpg.subarray(2)]));
  assert.equal(m.width, 800);
  assert.equal(m.height, 1200);
  const served = Buffer.from(await (await fetch(srv.base + m.url)).arrayBuffer());
  fs.writeFileSync(file('upright.jpg'), served);
  assert.equal(execFileSync('vipsheader', ['-f', 'width', file('upright.jpg')]).toString().trim(), '800');
  assert.ok(!served.includes('Exif'), 'no orientation tag left to rotate it twice');
});

test('AI-generation labels are recorded and travel on with the picture; personal metadata is stripped', async () => {
  const m = await uploadOk(labelled(read('pic.jpg')));
  assert.deepEqual(m.aigc, { Label: '1', ContentProducer: '001191110108MA01KP2T5U00000', ProduceID: 'abc' });
  assert.equal(m.c2pa, true);
  for (const u of [m.url, `/m/${m.id}/w480.jpg`, `/m/${m.id}/w960.webp`]) {
    const served = Buffer.from(await (await fetch(srv.base + u)).arrayBuffer());
    // The implicit label stays, with this platform's propagation fields (GB 45438-2025).
    const xmp = served.toString('latin1');
    assert.ok(xmp.includes('http://www.tc260.org.cn/ns/AIGC/1.0/'), `${u}: the AIGC label is kept`);
    assert.ok(/ContentProducer&quot;:&quot;001191110108MA01KP2T5U00000|ContentProducer":"001191110108MA01KP2T5U00000/.test(xmp), `${u}: as found`);
    assert.ok(/ContentPropagator/.test(xmp) && /PropagateID/.test(xmp), `${u}: with the propagation fields`);
    assert.ok(!served.includes('GPS secret'), `${u}: no EXIF`);
    assert.ok(!served.includes('c2pa'), `${u}: no JUMBF`);
    assert.ok(!served.includes('ProduceID&quot;:&quot;abc&quot;}</TC260') && !served.includes('W5M0MpCehiHzreSzNTczkc9d'), `${u}: not the uploaded packet`);
  }
  const plain = await uploadOk(read('small.png'));
  assert.equal(plain.aigc, null);
  assert.equal(plain.c2pa, false);
});

test('a work that embeds an AI-labelled picture is labelled AI-generated, though not declared', async () => {
  const m = await uploadOk(labelled(read('pic.jpg')));
  const plain = await uploadOk(read('small.png'));
  const mk = async (body) => {
    const w = await (await api('POST', '/api/v1/articles', alice, { title: '带图的作品', body })).json();
    assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, alice)).status, 200);
    return (await (await api('GET', `/api/v1/articles/${w.id}`, alice)).json());
  };
  const labelledWork = await mk(`看图:\n\n![图](/m/${m.id})`);
  assert.equal(labelledWork.declaration, 'none');
  assert.equal(labelledWork.provenance.ai_label, 'detected', 'the picture\'s AIGC Label 1 labels the work');
  assert.match(siteSql(srv.dataDir, `SELECT detail FROM audit_log WHERE action = 'work.ai_label' AND subject = 'work:${labelledWork.id}'`).stdout,
    /detected \(was none\)/, 'and the audit log says so');
  const page = await (await fetch(`${srv.base}/a/${labelledWork.id}`)).text();
  assert.match(page, /<span class="media-labelled"><span class="ai-badge">AI生成 · AI-generated<\/span><picture>/,
    'the explicit label on the picture itself');
  const plainWork = await mk(`![图](/m/${plain.id})`);
  assert.equal(plainWork.provenance.ai_label, 'none');
  assert.match(plainWork.html, new RegExp(`<img src="/m/${plain.id}"[^>]* width="\\d+" height="\\d+"`), 'the API\'s html resolves embeds too');
  assert.doesNotMatch(await (await fetch(`${srv.base}/a/${plainWork.id}`)).text(), /ai-badge/);
  // Editing the picture out removes the label.
  assert.equal((await api('PUT', `/api/v1/articles/${labelledWork.id}`, alice, { body: '没有图了。' })).status, 200);
  const after = await (await api('GET', `/api/v1/articles/${labelledWork.id}`, alice)).json();
  assert.equal(after.provenance.ai_label, 'none');
});

test('a video\'s AIGC label (container metadata) is recorded and labels the work', async () => {
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-movflags', 'use_metadata_tags', '-metadata', 'AIGC={"Label":"1","ContentProducer":"maker"}', file('aigc.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libvpx', '-metadata', 'AIGC={"Label":"3"}',
    file('aigc.webm'));
  const mp4 = await uploadOk(read('aigc.mp4'));
  assert.deepEqual(mp4.aigc, { Label: '1', ContentProducer: 'maker' });
  const webm = await uploadOk(read('aigc.webm'));
  assert.deepEqual(webm.aigc, { Label: '3' });
  // The served files keep the label, with this platform's propagation fields, and nothing else.
  for (const [m, ext] of [[mp4, 'mp4'], [webm, 'webm']]) {
    fs.writeFileSync(file(`served.${ext}`), Buffer.from(await (await fetch(srv.base + m.url)).arrayBuffer()));
    const tags = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file(`served.${ext}`)]).toString();
    const label = JSON.parse(JSON.parse(tags).format.tags.AIGC || JSON.parse(tags).format.tags.aigc);
    assert.equal(label.Label, m === mp4 ? '1' : '3');
    assert.ok(label.ContentPropagator && label.PropagateID.includes(':'), tags);
  }
  const w = await (await api('POST', '/api/v1/articles', alice, { title: '视频作品', body: `![视频](/m/${webm.id})` })).json();
  assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, alice)).status, 200);
  const got = await (await api('GET', `/api/v1/articles/${w.id}`, alice)).json();
  assert.equal(got.provenance.ai_label, 'possible', 'Label 3 (suspected) is "possible"');
});

test('malformed requests: broken boundary, no file field, not multipart, no auth, readers', async () => {
  const before = stored();
  const bad = (body, ct) => fetch(srv.base + '/api/v1/media', {
    method: 'POST', body, headers: { authorization: `Bearer ${alice}`, 'content-type': ct },
  });
  const jpg = read('small.png');
  const part = (b) => Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`), jpg]);
  let r = await bad(Buffer.concat([part('XYZ'), Buffer.from('\r\n--XYZ--\r\n')]), 'multipart/form-data; boundary=ABC');
  assert.equal(r.status, 400, 'boundary in the header does not match the body');
  r = await bad(Buffer.concat([part('XYZ'), Buffer.from('\r\n--XY')]), 'multipart/form-data; boundary=XYZ');
  assert.equal(r.status, 400, 'body ends inside the closing boundary');
  r = await bad(part('XYZ'), 'multipart/form-data; boundary=XYZ');
  assert.equal(r.status, 400, 'no closing boundary');
  r = await bad(Buffer.from('--XYZ\r\nContent-Disposition: form-data; name="other"\r\n\r\nhi\r\n--XYZ--\r\n'), 'multipart/form-data; boundary=XYZ');
  assert.equal(r.status, 400, 'no file field');
  assert.match((await r.json()).error.message, /file/);
  r = await bad(Buffer.from('--XYZ\r\nno-colon-here\r\n\r\nhi\r\n--XYZ--\r\n'), 'multipart/form-data; boundary=XYZ');
  assert.equal(r.status, 400, 'broken part headers');
  r = await bad(jpg, 'multipart/form-data');
  assert.equal(r.status, 400, 'no boundary parameter');
  r = await bad(jpg, 'image/png');
  assert.equal(r.status, 415);
  r = await upload(jpg, { token: null });
  assert.equal(r.status, 401);
  const rita = await apiToken(srv.base, 'rita', 'rita-password-1');
  r = await upload(jpg, { token: rita });
  assert.equal(r.status, 403);
  const longAlt = await upload(jpg, { alt: 'x'.repeat(501) });
  assert.equal(longAlt.status, 422);
  assert.deepEqual(stored(), before);
});

test('an upload over the limit is 413 and leaves no byte on disk', async () => {
  const before = stored();
  const big = Buffer.alloc(UPLOAD_MAX_MIB * 1024 * 1024 + 4096, 1);
  const r = await upload(big);
  assert.equal(r.status, 413);
  assert.equal((await r.json()).error.code, 'too_large');
  // Far over: h2o refuses it before reading it (the connection may be cut).
  try {
    const far = await upload(Buffer.alloc(UPLOAD_MAX_MIB * 3 * 1024 * 1024, 1));
    assert.equal(far.status, 413);
  } catch (e) { /* reset while sending: also a refusal */ }
  assert.deepEqual(stored(), before);
  assert.deepEqual(fs.readdirSync(path.join(srv.dataDir, 'media', 'tmp')), []);
});

test('an upload that disconnects half way leaves nothing behind', async () => {
  const before = stored();
  const head = `POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${alice}\r\n` +
    `Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 1500000\r\n\r\n`;
  await new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => {
      s.write(head);
      s.write('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n');
      s.write(read('pic.jpg'));
      s.write(Buffer.alloc(500000, 7), () => setTimeout(() => { s.destroy(); resolve(); }, 100));
    });
    s.on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await fetch(srv.base + '/healthz')).status, 200);
  assert.deepEqual(stored(), before);
});

test('the quota is per creator', async () => {
  const set = (v) => assert.equal(siteSql(srv.dataDir,
    v === null ? "DELETE FROM settings WHERE key='media_quota_bytes'"
      : `INSERT INTO settings(key, value) VALUES ('media_quota_bytes', '${v}') ON CONFLICT(key) DO UPDATE SET value = excluded.value`).status, 0);
  set(1000);
  try {
    const r = await upload(read('small.png'));
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error.code, 'quota');
  } finally { set(null); }
  await uploadOk(read('small.png'), { token: bob });
});

test('the studio uploads with the session and a CSRF header', async () => {
  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  const html = await (await c.get('/studio/new')).text();
  const csrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  assert.match(html, /id="media-file"/);
  assert.match(html, /\/m\/VIDEO_ID|\/m\/视频编号/, 'the editor help documents the video embed');
  const fd = new FormData();
  fd.append('alt', 'from the studio');
  fd.append('file', new Blob([read('small.png')]), 'p.png');
  const post = (headers) => fetch(srv.base + '/studio/media', {
    method: 'POST', body: fd, headers: { cookie: c.cookieHeader(), origin: srv.base, ...headers },
  });
  assert.equal((await post({})).status, 403, 'no CSRF token');
  assert.equal((await post({ 'x-csrf-token': 'f'.repeat(32) })).status, 403, 'wrong CSRF token');
  const ok = await post({ 'x-csrf-token': csrf });
  assert.ok(ok.status === 201 || ok.status === 200);
  assert.match((await ok.json()).url, /^\/m\/[0-9a-f]{16}$/);
  const bad = await post({ 'x-csrf-token': csrf, 'content-type': 'multipart/form-data; boundary=nope' });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('content-type'), 'application/json; charset=utf-8', 'the script reads JSON errors');
});

test('chunked uploads: create, append at the reported offset, finish', async () => {
  const before = stored();
  const call = (p, body, token = bob, type = 'application/octet-stream') => fetch(srv.base + p, {
    method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': type },
  });
  const video = read('v.mp4');
  let r = await call('/api/v1/media/uploads');
  assert.equal(r.status, 201);
  const u = await r.json();
  assert.match(u.id, /^[0-9a-f]{16}$/);
  assert.equal(u.offset, 0);
  assert.equal(u.chunk_max, 8 * 1024 * 1024);
  const half = Math.floor(video.length / 2);
  r = await call(`/api/v1/media/uploads/${u.id}?offset=0`, video.subarray(0, half));
  assert.equal(r.status, 200);
  assert.equal((await r.json()).offset, half);
  // A repeated or skipped chunk: 409 with where to continue.
  r = await call(`/api/v1/media/uploads/${u.id}?offset=0`, video.subarray(0, half));
  assert.equal(r.status, 409);
  assert.equal((await r.json()).error.offset, half);
  r = await call(`/api/v1/media/uploads/${u.id}?offset=${half + 10}`, video.subarray(half));
  assert.equal(r.status, 409);
  await r.arrayBuffer();
  for (const bad of ['', '?offset=-1', '?offset=x', `?offset=${half}&x`]) {
    r = await call(`/api/v1/media/uploads/${u.id}${bad}`, video.subarray(half));
    assert.equal(r.status, bad.endsWith('&x') ? 200 : 400, bad);
    await r.arrayBuffer();
    if (r.status === 200) break;
  }
  // Someone else (alice) cannot touch bob's upload.
  r = await call(`/api/v1/media/uploads/${u.id}?offset=${video.length}`, Buffer.from('x'), alice);
  assert.equal(r.status, 404);
  r = await call(`/api/v1/media/uploads/${u.id}/finish`, '', alice, 'application/json');
  assert.equal(r.status, 404);
  // A bad description changes nothing; a good one finishes.
  r = await call(`/api/v1/media/uploads/${u.id}/finish`, JSON.stringify({ alt: 7 }), bob, 'application/json');
  assert.equal(r.status, 422);
  r = await call(`/api/v1/media/uploads/${u.id}/finish`, JSON.stringify({ alt: '分块上传' }), bob, 'application/json');
  assert.ok(r.status === 201 || r.status === 200, String(r.status));
  const m = await r.json();
  assert.equal(m.kind, 'video');
  assert.equal(m.alt, '分块上传');
  assert.equal(m.bytes, video.length);
  const got = Buffer.from(await (await fetch(srv.base + m.url)).arrayBuffer());
  assert.ok(got.length > video.length / 2 && got.subarray(4, 8).toString() === 'ftyp', 'served (re-muxed)');
  r = await call(`/api/v1/media/uploads/${u.id}/finish`, '', bob, 'application/json');
  assert.equal(r.status, 404, 'finished uploads are gone');
  r = await call('/api/v1/media/uploads/zzzz/finish', '', bob, 'application/json');
  assert.equal(r.status, 404);

  // Past the upload limit: 413, and the upload keeps what it had.
  r = await call('/api/v1/media/uploads');
  const big = await r.json();
  const mib = Buffer.alloc(1024 * 1024, 3);
  let off = 0;
  for (let i = 0; i < UPLOAD_MAX_MIB; i++) {
    r = await call(`/api/v1/media/uploads/${big.id}?offset=${off}`, mib);
    assert.equal(r.status, 200);
    off = (await r.json()).offset;
  }
  r = await call(`/api/v1/media/uploads/${big.id}?offset=${off}`, Buffer.from('one byte too many'));
  assert.equal(r.status, 413);
  await r.arrayBuffer();
  // Junk finishes as a refusal and leaves nothing behind.
  r = await call(`/api/v1/media/uploads/${big.id}/finish`, '', bob, 'application/json');
  assert.equal(r.status, 415);
  await r.arrayBuffer();
  const after = stored().filter((f) => !before.includes(f));
  assert.ok(after.every((f) => !f.startsWith('tmp')), `staging empty: ${after}`);

  // Unfinished uploads are bounded per creator.
  const ids = [];
  for (let i = 0; i < 4; i++) {
    r = await call('/api/v1/media/uploads');
    assert.equal(r.status, 201);
    ids.push((await r.json()).id);
  }
  r = await call('/api/v1/media/uploads');
  assert.equal(r.status, 429);
  assert.equal((await r.json()).error.code, 'too_many_uploads');
  r = await call('/api/v1/media/uploads', undefined, alice);
  assert.equal(r.status, 201, 'another creator is not affected');
  await r.arrayBuffer();
});

let shared; // a work with a picture and a video, for the backup test

test('works embed media responsively; unknown embeds render nothing and the studio warns', async () => {
  const pic = await uploadOk(read('pic.jpg'));
  const vid = await uploadOk(read('v.mp4'));
  const body = `一张图:\n\n![灰色 "的" 图](/m/${pic.id})\n\n![视频](/m/${vid.id})\n\n![丢失](/m/ffffffffffffffff)\n\n![]()\n\n结束。`;
  let r = await api('POST', '/api/v1/articles', alice, { title: '有图有视频', body, declaration: 'none' });
  assert.equal(r.status, 201);
  const w = await r.json();
  assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, alice)).status, 200);
  const page = await (await fetch(`${srv.base}/a/${w.id}`)).text();
  assert.match(page, new RegExp(`<picture><source type="image/webp" srcset="/m/${pic.id}/w480.webp 480w, /m/${pic.id}/w960.webp 960w" sizes="[^"]+">`));
  assert.match(page, new RegExp(`<img src="/m/${pic.id}" srcset="/m/${pic.id}/w480.jpg 480w, /m/${pic.id}/w960.jpg 960w, /m/${pic.id} 1200w" sizes="[^"]+" width="1200" height="800" alt="灰色 &quot;的&quot; 图" loading="lazy" decoding="async"></picture>`));
  assert.match(page, new RegExp(`<video controls preload="metadata" src="/m/${vid.id}" width="320" height="240" poster="/m/${vid.id}/poster.jpg" aria-label="视频"></video>`));
  const article = page.slice(page.indexOf('<div class="body">'), page.indexOf('</div>', page.indexOf('<div class="body">')));
  assert.ok(!article.includes('ffffffffffffffff'), 'an unknown id renders nothing');
  assert.ok(!article.includes('丢失'));
  assert.ok(!article.includes('<img src=""'));

  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  const csrf = await c.csrf(`/studio/${w.id}`);
  const prev = await (await c.post('/studio/preview', { csrf, body })).text();
  assert.match(prev, /preview-warning[^<]*(do not exist|不存在)[^<]*\(1\)/);
  assert.match(prev, new RegExp(`<img src="/m/${pic.id}"`));

  // A second work uses the same picture; deleting the first keeps it.
  r = await api('POST', '/api/v1/articles', alice, { title: '第二篇', body: `![再用一次](/m/${pic.id})`, declaration: 'none' });
  const w2 = await r.json();
  await api('POST', `/api/v1/articles/${w2.id}/publish`, alice);
  assert.equal((await api('DELETE', `/api/v1/articles/${w.id}`, alice)).status, 204);
  assert.equal((await fetch(`${srv.base}/a/${w.id}`)).status, 404);
  assert.equal((await fetch(srv.base + pic.url)).status, 200);
  assert.match(await (await fetch(`${srv.base}/a/${w2.id}`)).text(), new RegExp(`<img src="/m/${pic.id}"`));
  shared = { work: w2.id, pic, vid };
});

// hao backup snapshots SQLite; a PostgreSQL site is backed up with pg_dump.
test('hao backup includes the media; serving the backup restores everything, and a start sweeps orphans', { skip: !!process.env.HAO_TEST_PG && 'SQLite only' }, async () => {
  assert.ok(shared, 'runs after the works test');
  const out = path.join(tmpDir('hao-media-backup-'), 'snap');
  const b = spawnSync(BIN, ['backup', out, '--data', srv.dataDir], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  const want = stored().filter((f) => !f.startsWith('tmp'));
  assert.deepEqual(stored(out).filter((f) => !f.startsWith('tmp')), want);
  // Crash leftovers in the copy: a stored file no row names, a staged upload.
  const orphan = path.join(out, 'media', 'ab', 'ab' + '0'.repeat(62) + '.full.jpg');
  fs.mkdirSync(path.dirname(orphan), { recursive: true });
  fs.writeFileSync(orphan, 'x');
  fs.mkdirSync(path.join(out, 'media', 'tmp'), { recursive: true });
  fs.writeFileSync(path.join(out, 'media', 'tmp', 'u.half'), 'half');
  const restored = await startServer({ dataDir: out });
  try {
    assert.ok(!fs.existsSync(orphan), 'orphan removed at start');
    assert.deepEqual(fs.readdirSync(path.join(out, 'media', 'tmp')), []);
    const page = await (await fetch(`${restored.base}/a/${shared.work}`)).text();
    assert.match(page, new RegExp(`<img src="/m/${shared.pic.id}"[^>]* width="1200" height="800"`));
    for (const u of [shared.pic.url, `/m/${shared.pic.id}/w480.webp`, shared.vid.url, shared.vid.poster]) {
      const a = Buffer.from(await (await fetch(srv.base + u)).arrayBuffer());
      const c = Buffer.from(await (await fetch(restored.base + u)).arrayBuffer());
      assert.ok(a.length > 0 && a.equals(c), `${u} restored`);
    }
  } finally { await restored.stop(); }
  // hao check sees a lost file.
  let c = spawnSync(BIN, ['check', '--data', out], { encoding: 'utf8' });
  assert.equal(c.status, 0, c.stderr);
  const victim = stored(out).find((f) => f.endsWith('.w480.webp'));
  fs.unlinkSync(path.join(out, 'media', victim));
  c = spawnSync(BIN, ['check', '--data', out], { encoding: 'utf8' });
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, new RegExp(`file ${path.basename(victim).replace(/\./g, '\\.')} is missing`));
});
