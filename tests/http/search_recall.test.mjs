// Search recall on a real Chinese corpus: the Tang and Song poems of Debian's
// fortunes-zh, imported as works through the API (some in traditional
// characters, some with English lines, some left as drafts or deleted).
// For a few hundred queries drawn from the texts (1-5 character CJK
// substrings, traditional variants of them, English words and prefixes),
// hao's result set must equal the brute-force set: every published work
// whose normalised text (title, body, tags, author) contains the query
// (for Latin words: has that word, or from 4 letters on a word starting with it). Normalisation is hao's own
// (`hao search normalize`, unit-tested separately); the matching is not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { startServer, addUser, apiToken, BIN } from './harness.mjs';

const FORTUNES = '/usr/share/games/fortunes';
const WORDS = ['moon', 'river', 'autumn', 'wind', 'mountain', 'wine', 'friend', 'farewell', 'spring', 'snow',
  'willow', 'frontier', 'lantern', 'boat', 'crane', 'homesick', 'dream', 'temple', 'orchid', 'rain'];
let srv;
const works = []; // {id, title, body, tags, author, published}

function rng(seed) { // mulberry32: deterministic, so a failure can be reproduced
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20240601);
const pick = (a) => a[Math.floor(rand() * a.length)];

function poems(file, dynasty) {
  const text = fs.readFileSync(`${FORTUNES}/${file}`, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
  return text.split(/^%$/m).map((p) => p.trim().split('\n').map((l) => l.trim()).filter(Boolean)).filter((l) => l.length >= 3)
    .map((lines) => ({
      title: lines[0].replace(/^《|》$/g, '').slice(0, 100),
      poet: lines[1].replace(/^作者[：:]/, '').trim(),
      lines: lines.slice(2),
      dynasty,
    }));
}

function s2t(strings) { // traditional variants through OpenCC's own command
  const r = spawnSync('opencc', ['-c', 's2t.json'], { input: strings.join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\n$/, '').split('\n');
}

function normalize(strings) { // hao's normaliser, one string per line
  const r = spawnSync(BIN, ['search', 'normalize'], { input: strings.map((s) => s.replace(/\n/g, '\x01')).join('\n') + '\n', encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\n$/, '').split('\n');
}

async function call(token, method, p, body) {
  const res = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

before(async () => {
  srv = await startServer();
  const authors = [['tangpoet', '唐朝诗人'], ['songpoet', 'Song Lyricist'], ['editor', '編輯 Editor']];
  const tokens = {};
  for (const [h, name] of authors) {
    addUser(srv.dataDir, h, 'creator', `${h}-password-1`, name);
    tokens[h] = await apiToken(srv.base, h, `${h}-password-1`);
  }
  const all = [...poems('tang300', 'Tang'), ...poems('song100', 'Song')];
  assert.ok(all.length > 350, `fortunes-zh has ${all.length} poems`);
  const chosen = all.slice(0, 320);
  const trad = new Set(chosen.map((_, i) => i).filter((i) => i % 7 === 3));
  const tradText = s2t(chosen.filter((_, i) => trad.has(i)).flatMap((p) => [p.title, p.lines.join('\u0001')]));
  let ti = 0;
  const queue = chosen.map((p, i) => {
    let title = p.title, lines = p.lines;
    if (trad.has(i)) { title = tradText[ti++]; lines = tradText[ti++].split('\u0001'); }
    const english = i % 3 === 0 ? [Array.from({ length: 6 }, () => pick(WORDS)).join(' ') + '.'] : [];
    const [handle, name] = p.dynasty === 'Tang' ? (i % 5 ? authors[0] : authors[2]) : authors[1];
    return {
      title, body: [...lines, ...english].join('\n\n'), tags: [p.poet, `${p.dynasty} poetry`], handle, author: name,
      published: i % 23 !== 5, deleted: i % 31 === 7,
    };
  });
  // Import in parallel batches (order does not matter).
  for (let i = 0; i < queue.length; i += 8) {
    await Promise.all(queue.slice(i, i + 8).map(async (w) => {
      const t = tokens[w.handle];
      const made = await call(t, 'POST', '/api/v1/articles', { title: w.title, body: w.body, tags: w.tags });
      w.id = made.id;
      if (w.published) await call(t, 'POST', `/api/v1/articles/${w.id}/publish`);
      if (w.deleted) { await call(t, 'DELETE', `/api/v1/articles/${w.id}`); w.published = false; }
      works.push(w);
    }));
  }
  const norms = normalize(works.map((w) => [w.title, w.body, w.tags.join('\n'), w.author].join('\n')));
  works.forEach((w, i) => { w.norm = norms[i].replace(/\x01/g, '\n'); w.words = w.norm.match(/[a-z0-9]+/g) || []; });
});
after(async () => { await srv?.stop(); });

async function hits(q) {
  const ids = new Set();
  for (let offset = 0; ;) {
    const res = await fetch(`${srv.base}/api/v1/search?q=${encodeURIComponent(q)}&limit=50&offset=${offset}`);
    const body = await res.json();
    assert.equal(res.status, 200, `${q}: ${JSON.stringify(body)}`);
    body.hits.forEach((h) => ids.add(h.id));
    if (body.next_offset === null) {
      assert.equal(ids.size, body.total, `${q}: total`);
      return ids;
    }
    offset = body.next_offset;
  }
}

function queries() {
  const out = [];
  const published = works.filter((w) => w.published);
  // CJK substrings of 1-5 characters from inside a run of Han characters.
  while (out.length < 260) {
    const w = pick(works); // drafts too: their text must not be found
    const runs = w.body.match(/\p{Script=Han}+/gu) || [];
    const run = runs.length ? pick(runs) : '';
    if (!run) continue;
    const chars = [...run];
    const len = 1 + Math.floor(rand() * Math.min(5, chars.length));
    const at = Math.floor(rand() * (chars.length - len + 1));
    out.push({ q: chars.slice(at, at + len).join(''), kind: `cjk${len}` });
  }
  // Traditional variants of some of them.
  const some = out.filter((_, i) => i % 4 === 0).map((x) => x.q);
  s2t(some).forEach((t, i) => { if (t !== some[i]) out.push({ q: t, kind: 'traditional' }); });
  // English words and prefixes, poets, author names.
  for (const word of WORDS) {
    out.push({ q: word, kind: 'english' });
    out.push({ q: word.slice(0, 2 + Math.floor(rand() * 4)).toUpperCase(), kind: 'english-prefix' });
  }
  for (let i = 0; i < 10; i++) out.push({ q: pick(published).tags[0], kind: 'poet' });
  out.push({ q: 'editor', kind: 'author' }, { q: '编辑', kind: 'author' }, { q: 'lyricist', kind: 'author' });
  return out;
}

test('hao finds exactly the works whose normalised text contains the query', async () => {
  const qs = queries();
  assert.ok(qs.length >= 300, `${qs.length} queries`);
  const qnorm = normalize(qs.map((x) => x.q));
  const failures = [];
  const byKind = {};
  let found = 0, tradFound = 0;
  for (let i = 0; i < qs.length; i++) {
    const { q, kind } = qs[i];
    const nq = qnorm[i];
    const latin = /^[a-z0-9]+$/.test(nq);
    // Latin: whole words, and from 4 letters on words that start with it.
    const wordHit = (x) => (nq.length >= 4 ? x.startsWith(nq) : x === nq);
    const want = new Set(works.filter((w) => w.published && (latin ? w.words.some(wordHit) : w.norm.includes(nq))).map((w) => w.id));
    const got = await hits(q);
    if (want.size) { found++; if (kind === 'traditional') tradFound++; }
    byKind[kind] = (byKind[kind] || 0) + 1;
    const missing = [...want].filter((id) => !got.has(id));
    const extra = [...got].filter((id) => !want.has(id));
    if (missing.length || extra.length) failures.push(`${kind} "${q}" (normalised "${nq}"): ${missing.length} missing, ${extra.length} extra`);
  }
  assert.deepEqual(failures, [], `queries by kind: ${JSON.stringify(byKind)}`);
  // The test means something only if most queries do find works.
  assert.ok(found >= qs.length * 0.8, `${found} of ${qs.length} queries found something`);
  assert.ok(tradFound >= 20, `${tradFound} traditional queries found something`);
  assert.ok(works.filter((w) => !w.published).length >= 20, 'drafts and deleted works are part of the corpus');
});
