#!/bin/bash
# make bench: side-by-side benchmarks in one run, printed as ratios.
#
#   1. The seed work's page: hao /a/{id} vs nginx serving the very same bytes
#      as a static file (../shared/bench/nginx-static.sh), wrk -t2 -c64, with
#      p99 latency and hao's resident memory.
#   2. WordPress (../shared/bench/setup-wordpress.sh) on the same work, for the
#      README's comparison table. Skip with BENCH_PEERS=none.
#   3. Further benchmarks (search, media) when their scripts exist.
#
# Absolute numbers on a shared 2-core machine are noise; the ratios are the result.
# Loopback only; every server started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
HAO=${HAO_BIN:-build/hao}
SHARED=${SHARED:-$(realpath ../shared)}
SEED=$SHARED/seed/000_a4f41c7b09327d3d.txt
DUR=${BENCH_DURATION:-10s}
PORT_HAO=18180 PORT_NGINX=18181
work=$(mktemp -d /tmp/hao-bench-XXXX)
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A browser's user agent: wrk sends none, and a request without one is a
# robot's, which hao does not count (http/views.h), so the reader-counting
# path would go unmeasured.
UA='Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
wrk_run() { # url [threads] -> "rps p99_ms"
  local out; out=$(wrk -t"${2:-2}" -c64 -d"$DUR" --latency -H "User-Agent: $UA" "$1")
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps ${p99:-?}"
}

echo "== setting up hao with the seed work"
echo 'bench-password-1' | "$HAO" user add bench --role creator --data "$work/data" 2>/dev/null
id=$("$HAO" import "$SEED" --author bench --data "$work/data" 2>/dev/null | cut -f1)
"$HAO" serve --data "$work/data" --listen 127.0.0.1:$PORT_HAO >"$work/hao.log" 2>&1 &
hao_pid=$!; pids+=("$hao_pid")
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT_HAO/healthz" >/dev/null && break; sleep 0.1; done
mkdir -p "$work/static"
curl -sf "http://127.0.0.1:$PORT_HAO/a/$id" -o "$work/static/seed.html"
bytes=$(stat -c %s "$work/static/seed.html")
nginx_pid=$(bash "$SHARED/bench/nginx-static.sh" "$work/static" $PORT_NGINX)
pids+=("$nginx_pid")

echo "== wrk -t2 -c64 -d$DUR: the seed page ($bytes bytes)"
read -r hao_rps hao_p99 < <(wrk_run "http://127.0.0.1:$PORT_HAO/a/$id")
hao_rss=$(awk '/VmRSS/ {print $2}' /proc/$hao_pid/status)
hao_anon=$(awk '/RssAnon/ {print $2}' /proc/$hao_pid/status)
read -r ngx_rps ngx_p99 < <(wrk_run "http://127.0.0.1:$PORT_NGINX/seed.html")
# Latency pass: one wrk thread, so the load generator leaves the servers a
# core's worth of CPU and the tail shows the server, not the scheduler.
echo "== latency pass: wrk -t1 -c64 -d$DUR"
read -r _ hao_p99_t1 < <(wrk_run "http://127.0.0.1:$PORT_HAO/a/$id" 1)
read -r _ ngx_p99_t1 < <(wrk_run "http://127.0.0.1:$PORT_NGINX/seed.html" 1)

wp_rps="" wp_p99=""
if [ "${BENCH_PEERS:-wordpress}" != "none" ]; then
  echo "== setting up WordPress with the same work (takes a few minutes the first time)"
  if wp_id=$(bash "$SHARED/bench/setup-wordpress.sh" "$SEED" 2>"$work/wp.err" | tail -1) && [ -n "$wp_id" ]; then
    read -r wp_rps wp_p99 < <(wrk_run "http://127.0.0.1:8082/?p=$wp_id")
    for f in /tmp/peers/run/nginx.pid /tmp/peers/run/php-fpm.pid /tmp/peers/run/mysqld.pid; do
      [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
  else
    echo "   WordPress setup failed (see below); skipped"; tail -5 "$work/wp.err" || true
  fi
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "| server | req/s | p99 ms | vs nginx static |"
echo "|---|---|---|---|"
printf "| hao /a/{id} | %.0f | %s | %sx |\n" "$hao_rps" "$hao_p99" "$(ratio "$hao_rps" "$ngx_rps")"
printf "| nginx static, same bytes | %.0f | %s | 1.00x |\n" "$ngx_rps" "$ngx_p99"
[ -n "$wp_rps" ] && printf "| WordPress, same work | %.0f | %s | %sx |\n" "$wp_rps" "$wp_p99" "$(ratio "$wp_rps" "$ngx_rps")"
echo
echo "hao RSS after the run: $((hao_rss / 1024)) MB, of which anonymous $((hao_anon / 1024)) MB   (target < 30 MB)"
echo "hao vs nginx: $(ratio "$hao_rps" "$ngx_rps")x   (target >= 0.8x)"
echo "p99 at 64 connections, one wrk thread: hao $hao_p99_t1 ms, nginx $ngx_p99_t1 ms   (target < 5 ms)"
[ -n "$wp_rps" ] && echo "hao vs WordPress: $(ratio "$hao_rps" "$wp_rps")x"

# BENCH_EXTRAS=none: the seed page only (the others take minutes).
[ "${BENCH_EXTRAS:-all}" = none ] && exit 0
# bench/soak.sh: SOAK_SECONDS (here 300 unless set; the script alone defaults to an hour).
export SOAK_SECONDS=${SOAK_SECONDS:-300}
for extra in bench/search.sh bench/media.sh bench/import.sh bench/provenance.sh bench/cluster.sh bench/audience.sh bench/timeline.sh \
             bench/federation.sh bench/soak.sh; do
  [ -x "$extra" ] && { echo; echo "== $extra"; "$extra" | tee "$work/extra.out"; grep -E '^(comment POST p99|timeline p99)' "$work/extra.out" >>"$work/targets" || true; }
done
# Issue 12's two latency targets, side by side.
if [ -s "$work/targets" ]; then
  echo
  echo "== latency targets (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  cat "$work/targets"
fi
exit 0
