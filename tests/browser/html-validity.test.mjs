// Every page type through the Nu Html Checker (npm vnu-jar, run on Debian's
// Java): 0 errors. The pages are fetched from a real server with content in
// it (a work with a picture and a table, a draft, revisions, a notice, a
// removed work), saved to a temporary directory, and checked in one java run
// (the JVM's start-up is most of the cost).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pageSite } from './site-pages.mjs';

const require = createRequire(import.meta.url);
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

let site;
const pages = []; // [name, path, html]

before(async () => {
  site = await pageSite();
  for (const pg of site.pages) {
    const r = await site.clients[pg.who].get(pg.path);
    assert.equal(r.status, pg.status, `${pg.path}: ${r.status}`);
    assert.match(r.headers.get('content-type') || '', /text\/html/, pg.path);
    pages.push([pg.name, pg.path, await r.text()]);
  }
});
after(async () => { await site?.srv.stop(); });

test('every page type is valid HTML for the Nu Html Checker (0 errors)', (t) => {
  const out = path.join(site.dir, 'pages');
  fs.mkdirSync(out);
  const files = pages.map(([name, , html]) => {
    const f = path.join(out, `${name}.html`);
    fs.writeFileSync(f, html);
    return f;
  });
  const t0 = Date.now();
  const res = spawnSync('java', ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  t.diagnostic(`${files.length} pages checked by one java run in ${Date.now() - t0} ms`);
  assert.ok(!res.error, `java could not run (scripts/deps.sh test installs default-jre-headless): ${res.error}`);
  let report;
  try { report = JSON.parse(res.stderr); } catch { assert.fail(`vnu gave no JSON report (exit ${res.status}): ${res.stderr.slice(0, 2000)}`); }
  const byPage = new Map(pages.map(([name, p]) => [`${name}.html`, p]));
  const errors = report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal').map((m) => {
    const file = path.basename(decodeURIComponent(m.url || ''));
    return `${byPage.get(file) || file}:${m.lastLine || '?'}: ${m.message} [${(m.extract || '').replace(/\s+/g, ' ').slice(0, 120)}]`;
  });
  assert.equal(pages.length, files.length);
  assert.deepEqual(errors, [], `Nu Html Checker errors on ${pages.length} pages:\n${errors.join('\n')}`);
});
