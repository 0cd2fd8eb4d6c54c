// Export and import of hao's own format (site/portability): a creator's
// works with a picture, tags, declarations, the 原创 claim, a draft and a
// comment thread go out as one archive and come back into another site the
// same; importing it twice creates nothing twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, siteSql, BIN } from './harness.mjs';
import { untar as untarList } from './ustar.mjs';

const dir = tmpDir('hao-port-');
const file = (n) => path.join(dir, n);
function hao(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function api(srv, method, p, tok, body) {
  const headers = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

// The entries of a .tar.gz (names and bytes), read here without libarchive.
const untar = (buf) => new Map(untarList(buf).map((e) => [e.name, e.data]));

let A, B, writerA, aliceA, pic, work1, work2, collA, schedAt;
before(async () => {
  execFileSync('vips', ['black', file('b.png'), '320', '200', '--bands', '3']);
  execFileSync('vips', ['linear', file('b.png'), file('pic.png'), '1', '120']);
  pic = fs.readFileSync(file('pic.png'));
  A = await startServer();
  addUser(A.dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  addUser(A.dataDir, 'alice', 'reader', 'alice-password-1', '爱丽丝');
  writerA = await apiToken(A.base, 'writer', 'writer-password-1');
  aliceA = await apiToken(A.base, 'alice', 'alice-password-1');
  const fd = new FormData();
  fd.append('file', new Blob([pic], { type: 'image/png' }), 'pic.png');
  fd.append('alt', '灰色的图');
  const m = await (await fetch(A.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${writerA}` } })).json();
  assert.ok(m.id, JSON.stringify(m));
  let r = await api(A, 'POST', '/api/v1/articles', writerA, {
    title: '往返的作品', body: `第一段,有**强调**。\n\n![灰色的图](/m/${m.id})\n\n第二段。`, tags: ['旅行', '摄影'],
    declaration: 'opinion', original: true,
  });
  assert.equal(r.status, 201, await r.clone().text());
  work1 = (await r.json()).id;
  assert.equal((await api(A, 'POST', `/api/v1/articles/${work1}/publish`, writerA)).status, 200);
  r = await api(A, 'POST', '/api/v1/articles', writerA, { title: '还没写完', body: '草稿的正文。', tags: ['草稿'] });
  work2 = (await r.json()).id;
  // The published work pinned, the draft scheduled a month ahead (to the second: the API takes RFC 3339).
  assert.equal((await api(A, 'PUT', `/api/v1/articles/${work1}/pin`, writerA)).status, 204);
  schedAt = Math.floor(Date.now() / 1000) + 30 * 86400;
  r = await api(A, 'POST', `/api/v1/articles/${work2}/publish`, writerA, { at: new Date(schedAt * 1000).toISOString().replace(/\.\d+Z$/, 'Z') });
  assert.ok(r.status < 300, await r.clone().text());
  // A profile: a bio and the picture as avatar (as /account/profile would store them).
  assert.equal(siteSql(A.dataDir, `UPDATE users SET bio = '写旅行和摄影。\n第二行。', avatar = '${m.id}' WHERE handle = 'writer'`).status, 0);
  // A collection: the draft first, a cover, a description.
  r = await api(A, 'POST', '/api/v1/collections', writerA, { title: '旅行合集', description: '两篇,一篇还是草稿。', cover: m.id, works: [work2, work1] });
  assert.equal(r.status, 201, await r.clone().text());
  collA = (await r.json()).id;
  // A thread: alice comments, the writer answers.
  r = await api(A, 'POST', `/api/v1/articles/${work1}/comments`, aliceA, { body: '写得好,图也好。' });
  assert.equal(r.status, 201, await r.clone().text());
  const root = (await r.json()).id;
  r = await api(A, 'POST', `/api/v1/articles/${work1}/comments`, writerA, { body: '谢谢你!', parent: root });
  assert.equal(r.status, 201, await r.clone().text());
});
after(async () => { await A?.stop(); await B?.stop(); });

test('export: one archive, Markdown with front matter, media by hash, comments, manifest with hashes', async () => {
  const out = file('writer.tar.gz');
  const r = hao(['export', '--author', 'writer', '--revisions', out, '--data', A.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /1 creator, 2 works, 1 media file/);
  const entries = untar(fs.readFileSync(out));
  const md = entries.get(`writer/works/${work1}.md`).toString();
  assert.match(md, /^---\nid: "[0-9a-f]{16}"\ntitle: "往返的作品"\ndeclaration: "opinion"\noriginal: true\ntags: \["旅行","摄影"\]\nstatus: "published"\n/);
  assert.match(md, /\npublished: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n/);
  assert.match(md, new RegExp(`\\ncanonical: ".*/a/${work1}"\\n---\\n第一段`));
  assert.match(entries.get(`writer/works/${work2}.md`).toString(), /status: "draft"/);
  assert.match(entries.get(`writer/works/${work2}.md`).toString(), new RegExp(`\nscheduled: "${new Date(schedAt * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}"\n`));
  assert.match(md, /\npinned: 1\n/);
  assert.doesNotMatch(md, /scheduled:/);
  assert.ok(entries.has(`writer/works/${work1}/revisions/1.md`), 'revisions when asked');
  const sha = (await import('node:crypto')).createHash('sha256').update(pic).digest('hex');
  assert.deepEqual(entries.get(`writer/media/${sha}.png`), pic, 'the original bytes, named by their hash');
  const comments = JSON.parse(entries.get(`writer/works/${work1}.comments.json`));
  assert.deepEqual(comments.map((c) => [c.author, c.body, c.parent === null]), [['alice', '写得好,图也好。', true], ['writer', '谢谢你!', false]]);
  const prof = JSON.parse(entries.get('writer/profile.json'));
  assert.equal(prof.bio, '写旅行和摄影。\n第二行。');
  assert.match(prof.avatar, /^[0-9a-z]+$/);
  const colls = JSON.parse(entries.get('writer/collections.json'));
  assert.equal(colls.length, 1);
  assert.deepEqual([colls[0].id, colls[0].title, colls[0].description, colls[0].works], [collA, '旅行合集', '两篇,一篇还是草稿。', [work2, work1]]);
  assert.match(colls[0].cover, /^[0-9a-z]+$/);
  assert.match(colls[0].created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const man = JSON.parse(entries.get('manifest.json'));
  assert.equal(man.format, 'hao-export');
  assert.deepEqual(man.creators, ['writer']);
  for (const f of man.files) {
    const b = entries.get(f.path);
    assert.ok(b, f.path);
    assert.equal(b.length, f.bytes);
    assert.equal((await import('node:crypto')).createHash('sha256').update(b).digest('hex'), f.sha256, f.path);
  }
  // An unknown creator, an existing OUT: clear errors.
  assert.match(hao(['export', '--author', 'nobody', file('x.tar.gz'), '--data', A.dataDir]).err, /no user "nobody"/);
  assert.match(hao(['export', out, '--data', A.dataDir]).err, /already exists/);
  assert.ok(!fs.existsSync(file('x.tar.gz')) && !fs.existsSync(file('x.tar.gz.partial')));
});

test('the whole site as a zip: a directory per creator', () => {
  const r = hao(['export', file('site.zip'), '--data', A.dataDir]);
  assert.equal(r.code, 0, r.err);
  const z = fs.readFileSync(file('site.zip'));
  assert.equal(z.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const names = z.toString('latin1');
  assert.ok(names.includes('writer/profile.json') && names.includes('manifest.json'));
});

test('round trip: the same works, media bytes, declarations, tags and comments; twice creates nothing twice', async () => {
  B = await startServer();
  addUser(B.dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  // Checked first: --check writes nothing.
  let r = hao(['import', file('writer.tar.gz'), '--check', '--data', B.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.equal(siteSql(B.dataDir, 'SELECT count(*) FROM works').stdout.trim(), '0');
  r = hao(['import', file('writer.tar.gz'), '--data', B.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /2 works created, 0 already here, 1 media, 2 comments/);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 2);
  const list = await (await api(B, 'GET', '/api/v1/articles?author=writer')).json();
  assert.equal(list.articles.length, 1, 'the draft stays a draft');
  const a = await (await api(A, 'GET', `/api/v1/articles/${work1}`)).json();
  const b = await (await api(B, 'GET', `/api/v1/articles/${list.articles[0].id}`)).json();
  for (const k of ['title', 'declaration', 'tags', 'original', 'published_at', 'status', 'comments_count'])
    assert.deepEqual(b[k], a[k], k);
  const mA = /\/m\/([0-9a-f]+)/.exec(a.body)[1], mB = /\/m\/([0-9a-f]+)/.exec(b.body)[1];
  assert.equal(b.body.replace(mB, mA), a.body, 'the same text, the picture re-pointed');
  const bytesA = Buffer.from(await (await fetch(`${A.base}/m/${mA}`)).arrayBuffer());
  const bytesB = Buffer.from(await (await fetch(`${B.base}/m/${mB}`)).arrayBuffer());
  assert.ok(bytesB.length > 0);
  assert.deepEqual(bytesB, bytesA, 'the same picture served');
  assert.equal(siteSql(B.dataDir, `SELECT sha256 || '|' || alt FROM media`).stdout.trim(),
    siteSql(A.dataDir, `SELECT sha256 || '|' || alt FROM media`).stdout.trim(), 'the same upload bytes and alt text');
  const draft = siteSql(B.dataDir, `SELECT title || '|' || status FROM works WHERE status = 'draft'`).stdout.trim();
  assert.equal(draft, '还没写完|draft');
  const cA = await (await api(A, 'GET', `/api/v1/articles/${work1}/comments`)).json();
  const cB = await (await api(B, 'GET', `/api/v1/articles/${b.id}/comments`)).json();
  const shape = (c) => c.comments.map((x) => [x.author, x.author_name, x.body, x.created_at, (x.replies || []).map((y) => [y.author, y.body, y.reply_to, y.created_at])]);
  assert.deepEqual(shape(cB), shape(cA), 'the same thread');
  // The collection: its order (the draft first), description, cover re-pointed, dates kept.
  assert.match(r.err, /, 1 collection\n/);
  const kA = await (await api(A, 'GET', `/api/v1/collections/${collA}`, writerA)).json();
  const listB = await (await api(B, 'GET', '/api/v1/collections?author=writer')).json();
  const collsB = listB.collections || listB;
  assert.equal(collsB.length, 1, JSON.stringify(listB));
  const writerB = await apiToken(B.base, 'writer', 'writer-password-1');
  const kB = await (await api(B, 'GET', `/api/v1/collections/${collsB[0].id}`, writerB)).json();
  for (const k of ['title', 'description', 'created_at', 'updated_at']) assert.deepEqual(kB[k], kA[k], k);
  const draftB = siteSql(B.dataDir, "SELECT id FROM works WHERE status = 'draft'").stdout.trim();
  assert.equal(siteSql(B.dataDir, 'SELECT work_id FROM collection_works ORDER BY position').stdout.trim().split('\n').join(','), `${draftB},${b.id}`);
  assert.equal(kB.cover, mB, 'the cover is the imported picture');
  // The profile filled the new account's empty bio and avatar.
  assert.match(r.err, /profile\.json: the account's empty bio or avatar filled from the export/);
  assert.equal(siteSql(B.dataDir, "SELECT bio || '|' || avatar FROM users WHERE handle = 'writer'").stdout.trim(), `写旅行和摄影。\n第二行。|${mB}`);
  // The pin and the pending schedule came along.
  assert.equal(siteSql(B.dataDir, 'SELECT work_id || \'|\' || position FROM creator_pins').stdout.trim(), `${b.id}|1`);
  assert.equal(siteSql(B.dataDir, 'SELECT work_id || \'|\' || publish_at || \'|\' || state FROM creator_schedules').stdout.trim(), `${draftB}|${schedAt}|pending`);
  // Again: nothing twice.
  r = hao(['import', file('writer.tar.gz'), '--data', B.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /0 works created, 2 already here/);
  assert.equal(r.out, '');
  assert.equal(siteSql(B.dataDir, 'SELECT count(*) FROM works').stdout.trim(), '2');
  assert.equal(siteSql(B.dataDir, 'SELECT count(*) FROM media').stdout.trim(), '1');
  assert.equal(siteSql(B.dataDir, 'SELECT count(*) FROM comments').stdout.trim(), '2');
  assert.equal(siteSql(B.dataDir, 'SELECT count(*) FROM collections').stdout.trim(), '1');
  assert.match(r.err, /, 0 collections\n/);
});
