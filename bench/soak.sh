#!/bin/bash
# bench/soak.sh — a soak of mixed traffic against one hao server (ops, issue 17).
#
#   SOAK_SECONDS=3600 (default; the issue's hour) SOAK_SAMPLE=60 bench/soak.sh
#
# Four clients loop over: reads (home, the work, a missing page, feeds),
# searches, publishes (create + publish through the API), edits (PUT),
# picture uploads (a fresh picture each time, so the media helper works),
# notices (the API; with no mail set up they wait for a moderator, so no
# work is taken down and there is nothing to counter-notice; a refusal of a
# field counts as an answer, not an error),
# and /metrics. Every SOAK_SAMPLE seconds it prints the server's resident
# memory, open descriptors and threads, media helpers alive, and the
# requests and errors (5xx or no answer) so far. At the end: growth of RSS
# and descriptors from the first sample after warm-up to the last. Exit 1 on
# any error. Loopback only; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
HAO=${HAO_BIN:-build/hao}
DUR=${SOAK_SECONDS:-3600}
SAMPLE=${SOAK_SAMPLE:-60}
CLIENTS=${SOAK_CLIENTS:-4}
PORT=${SOAK_PORT:-18190}
BASE=http://127.0.0.1:$PORT
work=$(mktemp -d /tmp/hao-soak-XXXX)
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo 'soak-password-1' | "$HAO" user add soak --role creator --data "$work/data" >/dev/null
HAO_MEDIA_HELPER_IDLE=5 "$HAO" serve --data "$work/data" --listen 127.0.0.1:$PORT >"$work/access.log" 2>"$work/hao.err" &
srv=$!; pids+=("$srv")
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -H 'content-type: application/json' -d '{"handle":"soak","password":"soak-password-1"}' "$BASE/api/v1/tokens" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "soak: no API token" >&2; exit 1; }
AUTH="authorization: Bearer $token"

# One request: count it, and count an error for a 5xx or no answer.
req() { # client method url [curl args...]
  local c=$1 m=$2 u=$3; shift 3
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -X "$m" "$@" "$BASE$u" || echo 000)
  echo "$code" >>"$work/codes.$c"
  case $code in 5*|000) echo "$(date -u +%T) $m $u -> $code" >>"$work/errors" ;; esac
}

client() { # n
  local c=$1 i=0 id="" pic="$work/pic.$c.png"
  while :; do
    i=$((i + 1))
    req "$c" GET / ; req "$c" GET /feed.xml ; req "$c" GET /no/such/page
    req "$c" GET "/search?q=%E6%B5%8B%E8%AF%95+soak$((i % 7))"
    req "$c" GET "/api/v1/search?q=soak"
    if [ $((i % 3)) -eq 1 ]; then
      id=$(curl -s -H "$AUTH" -H 'content-type: application/json' \
        -d "{\"title\":\"soak $c $i\",\"body\":\"测试 soak$((i % 7)) paragraph $i of client $c.\\n\\nA second paragraph, $RANDOM.\",\"declaration\":\"original\"}" \
        "$BASE/api/v1/articles" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' | head -1)
      echo 201 >>"$work/codes.$c"
      if [ -n "$id" ]; then
        req "$c" POST "/api/v1/articles/$id/publish" -H "$AUTH" -H 'content-type: application/json' -d '{}'
        req "$c" PUT "/api/v1/articles/$id" -H "$AUTH" -H 'content-type: application/json' \
          -d "{\"title\":\"soak $c $i edited\",\"body\":\"edited $RANDOM\"}"
        req "$c" GET "/a/$id"
      fi
    fi
    if [ $((i % 5)) -eq 2 ] && command -v vips >/dev/null; then
      vips black "$pic" $((64 + (i * 7 + c) % 400)) 48 --bands 3 2>/dev/null &&
        req "$c" POST /api/v1/media -H "$AUTH" -F "file=@$pic;type=image/png"
    fi
    if [ $((i % 10)) -eq 5 ] && [ -n "$id" ]; then
      req "$c" POST /api/v1/notices -H 'content-type: application/json' \
        -d "{\"name\":\"Soak Tester\",\"contact\":\"soak@example.org\",\"address\":\"1 Test Road\",\"right\":\"copyright\",\"original\":\"https://example.org/original/$i\",\"signature\":\"Soak Tester\",\"ground\":\"copyright\",\"good_faith\":true,\"urls\":[\"$BASE/a/$id\"]}"
    fi
    req "$c" GET /metrics
  done
}

for c in $(seq "$CLIENTS"); do client "$c" & pids+=("$!"); done

stat_line() {
  local rss fds thr helpers n e
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$srv/status")
  fds=$(ls "/proc/$srv/fd" | wc -l)
  thr=$(awk '/^Threads/ {print $2}' "/proc/$srv/status")
  helpers=$(pgrep -P "$srv" -f media-helper 2>/dev/null | wc -l || true)
  n=$(cat "$work"/codes.* 2>/dev/null | wc -l)
  e=$( [ -f "$work/errors" ] && wc -l <"$work/errors" || echo 0)
  echo "$rss $fds $thr $helpers $n $e"
}

echo "soak: $DUR s of mixed traffic, $CLIENTS clients, a sample every $SAMPLE s (load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%8s %10s %6s %8s %8s %10s %7s\n' time rss_kb fds threads helpers requests errors
start=$(date +%s); first=""; last=""
while [ $(( $(date +%s) - start )) -lt "$DUR" ]; do
  left=$(( DUR - ($(date +%s) - start) )); sleep $(( left < SAMPLE ? left : SAMPLE ))
  kill -0 "$srv" 2>/dev/null || { echo "soak: the server died" >&2; cat "$work/hao.err" >&2; exit 1; }
  read -r rss fds thr helpers n e < <(stat_line)
  printf '%7ss %10s %6s %8s %8s %10s %7s\n' $(( $(date +%s) - start )) "$rss" "$fds" "$thr" "$helpers" "$n" "$e"
  # The first sample is warm-up (caches, pool connections, first helper).
  if [ -z "$first" ]; then first="$rss $fds"; fi
  last="$rss $fds"
done
read -r r0 f0 <<<"$first"; read -r r1 f1 <<<"$last"
echo "soak: answers by status: $(cat "$work"/codes.* | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')"
echo "soak: RSS $r0 -> $r1 kB ($(( r1 - r0 )) kB), descriptors $f0 -> $f1, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -s "$work/errors" ]; then echo "soak: errors:"; head -20 "$work/errors"; grep -m5 -i "error\|sanitizer" "$work/hao.err" || true; exit 1; fi
echo "soak: no errors"
