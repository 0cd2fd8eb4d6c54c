// `hao help CMD [--man]` (src/site/ops/help.h): one page per command, as text
// and as a man page; the Debian package's man pages are made from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN } from './harness.mjs';

const CMDS = ['serve', 'user', 'import', 'backup', 'check', 'search', 'set', 'migrate-store', 'help'];
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8' });

test('every command has a help page and a man page', () => {
  for (const c of CMDS) {
    const t = run('help', c);
    assert.equal(t.status, 0, `${c}: ${t.stderr}`);
    assert.match(t.stdout, new RegExp(`^hao ${c} - `));
    assert.match(t.stdout, /\nusage:\n  hao /);
    const m = run('help', c, '--man');
    assert.equal(m.status, 0);
    assert.match(m.stdout, new RegExp(`^\\.TH HAO-${c.toUpperCase()} 1 `));
    assert.match(m.stdout, /\n\.SH NAME\n/);
    assert.match(m.stdout, /\n\.SH SYNOPSIS\n/);
    // No line of text may start a roff request by accident.
    for (const line of m.stdout.split('\n')) assert.ok(line === '' || /^(\.(TH|SH|B|BR|TP|PP|br)\b|\\&|[^.'])/.test(line), `${c}: ${line}`);
  }
  const top = run('help', '--man');
  assert.match(top.stdout, /^\.TH HAO 1 /);
  assert.match(run('help', 'serve').stdout, /--user NAME/);
});

test('help for an unknown command: exit 2 and the list of commands', () => {
  const r = run('help', 'nope');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no help for "nope"; commands: serve user/);
});
