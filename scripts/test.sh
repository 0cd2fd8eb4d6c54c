#!/bin/bash
# Runs every test: unit tests (ASan+UBSan), HTTP tests against the release
# and the ASan build, and the browser test. Prints one closing line
# "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0; failures=()
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# LeakSanitizer needs ptrace-like access that some sandboxes deny; detect once.
if ! echo 'int main(void){return 0;}' | cc -x c -fsanitize=address -o build/lsan-probe - 2>/dev/null || ! build/lsan-probe 2>/dev/null; then
  export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1
fi

run() { # name, command...
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed+1)); else failed=$((failed+1)); failures+=("$name"); fi
}

run "clang -Wall -Wextra -Werror (syntax only)" make --no-print-directory clang-check

for t in build/tests/test_*; do
  [ -x "$t" ] || continue
  run "unit $(basename "$t")" "$t"
done

if ls tests/http/*.test.mjs >/dev/null 2>&1; then
  run "http (release build)" env HAO_BIN=build/hao node --test --test-concurrency=2 tests/http/
  run "http (ASan+UBSan build)" env HAO_BIN=build/hao-asan node --test --test-concurrency=2 tests/http/
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
  tests/s3/node_modules/.bin/s3rver -d "$s3dir" -a 127.0.0.1 -p "$s3port" -s --configure-bucket hao >"$s3dir.log" 2>&1 &
  s3pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3port/" && break; sleep 0.2; done
  if ! curl -s -o /dev/null "http://127.0.0.1:$s3port/"; then
    failed=$((failed+1)); failures+=("S3 test server (s3rver) did not start: $(tail -3 "$s3dir.log")")
  elif pgurl=$(scripts/pg-test-server.sh start "$pgdir" "$pgport"); then
    run "http on PostgreSQL + S3 media (release build)" env HAO_BIN=build/hao HAO_TEST_PG="$pgurl" \
      HAO_TEST_S3="http://127.0.0.1:$s3port" node --test --test-concurrency=2 tests/http/
    run "unit test_audience on PostgreSQL" env HAO_TEST_PG="$pgurl" build/tests/test_audience
  else
    failed=$((failed+1)); failures+=("PostgreSQL test server did not start")
  fi
fi

if [ -f tests/browser/package.json ]; then
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm install --no-audit --no-fund --silent) || true
  fi
  run "browser" env HAO_BIN=build/hao node --test tests/browser/
fi

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
