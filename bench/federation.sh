#!/bin/bash
# Federation delivery: one publish to 10,000 remote followers spread over
# 1,000 shared inboxes (loopback sinks, bench/fed_sink.mjs), signed and sent
# by hao's delivery threads. Prints signed requests per second and the time
# from publish until every inbox has its Create, and the seed page's read
# throughput (wrk -t2 -c64) alone and while the delivery runs, as a ratio.
# Followers are written straight into the store (they stand for accounts
# that followed earlier). Loopback only (HAO_FED_LOOPBACK=1, the test mode);
# every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${HAO_BIN:-build/hao}
NODE=${NODE:-node}
SEED=${SEED:-$(realpath ../shared)/seed/000_a4f41c7b09327d3d.txt}
FOLLOWERS=${FED_FOLLOWERS:-10000} INBOXES=${FED_INBOXES:-1000}
PORT=${FED_PORT:-$((20000 + RANDOM % 10000))} SINK=${FED_SINK_PORT:-$((30000 + RANDOM % 10000))}
work=$(mktemp -d /tmp/hao-fed-bench-XXXX)
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
D=$work/data
echo 'bench-password-1' | "$BIN" user add bench --role creator --data "$D" >/dev/null
id=$("$BIN" import "$SEED" --author bench --data "$D" | cut -f1)
sqlite3 "$D/hao.db" <<SQL
INSERT INTO settings(key, value) VALUES ('base_url', 'http://127.0.0.1:$PORT');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $FOLLOWERS)
INSERT INTO users(handle, display_name, role, pass_hash, created_at)
  SELECT printf('~bench%010d', i), printf('@f%d@sink%d', i, i % $INBOXES), 'reader', '!', 0 FROM n;
INSERT INTO fed_actors(user_id, uri, acct, host, url, inbox, shared_inbox, key_id, public_pem, fetched_at)
  SELECT id, 'http://127.0.0.1:$SINK/u/' || id, 'f@sink', '127.0.0.1:$SINK', 'http://127.0.0.1:$SINK/',
         'http://127.0.0.1:$SINK/u/' || id || '/inbox',
         'http://127.0.0.1:$SINK/inbox/' || (id % $INBOXES), 'http://127.0.0.1:$SINK/u/' || id || '#k', '', 0
  FROM users WHERE handle LIKE '~bench%';
INSERT INTO follows(follower_id, followee_id, created_at)
  SELECT id, (SELECT id FROM users WHERE handle = 'bench'), 0 FROM users WHERE handle LIKE '~bench%';
SQL
"$NODE" bench/fed_sink.mjs $SINK & pids+=($!)
HAO_FED_LOOPBACK=1 "$BIN" serve --data "$D" --listen 127.0.0.1:$PORT >"$work/hao.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf "http://127.0.0.1:$PORT/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"handle":"bench","password":"bench-password-1"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
rps() { wrk -t2 -c64 -d"${1}s" "http://127.0.0.1:$PORT/a/$id" | awk '/^Requests\/sec/ {print $2}'; }
echo "== seed page alone (wrk -t2 -c64, 8s)"
alone=$(rps 8); echo "$alone req/s"
w=$(curl -sf "http://127.0.0.1:$PORT/api/v1/articles" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"title":"bench","body":"bench body","declaration":"none"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
rps 8 >"$work/during" & wrkpid=$!
sleep 1
t0=$(date +%s%3N)
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/articles/$w/publish" -H "authorization: Bearer $token"
t1=$(date +%s%3N)
while :; do
  c=$(curl -sf "http://127.0.0.1:$SINK/count")
  n=$(sed 's/.*"n":\([0-9]*\).*/\1/' <<<"$c")
  [ "$n" -ge "$INBOXES" ] && break
  [ $(( $(date +%s%3N) - t0 )) -gt 600000 ] && { echo "gave up after 10 minutes at $n"; break; }
  sleep 0.2
done
last=$(sed 's/.*"last":\([0-9]*\).*/\1/' <<<"$c")
wait $wrkpid
during=$(cat "$work/during")
ms=$((last - t0))
echo "== one publish to $FOLLOWERS followers over $INBOXES inboxes"
echo "publish answered in $((t1 - t0)) ms; all $n inboxes delivered in $ms ms: $(awk -v n="$n" -v ms="$ms" 'BEGIN {printf "%.0f", n * 1000 / ms}') signed requests/s"
echo "seed page while delivering (the first seconds of it): $during req/s = $(awk -v a="$alone" -v d="$during" 'BEGIN {printf "%.2f", d / a}') x alone"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
