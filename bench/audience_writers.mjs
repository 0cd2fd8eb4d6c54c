// The writers of bench/audience.sh: post COMMENT_RATE comments and LIKE_RATE
// likes (a like or an unlike, so each is a real change) a second across the
// works given, for DURATION seconds, each request timed. Prints one line:
// "comments=N comment_p50_ms=.. comment_p99_ms=.. likes=N like_p99_ms=.. errors=N".
// Usage: node audience_writers.mjs BASE TOKENS_FILE WORKS_FILE DURATION_S
import fs from 'node:fs';

const [base, tokFile, workFile, durS] = process.argv.slice(2);
const tokens = fs.readFileSync(tokFile, 'utf8').split('\n').filter(Boolean);
const works = fs.readFileSync(workFile, 'utf8').split('\n').filter(Boolean);
const COMMENT_RATE = Number(process.env.COMMENT_RATE || 20), LIKE_RATE = Number(process.env.LIKE_RATE || 50);
const ct = [], lt = [];
let errors = 0, n = 0;
const liked = new Map();

async function timed(arr, method, path, tok, body) {
  const t0 = process.hrtime.bigint();
  try {
    const r = await fetch(base + path, {
      method, headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    await r.arrayBuffer();
    if (!r.ok) errors++;
  } catch { errors++; }
  arr.push(Number(process.hrtime.bigint() - t0) / 1e6);
}

function every(rate, fn) {
  return new Promise((resolve) => {
    const iv = setInterval(() => {
      if (Date.now() >= end) { clearInterval(iv); resolve(); return; }
      fn();
    }, 1000 / rate);
  });
}

// Warm the client first, untimed: Node's first fetches pay for undici's set-up
// and JIT compilation (tens of ms), which is the client's cost, not the
// server's; with ~150 comments a run, p99 is the worst two, so one cold
// request would be the figure. A like and its unlike change nothing in the end.
for (let i = 0; i < 20; i++) {
  const w = works[i % works.length], tok = tokens[i % tokens.length];
  for (const method of ['PUT', 'DELETE']) {
    const r = await fetch(`${base}/api/v1/articles/${w}/like`, { method, headers: { authorization: `Bearer ${tok}` } });
    await r.arrayBuffer();
  }
}

const end = Date.now() + Number(durS) * 1000;
const pending = [];
await Promise.all([
  every(COMMENT_RATE, () => {
    const i = n++;
    pending.push(timed(ct, 'POST', `/api/v1/articles/${works[i % works.length]}/comments`, tokens[i % tokens.length],
      { body: `压测评论 ${i} ${Date.now()}` }));
  }),
  every(LIKE_RATE, () => {
    const i = n++;
    const w = works[i % works.length], tok = tokens[(i * 7) % tokens.length], k = w + tok;
    const on = !liked.get(k);
    liked.set(k, on);
    pending.push(timed(lt, on ? 'PUT' : 'DELETE', `/api/v1/articles/${w}/like`, tok));
  }),
]);
await Promise.all(pending);
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2) : 'n/a'; };
console.log(`comments=${ct.length} comment_p50_ms=${pct(ct, 0.5)} comment_p99_ms=${pct(ct, 0.99)} likes=${lt.length} like_p99_ms=${pct(lt, 0.99)} errors=${errors}`);
