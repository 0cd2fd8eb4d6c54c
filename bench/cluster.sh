#!/bin/bash
# make bench, part: the same site on SQLite (one node) and on PostgreSQL with
# one node and with two nodes behind HAProxy (scripts/cluster.sh), side by
# side in one run: the seed work's page, a search, and the cost of a publish.
# Loopback only; everything started here is stopped by PID at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
HAO=${HAO_BIN:-build/hao}
SHARED=${SHARED:-$(realpath ../shared)}
SEED=$SHARED/seed/000_a4f41c7b09327d3d.txt
DUR=${BENCH_DURATION:-10s}
work=$(mktemp -d /tmp/hao-bench-cluster-XXXX)
cluster=$(mktemp -u /tmp/hao-cluster-XXXX) # not under $work: PostgreSQL runs as its own user
pids=()
cleanup() {
  for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
  scripts/cluster.sh down "$cluster" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rps() { wrk -t2 -c64 -d"$DUR" "$1" | awk '/^Requests\/sec/ {printf "%.0f", $2}'; }
# ms per publish: create and publish N works one after another through the API.
publish_ms() { # base token n
  local base=$1 token=$2 n=$3 t0 t1
  t0=$(date +%s%N)
  for i in $(seq "$n"); do
    id=$(curl -sf -X POST -H "authorization: Bearer $token" "$base/api/v1/articles" \
      -d "{\"title\":\"发布测试 $i\",\"body\":\"第 $i 篇:无人机在山谷里飞。Drones over the valley.\"}" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
    curl -sf -o /dev/null -X POST -H "authorization: Bearer $token" "$base/api/v1/articles/$id/publish"
  done
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / 1e6 / n }'
}
token_of() { curl -sf -X POST "$1/api/v1/tokens" -d '{"handle":"bench","password":"bench-password-1"}' | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'; }
Q="q=%E6%97%A0%E4%BA%BA%E6%9C%BA" # 无人机

echo "== SQLite, one node"
mkdir -p "$work/sqlite"
echo 'bench-password-1' | "$HAO" user add bench --role creator --data "$work/sqlite" 2>/dev/null
id=$("$HAO" import "$SEED" --author bench --data "$work/sqlite" 2>/dev/null | cut -f1)
"$HAO" serve --data "$work/sqlite" --listen 127.0.0.1:18190 >"$work/sqlite.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sf http://127.0.0.1:18190/healthz >/dev/null && break; sleep 0.1; done
tok=$(token_of http://127.0.0.1:18190)
sq_pub=$(publish_ms http://127.0.0.1:18190 "$tok" 50)
sq_page=$(rps "http://127.0.0.1:18190/a/$id")
sq_search=$(rps "http://127.0.0.1:18190/api/v1/search?$Q")
kill "${pids[-1]}"

echo "== PostgreSQL: primary + streaming replica, S3 media, two nodes, HAProxy"
scripts/cluster.sh up "$cluster" 2 >/dev/null 2>"$work/cluster.log" || { cat "$work/cluster.log"; exit 1; }
echo 'bench-password-1' | "$HAO" user add bench --role creator --data "$cluster/node1" 2>/dev/null
pid=$("$HAO" import "$SEED" --author bench --data "$cluster/node1" 2>/dev/null | cut -f1)
node=http://127.0.0.1:8091 lb=http://127.0.0.1:8090
tok=$(token_of $node)
pg_pub=$(publish_ms $node "$tok" 50)
pg1_page=$(rps "$node/a/$pid")
pg1_search=$(rps "$node/api/v1/search?$Q")
pg2_page=$(rps "$lb/a/$pid")
pg2_search=$(rps "$lb/api/v1/search?$Q")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "| setup | seed page req/s | search req/s | ms per publish |"
echo "|---|---|---|---|"
echo "| SQLite, 1 node | $sq_page | $sq_search | $sq_pub |"
echo "| PostgreSQL, 1 node | $pg1_page ($(ratio "$pg1_page" "$sq_page")x) | $pg1_search ($(ratio "$pg1_search" "$sq_search")x) | $pg_pub |"
echo "| PostgreSQL, 2 nodes + HAProxy | $pg2_page ($(ratio "$pg2_page" "$sq_page")x) | $pg2_search ($(ratio "$pg2_search" "$sq_search")x) | |"
echo
echo "(all on one 2-core machine: the two nodes, HAProxy, PostgreSQL and wrk share the same cores)"
