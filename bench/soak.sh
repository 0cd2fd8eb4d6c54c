#!/bin/bash
# bench/soak.sh — a soak of mixed traffic against one hao server (ops, issue 17).
#
#   SOAK_SECONDS=3600 (default; the issue's hour) SOAK_SAMPLE=60 bench/soak.sh
#
# SOAK_CLIENTS clients (default 4) loop over: reads (home, feeds, the work),
# a missing page, searches, publishes (create + publish through the API),
# edits (PUT), picture uploads (a fresh picture each time, so the media
# helper works), notices (notice_mode immediate: the work is taken down at
# once, 451) and its author's counter-notices through the studio form (the
# work is restored), and /metrics. Every request's status is checked against
# the one its kind expects; at the end the answers and the errors are printed
# by kind. Every SOAK_SAMPLE seconds it prints the server's resident memory,
# open descriptors and threads, media helpers alive, and the requests and
# errors so far, and how much of the RSS is the page caches and SQLite's
# (/metrics); at the end, the growth of RSS and descriptors from the first
# sample to the last, and of the RSS outside those caches. Exit 1 on any
# error. Loopback only; every process started here is stopped by PID.
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
: >"$work/errors"

echo 'soak-password-1' | "$HAO" user add soak --role creator --data "$work/data" >/dev/null
"$HAO" set notice_mode immediate --data "$work/data" >/dev/null
"$HAO" set notice_rate 1000 --data "$work/data" >/dev/null
NOTICE_EVERY=$(( (3600 * CLIENTS + 899) / 900 ))
HAO_MEDIA_HELPER_IDLE=5 "$HAO" serve --data "$work/data" --listen 127.0.0.1:$PORT >"$work/access.log" 2>"$work/hao.err" &
srv=$!; pids+=("$srv")
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -H 'content-type: application/json' -d '{"handle":"soak","password":"soak-password-1"}' "$BASE/api/v1/tokens" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "soak: no API token" >&2; exit 1; }
AUTH="authorization: Bearer $token"

# One request of a kind: count it, and count an error of that kind when its
# status is not the one expected (a 2xx, or 404 for the missing page, 303
# for a form). Errors used to be 5xx only, and the publishes were silently
# 422 (a declaration the site does not know) so nothing was ever published:
# every kind's answers are now checked and printed at the end.
#   req KIND EXPECT METHOD URL [curl args...]; the body is left in $work/body.$c
req() {
  local k=$1 want=$2 m=$3 u=$4; shift 4
  local code
  code=$(curl -s -o "$work/body.$c" -w '%{http_code}' -X "$m" "$@" "$BASE$u" || true)
  [ -n "$code" ] || code=000
  echo "$k $code" >>"$work/codes.$c"
  [[ $code =~ ^($want)$ ]] || echo "$(date -u +%T) $k: $m $u -> $code $(head -c 200 "$work/body.$c" 2>/dev/null | tr -s '\n' ' ')" >>"$work/errors"
  [[ $code =~ ^($want)$ ]]
}

client() { # n
  # A request that fails is counted (req), not fatal to the client.
  set +e
  local c=$1 i=0 id="" pic="$work/pic.$c.png" jar="$work/jar.$c" csrf td last_notice=$SECONDS noticed=""
  # A signed-in session for the studio's counter-notice form.
  curl -s -c "$jar" -b "$jar" "$BASE/login" >"$work/body.$c"
  csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/body.$c" | head -1)
  req login 303 POST /login -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" -d handle=soak -d password=soak-password-1 || true
  while :; do
    i=$((i + 1))
    req read 200 GET / ; req read 200 GET /feed.atom ; req read 200 GET /u/soak/feed.json ; req missing 404 GET /no/such/page
    req search 200 GET "/search?q=%E6%B5%8B%E8%AF%95+soak$((i % 7))"
    req search 200 GET "/api/v1/search?q=soak"
    if [ $((i % 3)) -eq 1 ]; then
      id=""
      if req publish 201 POST /api/v1/articles -H "$AUTH" -H 'content-type: application/json' \
        -d "{\"title\":\"soak $c $i\",\"body\":\"测试 soak$((i % 7)) paragraph $i of client $c.\\n\\nA second paragraph, $RANDOM.\",\"declaration\":\"none\"}"; then
        id=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$work/body.$c" | head -1)
      fi
      if [ -n "$id" ]; then
        req publish 200 POST "/api/v1/articles/$id/publish" -H "$AUTH" -H 'content-type: application/json' -d '{}'
        req edit 200 PUT "/api/v1/articles/$id" -H "$AUTH" -H 'content-type: application/json' \
          -d "{\"title\":\"soak $c $i edited\",\"body\":\"edited $RANDOM\"}"
        req read 200 GET "/a/$id"
      fi
    fi
    # (Sizes repeat, so a picture may come again: 200, the stored one.)
    if [ $((i % 5)) -eq 2 ] && command -v vips >/dev/null; then
      vips black "$pic" $((64 + (i * 7 + c) % 400)) 48 --bands 3 2>/dev/null &&
        req upload '200|201' POST /api/v1/media -H "$AUTH" -F "file=@$pic;type=image/png"
    fi
    # A notice takes the work down at once (notice_mode immediate, set
    # below); its author's counter-notice restores it (restore_mode's
    # default, immediate).
    # At most one notice per client every NOTICE_EVERY s: the site refuses
    # (429) more than notice_rate notices an hour from one address, and the
    # clients all share 127.0.0.1 (notice_rate is raised to its maximum,
    # 1000, below; NOTICE_EVERY keeps them under it).
    # Each work is noticed once: the same notifier naming it again is a
    # duplicate (409), which is the site right and the soak wrong.
    if [ $((SECONDS - last_notice)) -ge "$NOTICE_EVERY" ] && [ -n "$id" ] && [ "$id" != "$noticed" ]; then
      last_notice=$SECONDS noticed=$id
      if req notice 201 POST /api/v1/notices -H 'content-type: application/json' \
        -d "{\"name\":\"Soak Tester\",\"contact\":\"soak$c@example.org\",\"address\":\"1 Test Road\",\"right\":\"copyright\",\"original\":\"https://example.org/original/$c/$i\",\"signature\":\"Soak Tester\",\"good_faith\":true,\"urls\":[\"$BASE/a/$id\"]}"; then
        req notice 451 GET "/a/$id"
        req counter 200 GET /studio/notices -b "$jar"
        td=$(sed -n "s/.*data-takedown=\"\([0-9]*\)\" data-work=\"$id\" data-status=\"active\".*/\1/p" "$work/body.$c" | head -1)
        if [ -z "$td" ]; then
          echo "$(date -u +%T) counter: no active takedown of $id in /studio/notices" >>"$work/errors"
        elif req counter 200 GET "/studio/notices/$td/counter" -b "$jar"; then
          csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/body.$c" | head -1)
          req counter 303 POST "/studio/notices/$td/counter" -b "$jar" --data-urlencode "csrf=$csrf" \
            --data-urlencode "name=Soak Author $c" -d "contact=author$c@example.org" -d "address=2 Test Road" \
            -d "statement=I wrote it myself." -d "proof=drafts" -d good_faith=1 --data-urlencode "signature=Soak Author $c" &&
            req counter 200 GET "/a/$id"
        fi
      fi
    fi
    req metrics 200 GET /metrics
  done
}

for c in $(seq "$CLIENTS"); do client "$c" & pids+=("$!"); done

stat_line() {
  local rss fds thr helpers n e m
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$srv/status")
  # What of it is caches the server bounds: its page caches (32 MB a loop
  # at most) and SQLite's (page caches and statements), from /metrics.
  m=$(curl -s "$BASE/metrics")
  pc=$(awk '$1 == "hao_page_cache_bytes" {printf "%d", $2 / 1024}' <<<"$m")
  sq=$(awk '$1 == "hao_sqlite_memory_bytes" {printf "%d", $2 / 1024}' <<<"$m")
  fds=$(ls "/proc/$srv/fd" | wc -l)
  thr=$(awk '/^Threads/ {print $2}' "/proc/$srv/status")
  helpers=$(pgrep -P "$srv" -f media-helper 2>/dev/null | wc -l || true)
  n=$(cat "$work"/codes.* 2>/dev/null | wc -l)
  e=$( [ -f "$work/errors" ] && wc -l <"$work/errors" || echo 0)
  echo "$rss ${pc:-?} ${sq:-?} $fds $thr $helpers $n $e"
}

echo "soak: $DUR s of mixed traffic, $CLIENTS clients, a sample every $SAMPLE s (load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%8s %10s %10s %10s %6s %8s %8s %10s %7s\n' time rss_kb pages_kb sqlite_kb fds threads helpers requests errors
start=$(date +%s); first=""; last=""
while [ $(( $(date +%s) - start )) -lt "$DUR" ]; do
  left=$(( DUR - ($(date +%s) - start) )); sleep $(( left < SAMPLE ? left : SAMPLE ))
  kill -0 "$srv" 2>/dev/null || { echo "soak: the server died" >&2; cat "$work/hao.err" >&2; exit 1; }
  read -r rss pc sq fds thr helpers n e < <(stat_line)
  printf '%7ss %10s %10s %10s %6s %8s %8s %10s %7s\n' $(( $(date +%s) - start )) "$rss" "$pc" "$sq" "$fds" "$thr" "$helpers" "$n" "$e"
  # The first sample is warm-up (caches, pool connections, first helper).
  if [ -z "$first" ]; then first="$rss $fds $pc $sq"; fi
  last="$rss $fds $pc $sq"
done
read -r r0 f0 p0 s0 <<<"$first"; read -r r1 f1 p1 s1 <<<"$last"
echo "soak: answers by kind and status:"
cat "$work"/codes.* | sort | uniq -c | awk '{a[$2] = a[$2] " " $3 ":" $1} END {for (k in a) printf "  %-8s%s\n", k, a[k]}' | sort
echo "soak: errors by kind (a status other than expected, or no answer):"
for k in login read missing search publish edit upload notice counter metrics; do
  printf '  %-8s %s\n' "$k" "$(grep -c " $k: " "$work/errors" 2>/dev/null || true)"
done
echo "soak: RSS $r0 -> $r1 kB ($(( r1 - r0 )) kB), descriptors $f0 -> $f1, load $(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$p0$s0$p1$s1" =~ ^[0-9]+$ ]] &&
  echo "soak: outside the page and SQLite caches: $(( r0 - p0 - s0 )) -> $(( r1 - p1 - s1 )) kB ($(( (r1 - p1 - s1) - (r0 - p0 - s0) )) kB)"
if [ -s "$work/errors" ]; then echo "soak: errors:"; head -20 "$work/errors"; grep -m5 -i "error\|sanitizer" "$work/hao.err" || true; exit 1; fi
echo "soak: no errors"
