#!/bin/bash
# The audience under write load (issue 12, Speed): writers post 20 comments
# and 50 likes (or unlikes) a second across works while wrk reads the seed
# work's page, which carries 200 comments. The page's read throughput is
# compared with nginx serving the very same bytes (as bench/run.sh does),
# with and without the writers, and the comment POST latency is timed.
#
# With the writers, the seed page itself changes 1 time in WORKS per write
# (its own comments and likes), so it is re-rendered then; the other works'
# changes leave it cached (core/changed.h: changed_work).
#
# Loopback only; every server started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
HAO=${HAO_BIN:-build/hao}
SHARED=${SHARED:-$(realpath ../shared)}
SEED=$SHARED/seed/000_a4f41c7b09327d3d.txt
DUR=${BENCH_DURATION:-10}
WORKS=${BENCH_WORKS:-20}
READERS=${BENCH_READERS:-50}
PORT_HAO=${BENCH_PORT:-$((20000 + RANDOM % 20000))} PORT_NGINX=$((PORT_HAO + 1)) # hao binds with SO_REUSEPORT: a fixed port could be shared with another run
work=$(mktemp -d /tmp/hao-bench-aud-XXXX)
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wrk_run() { # url -> "rps p99_ms"
  local out; out=$(wrk -t2 -c64 -d"${DUR}s" --latency "$1")
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps ${p99:-?}"
}

echo "== setting up hao: the seed work, $((WORKS - 1)) more works, $READERS readers, 200 comments on the seed"
D="$work/data"
echo 'bench-password-1' | "$HAO" user add bench --role creator --data "$D" 2>/dev/null
for i in $(seq "$READERS"); do echo "reader-password-$i" | "$HAO" user add "reader$i" --role reader --data "$D" >/dev/null 2>&1; done
for kv in comment_rate_minute=1000 comment_rate_hour=10000 comment_addr_rate_minute=1000 comment_addr_rate_hour=10000; do
  "$HAO" set "${kv%%=*}" "${kv#*=}" --data "$D" >/dev/null
done
id=$("$HAO" import "$SEED" --author bench --data "$D" 2>/dev/null | cut -f1)
"$HAO" serve --data "$D" --listen 127.0.0.1:$PORT_HAO >"$work/hao.log" 2>&1 &
hao_pid=$!; pids+=("$hao_pid")
B="http://127.0.0.1:$PORT_HAO"
for _ in $(seq 50); do curl -sf "$B/healthz" >/dev/null && break; sleep 0.1; done
tok() { curl -sf -H 'content-type: application/json' -d "{\"handle\":\"$1\",\"password\":\"$2\"}" "$B/api/v1/tokens" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'; }
btok=$(tok bench bench-password-1)
: >"$work/tokens"
for i in $(seq "$READERS"); do echo "$(tok "reader$i" "reader-password-$i")" >>"$work/tokens"; done
echo "$id" >"$work/works"
for i in $(seq 2 "$WORKS"); do
  w=$(curl -sf -H "authorization: Bearer $btok" -H 'content-type: application/json' \
    -d "{\"title\":\"压测作品 $i\",\"body\":\"第 $i 篇压测作品的正文,各不相同:$RANDOM$RANDOM。\"}" "$B/api/v1/articles" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
  curl -sf -X POST -H "authorization: Bearer $btok" "$B/api/v1/articles/$w/publish" >/dev/null
  echo "$w" >>"$work/works"
done
mapfile -t toks <"$work/tokens"
for i in $(seq 200); do
  curl -sf -H "authorization: Bearer ${toks[$((i % READERS))]}" -H 'content-type: application/json' \
    -d "{\"body\":\"种子评论第 $i 条:写得很好,https://example.com/$i 值得一读。\"}" "$B/api/v1/articles/$id/comments" >/dev/null
done

mkdir -p "$work/static"
curl -sf "$B/a/$id" -o "$work/static/seed.html"
bytes=$(stat -c %s "$work/static/seed.html")
nginx_pid=$(bash "$SHARED/bench/nginx-static.sh" "$work/static" $PORT_NGINX)
pids+=("$nginx_pid")

echo "== wrk -t2 -c64 -d${DUR}s: the seed page with 200 comments ($bytes bytes), no writers"
read -r quiet_rps quiet_p99 < <(wrk_run "$B/a/$id")
echo "== the same, while writers post 20 comments and 50 likes a second across $WORKS works"
log0=$(wc -l <"$work/hao.log")
nice -n "${WRITER_NICE:-0}" node bench/audience_writers.mjs "$B" "$work/tokens" "$work/works" "$DUR" >"$work/writers.out" &
wpid=$!
read -r busy_rps busy_p99 < <(wrk_run "$B/a/$id")
wait "$wpid"
writers=$(cat "$work/writers.out")
sleep 2 # the loops flush their access log lines
log1=$(wc -l <"$work/hao.log")
echo "== nginx, the same bytes"
read -r ngx_rps ngx_p99 < <(wrk_run "http://127.0.0.1:$PORT_NGINX/seed.html")
echo "== comment POST latency alone (no readers), 20 comments and 50 likes a second"
nice -n "${WRITER_NICE:-0}" node bench/audience_writers.mjs "$B" "$work/tokens" "$work/works" "$DUR" >"$work/writers-alone.out"
sleep 2
# The server's own time for each comment POST (the access log's last field:
# from the parsed request to the answer), which leaves out the wait for CPU
# before the request is read: lines log0..log1 are the read run's.
server_p99() { # first_line last_line -> "p50 p99" of comment POSTs in ms
  sed -n "$(($1 + 1)),$2p" "$work/hao.log" | awk '$3 == "POST" && $4 ~ /^\/api\/v1\/articles\/[0-9a-f]+\/comments$/ { sub(/ms$/, "", $7); print $7 }' |
    sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f %.2f\n", v[int(NR * 0.5) + 1], v[(int(NR * 0.99) + 1 > NR) ? NR : int(NR * 0.99) + 1]; else print "? ?" }'
}
read -r srv_busy_p50 srv_busy_p99 < <(server_p99 "$log0" "$log1")
read -r srv_alone_p50 srv_alone_p99 < <(server_p99 "$log1" "$(wc -l <"$work/hao.log")")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "| seed page with 200 comments ($bytes bytes) | req/s | p99 ms | vs nginx static |"
echo "|---|---|---|---|"
printf "| hao, no writers | %.0f | %s | %sx |\n" "$quiet_rps" "$quiet_p99" "$(ratio "$quiet_rps" "$ngx_rps")"
printf "| hao, writers 20 comments + 50 likes/s | %.0f | %s | %sx |\n" "$busy_rps" "$busy_p99" "$(ratio "$busy_rps" "$ngx_rps")"
printf "| nginx static, same bytes | %.0f | %s | 1.00x |\n" "$ngx_rps" "$ngx_p99"
echo
echo "writers during the read run: $writers"
echo "writers alone:               $(cat "$work/writers-alone.out")"
echo "read throughput under writes vs nginx: $(ratio "$busy_rps" "$ngx_rps")x   (target >= 0.8x)"
p99_busy=$(sed -n 's/.*comment_p99_ms=\([0-9.]*\).*/\1/p' <<<"$writers")
p99_alone=$(sed -n 's/.*comment_p99_ms=\([0-9.]*\).*/\1/p' "$work/writers-alone.out")
echo "comment POST p99: ${p99_busy:-?} ms with readers saturating, ${p99_alone:-?} ms without   (target < 20 ms; load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  in the server (access log, request read to answer): p50 $srv_busy_p50 ms, p99 $srv_busy_p99 ms with readers; p50 $srv_alone_p50 ms, p99 $srv_alone_p99 ms without"
