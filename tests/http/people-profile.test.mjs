// Issue 18 item 3, self-service: a profile page to edit the display name,
// the avatar (an upload through the media pipeline, shown from its
// variant) and the bio (plain text, limited, shown on /u/HANDLE); the
// password is changed at /account/security (linked); /register is not
// offered to a signed-in user. Bad input changes nothing; a bad avatar file
// leaves no file and no row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, tmpDir, Client, siteSql } from './harness.mjs';

let srv, dataDir, dir, w;
const sql = (q) => siteSql(dataDir, q).stdout.trim();
const file = (n) => path.join(dir, n);

// Every file in the media store (local store: data/media).
function stored() {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== 'tmp') walk(p); } else out.push(p);
    }
  };
  walk(path.join(dataDir, 'media'));
  return out.sort();
}

before(async () => {
  dir = tmpDir('hao-people-profile-');
  execFileSync('vips', ['black', file('base.png'), '900', '700', '--bands', '3'], { stdio: 'pipe' });
  execFileSync('vips', ['linear', file('base.png'), file('face.png'), '1', '120'], { stdio: 'pipe' });
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1',
    '-c:v', 'libvpx', file('v.webm')], { stdio: 'pipe' });
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '王五');
  addUser(dataDir, 'reader1', 'reader', 'reader-password-1', '读者甲');
  srv = await startServer({ dataDir });
  w = new Client(srv.base);
  assert.equal((await w.login('writer', 'writer-password-1')).status, 303);
});
after(async () => { await srv?.stop(); });

function multipart(fields, fileName, bytes, type) {
  const b = '----hao' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (bytes) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`), bytes, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${b}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(parts)), type: `multipart/form-data; boundary=${b}` };
}

async function uploadAvatar(c, name, bytes, type, csrf) {
  csrf ??= await c.csrf('/account/profile');
  const m = multipart({ csrf }, name, bytes, type);
  return c.post('/account/profile/avatar', m.body, { 'content-type': m.type });
}

test('the profile page: name, bio, avatar, a link to the password page; anonymous are sent to sign in', async () => {
  const res = await w.get('/account/profile');
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<input type="text" id="p-name" name="name" maxlength="50" required autocomplete="nickname" value="王五">/);
  assert.match(html, /<textarea class="fk" id="p-bio" name="bio" rows="4" maxlength="300">/);
  assert.match(html, /<input type="file" id="p-avatar" name="file" accept="image\/[^"]*" required>/);
  assert.match(html, /href="\/account\/security"/);
  assert.equal((await fetch(`${srv.base}/account/profile`, { redirect: 'manual' })).status, 303);
  const r = new Client(srv.base);
  await r.login('reader1', 'reader-password-1');
  assert.equal((await r.get('/account/profile')).status, 200, 'readers have a profile too');
});

test('name and bio are saved and shown on the author page, escaped; bad ones change nothing', async () => {
  let csrf = await w.csrf('/account/profile');
  let res = await w.post('/account/profile', { csrf, name: '  王五五  ', bio: '写小说的。\r\n<b>不是标签</b>' });
  assert.equal(res.status, 303);
  assert.equal(sql("SELECT display_name FROM users WHERE handle = 'writer'"), '王五五');
  const page = await (await fetch(`${srv.base}/u/writer`)).text();
  assert.match(page, /<p class="profile-bio">写小说的。\n&lt;b&gt;不是标签&lt;\/b&gt;<\/p>/, 'plain text, escaped, LF kept');
  assert.match(page, /<h1 class="page-title">王五五<\/h1>/);

  for (const [fields, field, pattern] of [
    [{ name: '', bio: '' }, 'name', /昵称须为 1 到 50 个字/],
    [{ name: '名'.repeat(51), bio: '' }, 'name', /昵称须为/],
    [{ name: '两\n行', bio: '' }, 'name', /昵称须为/],
    [{ name: '王五', bio: '字'.repeat(301) }, 'bio', /简介最多 300 个字/],
  ]) {
    csrf = await w.csrf('/account/profile');
    res = await w.post('/account/profile', { csrf, ...fields });
    assert.equal(res.status, 422, JSON.stringify(fields));
    const html = await res.text();
    assert.match(html, new RegExp(`id="p-${field}-err" role="alert">`));
    assert.match(html, pattern);
    assert.equal(sql("SELECT display_name FROM users WHERE handle = 'writer'"), '王五五', 'nothing saved');
    assert.equal(sql("SELECT bio FROM users WHERE handle = 'writer'"), '写小说的。\n<b>不是标签</b>');
  }
  // Control characters are refused when the form is decoded.
  csrf = await w.csrf('/account/profile');
  res = await w.post('/account/profile', { csrf, name: '王五', bio: 'bell\u0007' });
  assert.equal(res.status, 400);
  assert.equal(sql("SELECT bio FROM users WHERE handle = 'writer'"), '写小说的。\n<b>不是标签</b>');
});

test('an avatar goes through the media pipeline and is shown from its variant', async () => {
  const res = await uploadAvatar(w, 'face.png', fs.readFileSync(file('face.png')), 'image/png');
  assert.equal(res.status, 303, await res.clone().text());
  const id = sql("SELECT avatar FROM users WHERE handle = 'writer'");
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(sql(`SELECT kind FROM media WHERE id = '${id}'`), 'image');
  const page = await (await fetch(`${srv.base}/u/writer`)).text();
  const src = page.match(/<img class="avatar" src="([^"]+)" width="72" height="72" alt="王五五的头像">/)[1];
  assert.match(src, new RegExp(`^/m/${id}/w\\d+\\.webp$`));
  const img = await fetch(srv.base + src);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/webp');
  const mine = await (await w.get('/account/profile')).text();
  assert.match(mine, /<img class="avatar" src="\/m\/[0-9a-f]+\/w\d+\.webp" width="96" height="96" alt="当前头像">/);
});

test('bad avatar files are refused with the message next to the field, and leave no file and no row', async () => {
  const before = { files: stored(), rows: sql('SELECT count(*) FROM media'), avatar: sql("SELECT avatar FROM users WHERE handle = 'writer'") };
  const cases = [
    ['notes.txt', Buffer.from('这不是图片'), 'text/plain', [415, 422]],
    ['v.webm', fs.readFileSync(file('v.webm')), 'video/webm', [415]],
    ['cut.png', fs.readFileSync(file('face.png')).subarray(0, 300), 'image/png', [422]],
  ];
  for (const [name, bytes, type, statuses] of cases) {
    const res = await uploadAvatar(w, name, bytes, type);
    assert.ok(statuses.includes(res.status), `${name}: ${res.status}`);
    const html = await res.text();
    assert.match(html, /<input type="file" id="p-avatar"[^>]* aria-invalid="true" aria-describedby="p-avatar-err">/, name);
    assert.match(html, /<span class="field-error" id="p-avatar-err" role="alert">/, name);
    assert.deepEqual(stored(), before.files, `${name}: no orphan file`);
    assert.equal(sql('SELECT count(*) FROM media'), before.rows, `${name}: no row`);
    assert.equal(sql("SELECT avatar FROM users WHERE handle = 'writer'"), before.avatar, `${name}: avatar unchanged`);
  }
  // A forged token: refused before anything is stored.
  const res = await uploadAvatar(w, 'face2.png', fs.readFileSync(file('base.png')), 'image/png', 'f'.repeat(32));
  assert.equal(res.status, 403);
  assert.deepEqual(stored(), before.files);
  // Not the user's own picture: refused by the domain rule.
  const other = new Client(srv.base);
  await other.login('reader1', 'reader-password-1');
  assert.equal(sql("SELECT avatar FROM users WHERE handle = 'reader1'"), '');
});

test('the avatar can be removed; /register is not offered to a signed-in user', async () => {
  const csrf = await w.csrf('/account/profile');
  const res = await w.post('/account/profile/avatar/remove', { csrf });
  assert.equal(res.status, 303);
  assert.equal(sql("SELECT avatar FROM users WHERE handle = 'writer'"), '');
  assert.ok(!/class="avatar"/.test(await (await fetch(`${srv.base}/u/writer`)).text()));
  const home = await (await w.get('/')).text();
  assert.ok(!/href="\/register"/.test(home), 'no register link in the header');
  const reg = await w.get('/register');
  assert.notEqual(reg.status, 200, '/register itself sends a signed-in user on');
});
