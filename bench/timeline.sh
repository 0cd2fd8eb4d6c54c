#!/bin/bash
# The /following timeline of a reader following 200 creators among 100,000
# works (300 creators): 1,000 sequential GET /api/v1/timeline?limit=20, half
# of them deeper pages by cursor, after 200 to warm up. Prints p50/p90/p99
# as the client saw them and the server's CPU time per request (from
# /proc: steadier than latency on a shared machine), on SQLite and then on
# PostgreSQL, side by side (issue 12's target: p99 < 10 ms on PostgreSQL).
#
#   bench/timeline.sh                 SQLite, then PostgreSQL on a throwaway
#                                     server (scripts/pg-test-server.sh) when
#                                     the PostgreSQL binaries are installed
#   TIMELINE_PG=postgresql://postgres@127.0.0.1:PORT bench/timeline.sh
#                                     PostgreSQL there (makes a database
#                                     "hao_timeline_bench") instead of a throwaway one
#   TIMELINE_BACKENDS="sqlite"        only these ("sqlite", "postgresql")
# make bench runs it (bench/run.sh). Loopback only; every server started
# here is stopped by PID (the throwaway PostgreSQL by its pg_ctl).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${HAO_BIN:-build/hao}
N=${TIMELINE_REQUESTS:-1000}
BACKENDS=${TIMELINE_BACKENDS:-sqlite postgresql}
top=$(mktemp -d /tmp/hao-timeline-XXXX)
pid="" pgdir=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$pgdir" ] && scripts/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1
  rm -rf "$top"
}
trap cleanup EXIT

# One backend: TIMELINE_PG set (PostgreSQL) or not (SQLite). Prints the line
# "timeline (...): p50 .. p90 .. p99 .. ms" and the server CPU per request.
run_one() {
work=$(mktemp -d "$top/run-XXXX")
D=$work/data
mkdir -p "$D"
if [ -n "${TIMELINE_PG:-}" ]; then
  psql "$TIMELINE_PG/postgres" -qc "DROP DATABASE IF EXISTS hao_timeline_bench" -c "CREATE DATABASE hao_timeline_bench"
  printf 'database = %s/hao_timeline_bench\n' "$TIMELINE_PG" >"$D/hao.conf"
fi
echo 'reader-password-1' | "$BIN" user add benchreader --role reader --data "$D" >/dev/null
if [ -n "${TIMELINE_PG:-}" ]; then
  psql "$TIMELINE_PG/hao_timeline_bench" -q <<'SQL'
BEGIN;
INSERT INTO users(handle, display_name, role, pass_hash, created_at)
  SELECT 'creator' || i, 'Creator ' || i, 'creator', 'x', 1 FROM generate_series(1, 300) i;
INSERT INTO works(id, author_id, title, body, declaration, status, rev, content_hash, created_at, updated_at, published_at)
  SELECT lpad(to_hex(i + 4096), 16, '0'), (SELECT id FROM users WHERE handle = 'creator' || (1 + i % 300)),
         'Work ' || i, 'Body of work ' || i || '.', 'none', 'published', 1, lpad(to_hex(i), 64, '0'),
         1600000000 + i * 60, 1600000000 + i * 60, 1600000000 + i * 60 FROM generate_series(0, 99999) i;
INSERT INTO follows(follower_id, followee_id, created_at)
  SELECT (SELECT id FROM users WHERE handle = 'benchreader'), id, 1 FROM users
  WHERE handle LIKE 'creator%' AND CAST(substr(handle, 8) AS INTEGER) <= 200;
COMMIT;
ANALYZE;
SQL
else
  sqlite3 "$D/hao.db" <<'SQL'
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO users(handle, display_name, role, pass_hash, created_at)
  SELECT 'creator' || i, 'Creator ' || i, 'creator', 'x', 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO works(id, author_id, title, body, declaration, status, rev, content_hash, created_at, updated_at, published_at)
  SELECT printf('%016x', i + 4096), (SELECT id FROM users WHERE handle = 'creator' || (1 + i % 300)),
         'Work ' || i, 'Body of work ' || i || '.', 'none', 'published', 1, printf('%064x', i),
         1600000000 + i * 60, 1600000000 + i * 60, 1600000000 + i * 60 FROM n;
INSERT INTO follows(follower_id, followee_id, created_at)
  SELECT (SELECT id FROM users WHERE handle = 'benchreader'), id, 1 FROM users
  WHERE handle LIKE 'creator%' AND CAST(substr(handle, 8) AS INTEGER) <= 200;
COMMIT;
ANALYZE;
SQL
fi
port=$((30000 + RANDOM % 10000))
"$BIN" serve --data "$D" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
token=$(curl -s -X POST -d '{"handle":"benchreader","password":"reader-password-1"}' "http://127.0.0.1:$port/api/v1/tokens" |
  sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
cat >"$work/run.mjs" <<'JS'
const [base, token, n] = process.argv.slice(2);
const path = '/api/v1/timeline?limit=20';
let cursor = null;
const times = [];
for (let i = 0; i < Number(n); i++) {
  const p = cursor && i % 2 ? `${path}&before=${cursor}` : path;
  const t0 = process.hrtime.bigint();
  const r = await fetch(base + p, { headers: { authorization: `Bearer ${token}` } });
  const j = await r.json();
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (r.status !== 200 || j.articles.length !== 20) throw new Error(`${r.status} ${JSON.stringify(j).slice(0, 200)}`);
  cursor = j.next;
}
times.sort((a, b) => a - b);
const q = (x) => times[Math.min(times.length - 1, Math.floor(x * times.length))].toFixed(2);
console.log(`timeline (200 followed of 300 creators, 100,000 works), ${times.length} requests: p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms`);
JS
node "$work/run.mjs" "http://127.0.0.1:$port" "$token" 200 >/dev/null
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# PostgreSQL's share: its backends serving this database (on this machine).
dbcpu() {
  local s=0 p
  [ -n "${TIMELINE_PG:-}" ] || { echo 0; return; }
  for p in $(psql "$TIMELINE_PG/hao_timeline_bench" -tAc "SELECT pid FROM pg_stat_activity WHERE datname = 'hao_timeline_bench' AND pid <> pg_backend_pid()"); do
    [ -r "/proc/$p/stat" ] && s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$s"
}
c0=$(cpu) d0=$(dbcpu)
node "$work/run.mjs" "http://127.0.0.1:$port" "$token" "$N"
c1=$(cpu) d1=$(dbcpu)
echo "server CPU per request: $(echo "scale=3; ($c1 - $c0) * 1000 / $(getconf CLK_TCK) / $N" | bc) ms"
[ -n "${TIMELINE_PG:-}" ] && echo "PostgreSQL CPU per request: $(echo "scale=3; ($d1 - $d0) * 1000 / $(getconf CLK_TCK) / $N" | bc) ms"
kill "$pid"; wait "$pid" || true; pid=""
if [ -n "${TIMELINE_PG:-}" ]; then psql "$TIMELINE_PG/postgres" -qc "DROP DATABASE hao_timeline_bench"; fi
}

for backend in $BACKENDS; do
  case "$backend" in
    sqlite)
      echo "== timeline on SQLite"
      saved=${TIMELINE_PG:-}
      unset TIMELINE_PG
      run_one >"$top/sqlite.out"
      cat "$top/sqlite.out"
      if [ -n "$saved" ]; then export TIMELINE_PG=$saved; fi ;;
    postgresql)
      if [ -z "${TIMELINE_PG:-}" ]; then
        if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
          echo "== timeline on PostgreSQL: skipped (no PostgreSQL server binaries; apt-get install postgresql)"
          continue
        fi
        pgdir="$top/pg"
        chmod 711 "$top" # the postgres user initdb runs as must pass through
        TIMELINE_PG=$(scripts/pg-test-server.sh start "$pgdir" "${TIMELINE_PG_PORT:-$((40000 + RANDOM % 10000))}")
        export TIMELINE_PG
      fi
      echo "== timeline on PostgreSQL"
      run_one >"$top/pg.out"
      cat "$top/pg.out" ;;
  esac
done
p99() { sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$1" 2>/dev/null; }
echo
echo "timeline p99: SQLite $(p99 "$top/sqlite.out" || true) ms, PostgreSQL $(p99 "$top/pg.out" || true) ms   (target < 10 ms on PostgreSQL; load average $(cut -d' ' -f1-3 /proc/loadavg))"
