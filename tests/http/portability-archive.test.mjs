// Hostile and damaged archives given to `hao import`: each is refused with a
// clear message naming the entry, and the site is left as it was (no work,
// no media row, no file in the media store).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { addUser, tmpDir, siteSql, BIN } from './harness.mjs';
import { tar, untar } from './ustar.mjs';

const dir = tmpDir('hao-arc-');
const SEED = [process.env.HAO_SEED, '../shared/seed/000_a4f41c7b09327d3d.txt', '../../shared/seed/000_a4f41c7b09327d3d.txt']
  .find((p) => p && fs.existsSync(p));
function hao(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Entries with a manifest that lists them (so only what a case breaks is wrong).
function withManifest(entries, extra = {}) {
  const files = entries.map((e) => ({ path: e.name, bytes: e.data.length, sha256: crypto.createHash('sha256').update(e.data).digest('hex') }));
  const man = { format: 'hao-export', version: 1, scope: 'creator', creators: ['writer'], files, ...extra };
  return [...entries, { name: 'manifest.json', data: Buffer.from(JSON.stringify(man)) }];
}

let good; // the entries of a real export of one work
before(() => {
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'writer', 'creator', 'writer-password-1');
  assert.equal(hao(['import', SEED, '--author', 'writer', '--data', data]).code, 0);
  const out = path.join(dir, 'good.tar.gz');
  const r = hao(['export', '--author', 'writer', out, '--data', data]);
  assert.equal(r.code, 0, r.err);
  good = untar(fs.readFileSync(out)).filter((e) => e.name !== 'manifest.json');
});

function site() {
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'writer', 'creator', 'writer-password-1');
  return data;
}
function mediaFiles(data) {
  const out = [];
  const walk = (d) => { for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) e.isDirectory() ? walk(path.join(d, e.name)) : out.push(e.name); };
  walk(path.join(data, 'media'));
  return out;
}
function refused(name, bytes, re) {
  const data = site();
  const f = path.join(dir, name);
  fs.writeFileSync(f, bytes);
  const r = hao(['import', f, '--data', data]);
  assert.equal(r.code, 1, `${name}: ${r.err}`);
  assert.match(r.err, re, name);
  assert.match(r.err, /nothing was imported/, name);
  assert.equal(siteSql(data, 'SELECT count(*) FROM works').stdout.trim(), '0', name);
  assert.equal(siteSql(data, 'SELECT count(*) FROM media').stdout.trim(), '0', name);
  assert.equal(siteSql(data, 'SELECT count(*) FROM collections').stdout.trim(), '0', name);
  assert.deepEqual(mediaFiles(data), [], `${name}: no file left in the media store`);
}
const gz = (b) => zlib.gzipSync(b);

test('the good archive imports (the cases below differ from it in one thing each)', () => {
  const data = site();
  const f = path.join(dir, 'rebuilt.tar.gz');
  fs.writeFileSync(f, gz(tar(withManifest(good))));
  const r = hao(['import', f, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /1 work created/);
});

test('path traversal, absolute paths, links, duplicates: refused by name', () => {
  refused('dotdot.tar.gz', gz(tar(withManifest([...good, { name: 'writer/../../evil.md', data: Buffer.from('x') }]))), /entry "writer\/\.\.\/\.\.\/evil\.md" has an unsafe name/);
  refused('abs.tar.gz', gz(tar(withManifest([...good, { name: '/etc/cron.d/evil', data: Buffer.from('x') }]))), /entry "\/etc\/cron\.d\/evil" has an unsafe name/);
  refused('symlink.tar.gz', gz(tar([...withManifest(good), { name: 'writer/works/link.md', type: '2', link: '/etc/passwd' }])), /entry "writer\/works\/link\.md" is a link/);
  refused('hardlink.tar.gz', gz(tar([...withManifest(good), { name: 'writer/works/hard.md', type: '1', link: 'manifest.json' }])), /is a link/);
  refused('dup.tar.gz', gz(tar(withManifest([...good, good[good.length - 1]]))), /appears twice/);
});

test('a zip bomb, a 10 GB entry, too many entries: refused before they are read whole', () => {
  refused('bomb.tar.gz', gz(tar(withManifest([...good, { name: 'writer/media/zeros.bin', data: Buffer.alloc(40 << 20) }]))), /expands more than 100 times its size/);
  const pax = (kv) => { let s = ` ${kv}\n`; let n = s.length; n += String(n + String(n).length).length; s = `${n}${s}`; return Buffer.from(s); };
  const huge = tar([...withManifest(good), { name: 'PaxHeader/big', type: 'x', data: pax(`size=${10 * 1024 ** 3}`) }, { name: 'writer/media/big.bin', size: 0 }], { end: false });
  refused('huge.tar.gz', gz(huge), /entry "writer\/media\/big\.bin" is 10737418240 bytes, more than the limit/);
  const many = [];
  for (let i = 0; i < 200001; i++) many.push({ name: `writer/x/${i}`, data: Buffer.alloc(0) });
  refused('many.tar.gz', gz(tar(many)), /more than 200000 entries/);
});

test('truncated, damaged, unlisted, foreign, an undecodable picture: refused', () => {
  const whole = gz(tar(withManifest(good)));
  refused('cut.tar.gz', whole.subarray(0, Math.floor(whole.length / 2)), /truncated or corrupt/);
  const changed = withManifest(good).map((e) => (e.name.endsWith('.md') ? { ...e, data: Buffer.concat([e.data, Buffer.from('!')]) } : e));
  refused('damaged.tar.gz', gz(tar(changed)), /works\/[0-9a-f]{16}\.md does not match its size or SHA-256 in manifest\.json/);
  refused('unlisted.tar.gz', gz(tar([...withManifest(good), { name: 'writer/extra.txt', data: Buffer.from('x') }])), /writer\/extra\.txt is not listed in manifest\.json/);
  refused('foreign.tar.gz', gz(tar(good)), /no hao manifest\.json/);
  refused('notarchive.tar.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage that is not gzip at all')]), /truncated or corrupt|not an archive/);
  // A front matter error is reported by file and line.
  const badfm = withManifest(good.map((e) => (e.name.endsWith('.md') ? { ...e, data: Buffer.from(e.data.toString().replace(/^status: .*$/m, 'status: "gone"').replace(/^created: .*$/m, 'created: yesterday')) } : e)));
  refused('frontmatter.tar.gz', gz(tar(badfm)), /\.md:7: status "gone" is neither draft nor published[\s\S]*\.md:\d+: the value of created is not JSON/);
  // A "picture" that is not one: its derived files are removed, nothing written.
  const md = good.find((e) => e.name.endsWith('.md') && !e.name.includes('/revisions/'));
  const pic = good.map((e) => (e === md ? { ...e, data: Buffer.from(e.data.toString() + '\n\n![x](/m/abcdef0123456789)\n') }
    : e.name === 'writer/media.json' ? { ...e, data: Buffer.from(JSON.stringify([{ id: 'abcdef0123456789', file: 'media/x.png', alt: 'x' }])) } : e));
  pic.push({ name: 'writer/media/x.png', data: Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(200, 7)]) });
  refused('badpicture.tar.gz', gz(tar(withManifest(pic))), /writer\/media\/x\.png: \/m\/abcdef0123456789 cannot be imported/);
});

test('a media id a body cannot name as (/m/ID) is refused, not imported under a cut or broken key', () => {
  // The importer finds a picture in a body by the run after "(" up to ")" or
  // a space; hao's own ids are 16 of [a-z0-9]. A space, a parenthesis, a
  // control or an id longer than 40 bytes (which was cut to fit) is refused.
  const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 1)]);
  for (const [name, id] of [['space', 'ab cd'], ['paren', 'ab)cd'], ['slash', 'a/b'], ['long', 'a'.repeat(41)], ['empty', ''], ['control', 'ab\u0001cd']]) {
    const entries = good.map((e) => (e.name === 'writer/media.json' ? { ...e, data: Buffer.from(JSON.stringify([{ id, file: 'media/x.png', alt: 'x' }])) } : e));
    entries.push({ name: 'writer/media/x.png', data: png });
    refused(`mediaid-${name}.tar.gz`, gz(tar(withManifest(entries))), /writer\/media\.json: media 1 has an id a work cannot link to/);
  }
});

test('collections: a good one imports with its work; each bad one is refused by name, nothing written', () => {
  const wid = /^writer\/works\/([^/]+)\.md$/.exec(good.find((e) => /^writer\/works\/[^/]+\.md$/.test(e.name)).name)[1];
  const one = { id: 7, title: '合集', description: '说明。', cover: '', created: '2026-01-31T08:00:00Z', updated: '2026-02-01T08:00:00Z', works: [wid] };
  const withColls = (colls) => withManifest([...good, { name: 'writer/collections.json', data: Buffer.from(typeof colls === 'string' ? colls : JSON.stringify(colls)) }]);
  const data = site();
  const f = path.join(dir, 'coll-good.tar.gz');
  fs.writeFileSync(f, gz(tar(withColls([one]))));
  const r = hao(['import', f, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /1 work created, .*, 1 collection\n/);
  assert.equal(siteSql(data, "SELECT title || '|' || description || '|' || created_at || '|' || updated_at FROM collections").stdout.trim(), '合集|说明。|1769846400|1769932800');
  assert.equal(siteSql(data, 'SELECT count(*) FROM collection_works').stdout.trim(), '1');
  // Its work imported before and deleted here since: the collection comes, without it, and says so.
  const later = site();
  fs.writeFileSync(path.join(dir, 'plain.tar.gz'), gz(tar(withManifest(good))));
  assert.equal(hao(['import', path.join(dir, 'plain.tar.gz'), '--data', later]).code, 0);
  siteSql(later, "UPDATE works SET status = 'deleted'");
  const again = hao(['import', f, '--data', later]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, new RegExp(`collection 1: work ${wid} is no longer here: left out of it`));
  assert.match(again.err, /0 works created, 1 already here, .*, 1 collection\n/);
  assert.equal(siteSql(later, 'SELECT count(*) FROM collections').stdout.trim(), '1');
  assert.equal(siteSql(later, 'SELECT count(*) FROM collection_works').stdout.trim(), '0');
  const cases = [
    ['notarray', '{}', /writer\/collections\.json: not a JSON array of collections/],
    ['notjson', '[{', /writer\/collections\.json:1: not valid JSON/],
    ['noid', [{ ...one, id: undefined }], /collection 1: has no id/],
    ['zeroid', [{ ...one, id: 0 }], /collection 1: has no id/],
    ['twice', [one, { ...one }], /collection 2: id 7 is in the file twice/],
    ['notitle', [{ ...one, title: '  ' }], /collection 1: the title must be one line of 1 to 100 characters/],
    ['longtitle', [{ ...one, title: '长'.repeat(101) }], /the title must be one line/],
    ['twolines', [{ ...one, title: '一\n二' }], /the title must be one line/],
    ['longdesc', [{ ...one, description: '字'.repeat(2001) }], /the description must be text of at most 2000 characters/],
    ['descnum', [{ ...one, description: 5 }], /the description must be text/],
    ['worksobj', [{ ...one, works: {} }], /works must be a list of at most 200 work ids/],
    ['manyworks', [{ ...one, works: Array(201).fill(wid) }], /works must be a list of at most 200/],
    ['foreign', [{ ...one, works: ['0123456789abcdef'] }], /collection 1: work 1 is not one of writer's works in the export/],
    ['worknum', [{ ...one, works: [5] }], /work 1 is not one of writer's works/],
    ['dupwork', [{ ...one, works: [wid, wid] }], new RegExp(`work ${wid} is in it twice`)],
    ['cover', [{ ...one, cover: 'zzzz' }], /the cover zzzz is not one of writer's media in the export/],
    ['time', [{ ...one, created: 'yesterday' }], /created and updated must be times like/],
    ['toomany', Array.from({ length: 101 }, (_, i) => ({ ...one, id: i + 1, works: [] })), /more than 100 collections/],
  ];
  for (const [name, colls, re] of cases) refused(`coll-${name}.tar.gz`, gz(tar(withColls(colls))), re);
});

test('a schedule and a pin in the front matter: a past schedule leaves a draft with a note; bad values are refused', () => {
  const withFm = (extra, status) => good.map((e) => {
    if (!/^writer\/works\/[^/]+\.md$/.test(e.name)) return e;
    let t = e.data.toString().replace(/\nstatus: "[a-z]+"\n/, `\nstatus: "${status}"\n`);
    t = t.replace(/\n---\n/, `\n${extra}\n---\n`);
    return { ...e, data: Buffer.from(t) };
  });
  const data = site();
  const f = path.join(dir, 'past.tar.gz');
  fs.writeFileSync(f, gz(tar(withManifest(withFm('scheduled: "2020-01-01T00:00:00Z"', 'draft')))));
  const r = hao(['import', f, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /: its scheduled time has passed: it stays a draft/);
  assert.equal(siteSql(data, "SELECT status FROM works").stdout.trim(), 'draft');
  assert.equal(siteSql(data, 'SELECT count(*) FROM creator_schedules').stdout.trim(), '0');
  refused('sched-bad.tar.gz', gz(tar(withManifest(withFm('scheduled: "soon"', 'draft')))), /scheduled is not a time like/);
  refused('pin-bad.tar.gz', gz(tar(withManifest(withFm('pinned: 9', 'published')))), /pinned is not a number from 1 to 3/);
  refused('pin-text.tar.gz', gz(tar(withManifest(withFm('pinned: "1"', 'published')))), /pinned is not a number from 1 to 3/);
});

test('a profile: fills an empty bio, never overwrites one; bad values are refused by name', () => {
  const withProfile = (p) => good.map((e) => (e.name === 'writer/profile.json' ? { ...e, data: Buffer.from(typeof p === 'string' ? p : JSON.stringify({ handle: 'writer', display_name: 'W', role: 'creator', joined: '2026-01-01T00:00:00Z', ...p })) } : e));
  const f = path.join(dir, 'profile.tar.gz');
  fs.writeFileSync(f, gz(tar(withManifest(withProfile({ bio: '导出的简介。', avatar: '' })))));
  const empty = site();
  let r = hao(['import', f, '--data', empty]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /writer\/profile\.json: the account's empty bio or avatar filled from the export/);
  assert.equal(siteSql(empty, "SELECT bio FROM users WHERE handle = 'writer'").stdout.trim(), '导出的简介。');
  const mine = site();
  siteSql(mine, "UPDATE users SET bio = '我自己写的。' WHERE handle = 'writer'");
  r = hao(['import', f, '--data', mine]);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /filled from the export/);
  assert.equal(siteSql(mine, "SELECT bio FROM users WHERE handle = 'writer'").stdout.trim(), '我自己写的。');
  refused('profile-longbio.tar.gz', gz(tar(withManifest(withProfile({ bio: '长'.repeat(301) })))), /writer\/profile\.json: the bio must be text of at most 300 characters/);
  refused('profile-biotype.tar.gz', gz(tar(withManifest(withProfile({ bio: 7 })))), /the bio must be text/);
  refused('profile-avatar.tar.gz', gz(tar(withManifest(withProfile({ avatar: 'zzzz' })))), /writer\/profile\.json: the avatar zzzz is not one of the creator's media in the export/);
  refused('profile-avatartype.tar.gz', gz(tar(withManifest(withProfile({ avatar: 5 })))), /writer\/profile\.json: the avatar must be a media id/);
  refused('profile-array.tar.gz', gz(tar(withManifest(withProfile('[]')))), /writer\/profile\.json: not a JSON object/);
  refused('profile-broken.tar.gz', gz(tar(withManifest(withProfile('{')))), /writer\/profile\.json:1: not valid JSON/);
});

test('an export of more than 20,000 entries imports (a creator of 8,000 works with comments and revisions has 24,000)', () => {
  // The entry limit was 20,000: hao could not import its own export of
  // 6,700 works. Here the one work and 25,000 more files the manifest lists.
  const extra = [];
  for (let i = 0; i < 25000; i++) extra.push({ name: `writer/extra/${i}.txt`, data: Buffer.from(`${i}`) });
  const data = site();
  const f = path.join(dir, 'large.tar.gz');
  fs.writeFileSync(f, gz(tar(withManifest([...good, ...extra]))));
  const r = hao(['import', f, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /1 work created/);
});
