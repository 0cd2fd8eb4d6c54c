// Shared helpers for HTTP and browser tests: a real `hao serve` on a temp
// data dir and a free loopback port, users made through the CLI, a small
// cookie-jar client for form flows. Servers are stopped by PID with SIGTERM
// and must exit 0 (graceful shutdown is part of what is tested).
// Runs on Node 18 as Debian 12 ships it as well as on newer ones (see
// setCookies and scripts/test.sh).
import { after } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.HAO_BIN || 'build/hao';

// A loopback port free right now (the kernel picks it).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function tmpDir(prefix = 'hao-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// With HAO_TEST_PG set (a PostgreSQL URL without a database name, e.g.
// postgresql://postgres@127.0.0.1:15432), every server gets a fresh database
// named in its data dir's hao.conf, so CLI commands given --data DIR use it too.
const PG = process.env.HAO_TEST_PG;
let pgCount = 0;

export function usePostgres(dataDir) {
  if (!PG || fs.existsSync(path.join(dataDir, 'hao.conf'))) return;
  const name = `hao_t${process.pid}_${++pgCount}_${Date.now() % 100000}`;
  const r = spawnSync('psql', [`${PG}/postgres`, '-q', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`createdb ${name}: ${r.stderr}`);
  fs.mkdirSync(dataDir, { recursive: true });
  // With HAO_TEST_S3 (an S3-compatible endpoint with a bucket "hao") the
  // media live there too, as on a multi-node site.
  const S3 = process.env.HAO_TEST_S3;
  const media = S3 ? `media = s3\ns3_endpoint = ${S3}\ns3_bucket = hao\ns3_access_key = S3RVER\ns3_secret_key = S3RVER\n` : '';
  fs.writeFileSync(path.join(dataDir, 'hao.conf'), `# made by the test harness\ndatabase = ${PG}/${name}\n${media}`);
}

// Run one SQL statement on the site in dataDir, whichever store it uses
// (tests that damage or inspect rows behind hao's back). Returns spawnSync's result.
export function siteSql(dataDir, sql) {
  const conf = path.join(dataDir, 'hao.conf');
  if (fs.existsSync(conf)) {
    const url = /database = (\S+)/.exec(fs.readFileSync(conf, 'utf8'))[1];
    return spawnSync('psql', [url, '-qtA', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  }
  return spawnSync('sqlite3', ['-cmd', '.timeout 5000', path.join(dataDir, 'hao.db'), sql], { encoding: 'utf8' });
}

// Servers started and not stopped yet. A test that fails before it stops its
// server would leave it running, and a file's process does not end while a
// child it spawned runs: make test would wait for the file's time limit. So
// once the file's tests are over, a server that nobody asked to stop is
// killed by PID, after a grace period for the file's own after() hooks (the
// timer does not keep the process alive by itself).
const running = new Set();
after(() => {
  setTimeout(() => {
    for (const s of running) {
      if (s.stopping) continue;
      console.error(`harness: hao (pid ${s.proc.pid}) was left running by a failed test: killed`);
      s.proc.kill('SIGKILL');
    }
  }, 20000).unref();
});

export async function startServer(opts = {}) {
  const dataDir = opts.dataDir || path.join(tmpDir(), 'data');
  if (!opts.sqlite) usePostgres(dataDir);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = spawn(BIN, ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...(opts.args || [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Leak checking stays on for unit tests; the server's h2o context is not
      // disposed at exit (see server.c), so LeakSanitizer would only report that.
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1', ...(opts.env || {}) },
    });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const entry = { proc, stopping: false };
    running.add(entry);
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => { running.delete(entry); resolve({ code, signal }); }));
    const base = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 100 && proc.exitCode === null; i++) {
      try {
        const r = await fetch(base + '/healthz');
        // The start-up lines are written before the loops answer, but the
        // pipe's data event may come after the response under load.
        if (r.status === 200) {
          for (let j = 0; j < 40 && !/hao: serving/.test(stdout); j++) await new Promise((res) => setTimeout(res, 25));
          up = true;
          break;
        }
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) {
      proc.kill('SIGKILL');
      if (attempt < 2 && /cannot listen/.test(stderr)) continue;
      throw new Error(`hao did not start: ${stderr}`);
    }
    return {
      base, port, dataDir, proc,
      get stdout() { return stdout; },
      get stderr() { return stderr; },
      async stop() {
        if (proc.exitCode !== null) throw new Error(`hao had already exited (${proc.exitCode}): ${stderr}`);
        entry.stopping = true;
        proc.kill('SIGTERM');
        const { code, signal } = await exited;
        if (code !== 0) throw new Error(`hao exited with ${code ?? signal} after SIGTERM: ${stderr}`);
        if (/ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|WARNING: ThreadSanitizer/.test(stderr)) throw new Error(`sanitizer report: ${stderr}`);
      },
    };
  }
}

export function addUser(dataDir, handle, role, password, name) {
  usePostgres(dataDir); // a site begun by the CLI lives where its server will look
  const args = ['user', 'add', handle, '--role', role, '--data', dataDir];
  if (name) args.push('--name', name);
  const r = spawnSync(BIN, args, { input: password + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user add ${handle}: ${r.stderr}`);
}

export async function apiToken(base, handle, password) {
  const r = await fetch(base + '/api/v1/tokens', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle, password }),
  });
  if (r.status !== 201) throw new Error(`token for ${handle}: ${r.status} ${await r.text()}`);
  return (await r.json()).token;
}

// The Set-Cookie lines of a response's headers. Node 18 as Debian 12 ships it
// takes fetch from Debian's undici 5.15, whose Headers have no getSetCookie()
// and whose get('set-cookie') joins the lines with ", ", a sequence that also
// occurs inside an Expires date: split only where a comma is followed by the
// next cookie's "name=".
export function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  if (!joined) return [];
  return joined.split(/,(?=[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/).map((c) => c.trim());
}

// A browser-like client: keeps cookies, does not follow redirects, sends an
// Origin header on POSTs like browsers do.
export class Client {
  constructor(base) { this.base = base; this.jar = new Map(); }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  keep(res) {
    for (const c of setCookies(res.headers)) {
      const [kv, ...attrs] = c.split(';');
      const i = kv.indexOf('=');
      const k = kv.slice(0, i).trim(), v = kv.slice(i + 1).trim();
      if (attrs.some((a) => /max-age=0\b/i.test(a.trim())) || v === '') this.jar.delete(k); else this.jar.set(k, v);
    }
    return res;
  }
  async get(p, headers = {}) {
    return this.keep(await fetch(this.base + p, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: 'manual' }));
  }
  async post(p, fields, headers = {}) {
    const body = fields instanceof Uint8Array || typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
    return this.keep(await fetch(this.base + p, {
      method: 'POST', redirect: 'manual', body,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: this.base, ...headers },
    }));
  }
  // The csrf hidden field of the form on page p.
  async csrf(p) {
    const html = await (await this.get(p)).text();
    const m = html.match(/name="csrf" value="([0-9a-f]+)"/);
    if (!m) throw new Error(`no csrf field on ${p}`);
    return m[1];
  }
  async register(handle, password, name) {
    const csrf = await this.csrf('/register');
    return this.post('/register', { csrf, handle, password, name: name || handle });
  }
  async login(handle, password) {
    const csrf = await this.csrf('/login');
    return this.post('/login', { csrf, handle, password });
  }
}
