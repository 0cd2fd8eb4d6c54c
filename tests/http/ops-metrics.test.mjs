// GET /metrics (src/site/ops/metrics.h, src/http/metrics.h) and the JSON-lines
// access log. The exposition is checked by a parser written here to the
// Prometheus text format 0.0.4: comment and sample line grammar, metric and
// label names, label value escapes, float values, TYPE before samples, one
// TYPE per family, no duplicate series, and histograms whose buckets are
// cumulative and end in +Inf equal to _count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startServer, usePostgres, tmpDir, BIN } from './harness.mjs';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

// Parse the exposition text; throws on anything the format does not allow.
export function parseProm(text) {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const families = new Map(); // name -> { type, help, samples: [{name, labels, value}] }
  const seen = new Set();
  const family = (n) => {
    for (const suf of ['_bucket', '_count', '_sum']) {
      const base = n.endsWith(suf) ? n.slice(0, -suf.length) : null;
      if (base && families.get(base)?.type === 'histogram') return base;
    }
    return n;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const at = `line ${i + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // other comments are allowed
      assert.match(m[2], NAME, at);
      const f = families.get(m[2]) || { samples: [] };
      if (m[1] === 'TYPE') {
        assert.ok(TYPES.has(m[3]), `${at}: unknown type`);
        assert.equal(f.type, undefined, `${at}: second TYPE`);
        assert.equal(f.samples.length, 0, `${at}: TYPE after samples`);
        f.type = m[3];
      } else {
        assert.equal(f.help, undefined, `${at}: second HELP`);
        assert.doesNotMatch(m[3], /\\[^\\n]/, `${at}: bad escape in HELP`);
        f.help = m[3];
      }
      families.set(m[2], f);
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)( -?\d+)?$/.exec(line);
    assert.ok(m, `${at}: not a sample line`);
    const labels = {};
    if (m[3] !== undefined && m[3] !== '') {
      let rest = m[3];
      while (rest.length) {
        const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/.exec(rest);
        assert.ok(lm, `${at}: bad label list at ${rest}`);
        assert.match(lm[1], LABEL, at);
        assert.ok(!(lm[1] in labels), `${at}: label twice`);
        labels[lm[1]] = lm[2].replace(/\\(["\\n])/g, (_, c) => (c === 'n' ? '\n' : c));
        rest = rest.slice(lm[0].length);
      }
    }
    assert.match(m[4], /^([+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)|[+-]?Inf|NaN)$/, `${at}: bad value`);
    const value = Number(m[4].replace('Inf', 'Infinity'));
    const key = m[1] + JSON.stringify(Object.entries(labels).sort());
    assert.ok(!seen.has(key), `${at}: duplicate series`);
    seen.add(key);
    const fam = family(m[1]);
    const f = families.get(fam) || { samples: [] };
    assert.ok(f.type, `${at}: sample before its TYPE`);
    f.samples.push({ name: m[1], labels, value });
    families.set(fam, f);
  });
  // Histograms: per label set (without le) cumulative buckets ending in +Inf = _count.
  for (const [name, f] of families) {
    if (f.type !== 'histogram') continue;
    const groups = new Map();
    for (const s of f.samples) {
      const { le, ...rest } = s.labels;
      const g = JSON.stringify(Object.entries(rest).sort());
      if (!groups.has(g)) groups.set(g, { buckets: [], count: null, sum: null });
      const e = groups.get(g);
      if (s.name === name + '_bucket') { assert.ok(le !== undefined, `${name}: bucket without le`); e.buckets.push([Number(le.replace('Inf', 'Infinity')), s.value]); }
      else if (s.name === name + '_count') e.count = s.value;
      else if (s.name === name + '_sum') e.sum = s.value;
      else assert.fail(`${name}: stray sample ${s.name}`);
    }
    for (const [g, e] of groups) {
      assert.ok(e.buckets.length > 0 && e.count !== null && e.sum !== null, `${name}${g}: incomplete`);
      for (let i = 1; i < e.buckets.length; i++) {
        assert.ok(e.buckets[i][0] > e.buckets[i - 1][0], `${name}${g}: le not increasing`);
        assert.ok(e.buckets[i][1] >= e.buckets[i - 1][1], `${name}${g}: buckets not cumulative`);
      }
      assert.equal(e.buckets.at(-1)[0], Infinity, `${name}${g}: no +Inf bucket`);
      assert.equal(e.buckets.at(-1)[1], e.count, `${name}${g}: +Inf bucket is not _count`);
    }
  }
  return families;
}

const value = (fams, name, labels = {}) => {
  const f = fams.get(name.replace(/_(bucket|count|sum)$/, '')) || fams.get(name);
  const s = f?.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s ? s.value : 0;
};

let srv;
const TOKEN = 'metrics-test-token-0123456789';

before(async () => {
  const dataDir = path.join(tmpDir('hao-metrics-'), 'data');
  usePostgres(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.appendFileSync(path.join(dataDir, 'hao.conf'), `metrics_token = ${TOKEN}\naccess_log = json\n`);
  srv = await startServer({ dataDir });
});
after(async () => { await srv?.stop(); });

async function metrics(headers = {}) {
  const r = await fetch(srv.base + '/metrics', { headers });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

test('/metrics from loopback parses, and counts requests by class and status, latency and page-cache hits', async () => {
  const m0 = await metrics();
  assert.equal(m0.status, 200);
  assert.equal(m0.type, 'text/plain; version=0.0.4; charset=utf-8');
  const f0 = parseProm(m0.text);
  for (const n of ['hao_http_requests_total', 'hao_http_request_duration_seconds', 'hao_page_cache_lookups_total',
    'hao_worker_pool_queued', 'hao_worker_pool_busy', 'hao_jobs_due', 'hao_jobs_overdue', 'hao_mail_outbox',
    'hao_media_helpers_started_total', 'hao_media_helper_failures_total', 'hao_db_statement_seconds_total',
    'hao_page_cache_bytes', 'hao_sqlite_memory_bytes']) {
    assert.ok(f0.has(n), `family ${n}`);
  }
  assert.equal(f0.get('hao_http_request_duration_seconds').type, 'histogram');
  for (let i = 0; i < 3; i++) assert.equal((await fetch(srv.base + '/')).status, 200);
  assert.equal((await fetch(srv.base + '/no/such/page')).status, 404);
  const f1 = parseProm((await metrics()).text);
  const d = (n, l) => value(f1, n, l) - value(f0, n, l);
  assert.equal(d('hao_http_requests_total', { class: 'page', code: '200' }), 3);
  assert.equal(d('hao_http_requests_total', { class: 'none', code: '404' }), 1);
  assert.equal(d('hao_http_requests_total', { class: 'other', code: '200' }), 1, 'the first /metrics itself');
  assert.ok(d('hao_page_cache_lookups_total', { result: 'hit' }) >= 1, 'the same page again comes from the cache');
  assert.equal(d('hao_http_request_duration_seconds_count', { class: 'page' }), 3);
  assert.ok(d('hao_http_request_duration_seconds_sum', { class: 'page' }) > 0);
  assert.ok(value(f1, 'hao_db_statements_total') > 0, 'database statements were timed');
  assert.ok(value(f1, 'hao_worker_pool_threads') >= 1);
  // What the memory holds: the home page is in a loop's page cache, and a
  // SQLite site's page caches and statements are counted.
  const home = Buffer.byteLength(await (await fetch(srv.base + '/')).text());
  const f2 = parseProm((await metrics()).text);
  assert.equal(f2.get('hao_page_cache_bytes').type, 'gauge');
  assert.ok(value(f2, 'hao_page_cache_bytes') >= home, `page cache ${value(f2, 'hao_page_cache_bytes')} < home ${home}`);
  if (!process.env.HAO_TEST_PG) assert.ok(value(f2, 'hao_sqlite_memory_bytes') > 100000, 'SQLite memory is counted');
});

test('/metrics is refused (404) through a proxy or with a wrong token, and allowed with the token', async () => {
  assert.equal((await metrics({ 'x-forwarded-for': '203.0.113.9' })).status, 404);
  assert.equal((await metrics({ forwarded: 'for=203.0.113.9' })).status, 404);
  assert.equal((await metrics({ 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer wrong' })).status, 404);
  assert.equal((await metrics({ 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}x` })).status, 404);
  const ok = await metrics({ 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 200);
  parseProm(ok.text);
});

test('access_log = json: one JSON object a line, client data escaped', async () => {
  // Raw, so the quote and backslash reach the server as they are.
  await new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => sock.end('GET /x%22y%0Az?q="1"\\ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
    sock.on('data', () => {}); sock.on('end', resolve); sock.on('error', reject);
  });
  let lines = [];
  for (let i = 0; i < 40; i++) {
    lines = srv.stdout.split('\n').filter((l) => l.startsWith('{'));
    if (lines.some((l) => l.includes('/x%22y'))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(lines.length > 0, 'JSON lines on stdout');
  for (const l of lines) {
    const j = JSON.parse(l);
    for (const k of ['ts', 'peer', 'method', 'path', 'status', 'bytes', 'ms', 'class']) assert.ok(k in j, `${k} in ${l}`);
  }
  const mine = lines.map((l) => JSON.parse(l)).find((j) => j.path.startsWith('/x%22y'));
  assert.ok(mine, 'the odd path is logged');
  assert.equal(mine.status, 404);
  assert.equal(mine.path, '/x%22y%0Az?q="1"\\');
});

test('a bad access_log value stops the server before it serves', () => {
  const dataDir = path.join(tmpDir('hao-metrics2-'), 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'hao.conf'), 'access_log = xml\n');
  const r = spawnSync(BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:38519'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /access_log must be text or json/);
});
