#!/bin/bash
# Media benchmarks, side by side in one run (called by bench/run.sh, or alone):
#   1. a 50 MB MP4 served with random 1 MiB Range requests (a player seeking):
#      hao /m/{id} vs nginx serving the same file (../shared/bench/nginx-static.sh),
#      wrk -t2 -c16, requests/s and MB/s, ratio;
#   2. time to accept and process a 12-megapixel JPEG (upload + full decode +
#      re-encode + 4 responsive variants), median of 5 distinct pictures;
#   3. hao's memory while a 500 MB video uploads (upload limit 512 MiB): peak
#      VmRSS and its anonymous part (RssAnon) of the server, sampled every
#      20 ms, and apart from it the peak VmRSS of the media helper process
#      that probes and re-muxes the video (src/media/helper.h).
# Loopback only; every server started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
HAO=$(realpath "${HAO_BIN:-build/hao}")
SHARED=${SHARED:-$(realpath ../shared)}
DUR=${BENCH_DURATION:-10s}
PORT_HAO=18190 PORT_NGINX=18191
work=$(mktemp -d /tmp/hao-bench-media-XXXX)
chmod 755 "$work" # nginx's workers run as another user and must reach the file
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "== making test media (ffmpeg, vips)"
ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t 20 \
  -c:v libx264 -preset ultrafast -b:v 19M -maxrate 19M -bufsize 8M -pix_fmt yuv420p -c:a aac -shortest "$work/v50.mp4"
for i in $(seq 10); do echo "file '$work/v50.mp4'"; done > "$work/list.txt"
ffmpeg -v error -y -f concat -safe 0 -i "$work/list.txt" -c copy "$work/v500.mp4"
vips gaussnoise "$work/noise.v" 4000 3000 --sigma 40 --mean 128
vips gaussblur "$work/noise.v" "$work/photo.v" 1.5
for i in 1 2 3 4 5; do vips linear "$work/photo.v" "$work/p$i.v" 1 "$i" --uchar && vips copy "$work/p$i.v" "$work/p$i.jpg[Q=90]"; done
v50=$(stat -c %s "$work/v50.mp4"); v500=$(stat -c %s "$work/v500.mp4"); jpg=$(stat -c %s "$work/p1.jpg")

echo "== starting hao"
echo 'bench-password-1' | "$HAO" user add bench --role creator --data "$work/data" >/dev/null 2>&1
sqlite3 "$work/data/hao.db" "INSERT INTO settings(key, value) VALUES ('media_quota_bytes', '10737418240')"
"$HAO" serve --data "$work/data" --listen 127.0.0.1:$PORT_HAO >"$work/hao.log" 2>&1 &
hao_pid=$!; pids+=("$hao_pid")
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT_HAO/healthz" >/dev/null && break; sleep 0.1; done
tok=$(curl -sf -H 'content-type: application/json' -d '{"handle":"bench","password":"bench-password-1"}' \
  "http://127.0.0.1:$PORT_HAO/api/v1/tokens" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
up() { curl -s -H "authorization: Bearer $tok" -F "file=@$1" "http://127.0.0.1:$PORT_HAO/api/v1/media"; }

echo "== 1. 50 MB video ($v50 bytes uploaded), random 1 MiB ranges, wrk -t2 -c16 -d$DUR"
vid=$(up "$work/v50.mp4" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
# nginx serves the very bytes hao serves (hao re-muxes uploads without metadata)
mkdir -p "$work/static"; curl -sf "http://127.0.0.1:$PORT_HAO/m/$vid" -o "$work/static/v50.mp4"
served=$(stat -c %s "$work/static/v50.mp4")
nginx_pid=$(bash "$SHARED/bench/nginx-static.sh" "$work/static" $PORT_NGINX); pids+=("$nginx_pid")
cat > "$work/range.lua" <<LUA
math.randomseed(42)
local size, chunk = $served, 1048576
request = function()
  local off = math.random(0, size - chunk)
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. off .. "-" .. (off + chunk - 1) })
end
LUA
curl -sf -o /dev/null -H 'Range: bytes=0-1' "http://127.0.0.1:$PORT_HAO/m/$vid"
cat >> "$work/range.lua" <<'LUA'
done = function(summary, latency, requests)
  -- non-2xx answers and socket errors would make a fast but wrong number
  io.write(string.format("CHECK bytes=%d requests=%d bad=%d\n", summary.bytes, summary.requests,
    summary.errors.status + summary.errors.read + summary.errors.connect))
end
LUA
wrk_run() { # url -> "req/s MB/s bad"
  local out; out=$(wrk -t2 -c16 -d"$DUR" -s "$work/range.lua" "$1")
  awk '/^Requests\/sec/ {r=$2} /^CHECK/ {split($2,b,"="); split($4,x,"=")} /^  [0-9]+ requests in/ {d=$4; sub(/s,/,"",d)}
       END {printf "%s %.0f %s\n", r, b[2]/1048576/d, x[2]}' <<<"$out"
}
read -r hao_rps hao_mbs hao_bad < <(wrk_run "http://127.0.0.1:$PORT_HAO/m/$vid")
read -r ngx_rps ngx_mbs ngx_bad < <(wrk_run "http://127.0.0.1:$PORT_NGINX/v50.mp4")
[ "$hao_bad$ngx_bad" = "00" ] || echo "   WARNING: non-206 answers or errors: hao $hao_bad, nginx $ngx_bad"

echo "== 2. a 12-megapixel JPEG (4000x3000, $jpg bytes): upload to 201, 5 distinct pictures"
times=()
for i in 1 2 3 4 5; do
  t=$(curl -s -o "$work/p$i.json" -w '%{time_total}' -H "authorization: Bearer $tok" -F "file=@$work/p$i.jpg" \
    "http://127.0.0.1:$PORT_HAO/api/v1/media")
  grep -q '"width":4000' "$work/p$i.json" || { echo "upload failed: $(cat "$work/p$i.json")"; exit 1; }
  times+=("$(awk -v t="$t" 'BEGIN { printf "%.0f", t * 1000 }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)

echo "== 3. hao's memory while a 500 MB video ($v500 bytes) uploads: in 8 MiB chunks (as the studio does), then as one POST"
# The summed VmRSS (kB) of the server's media helpers.
helpers_rss() {
  local sum=0 p r
  for p in $(pgrep -P "$hao_pid" 2>/dev/null); do
    r=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null || true)
    sum=$((sum + ${r:-0}))
  done
  echo "$sum"
}
# Sample the server's memory until the given PID exits: prints
# "peak_rss_kb peak_anon_kb peak_helper_rss_kb".
watch_mem() {
  local peak=0 peak_anon=0 peak_help=0 rss anon help
  while kill -0 "$1" 2>/dev/null; do
    read -r rss anon < <(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} END {print r, a}' /proc/$hao_pid/status)
    help=$(helpers_rss)
    [ "$rss" -gt "$peak" ] && peak=$rss
    [ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
    [ "$help" -gt "$peak_help" ] && peak_help=$help
    sleep 0.02
  done
  echo "$peak $peak_anon $peak_help"
}
chunked_upload() { # file -> the finish answer
  local f=$1 size off=0 chunk=$((8 << 20)) id
  size=$(stat -c %s "$f")
  id=$(curl -sf -X POST -H "authorization: Bearer $tok" "http://127.0.0.1:$PORT_HAO/api/v1/media/uploads" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
  while [ "$off" -lt "$size" ]; do
    # dd, not tail|head: a reader closing the pipe early fails the pipeline under pipefail
    dd if="$f" bs=1048576 skip=$((off >> 20)) count=$((chunk >> 20)) status=none | curl -sf -o /dev/null -H "authorization: Bearer $tok" \
      -H 'content-type: application/octet-stream' --data-binary @- \
      "http://127.0.0.1:$PORT_HAO/api/v1/media/uploads/$id?offset=$off" || { echo "chunk at $off failed"; return 1; }
    off=$((off + chunk)); [ "$off" -gt "$size" ] && off=$size
  done
  curl -s -X POST -H "authorization: Bearer $tok" "http://127.0.0.1:$PORT_HAO/api/v1/media/uploads/$id/finish"
}
rss0=$(awk '/VmRSS/ {print $2}' /proc/$hao_pid/status)
( chunked_upload "$work/v500.mp4" > "$work/v500c.json" ) &
read -r cpeak cpeak_anon chelp < <(watch_mem $!)
grep -q '"kind":"video"' "$work/v500c.json" || echo "   (chunked 500 MB upload answered: $(head -c 200 "$work/v500c.json"))"
printf '\x00' | dd of="$work/v500.mp4" bs=1 seek=$((v500 / 2)) conv=notrunc status=none # one byte inside the media data: other bytes, not deduplicated
rss1=$(awk '/VmRSS/ {print $2}' /proc/$hao_pid/status)
( up "$work/v500.mp4" > "$work/v500.json" ) &
read -r peak peak_anon phelp < <(watch_mem $!)
grep -q '"kind":"video"' "$work/v500.json" || echo "   (500 MB upload answered: $(head -c 200 "$work/v500.json"))"

echo
echo "| measurement | hao | nginx | ratio |"
echo "|---|---|---|---|"
printf "| 50 MB MP4, random 1 MiB Range GETs, req/s | %.0f (%s MB/s) | %.0f (%s MB/s) | %sx |\n" \
  "$hao_rps" "$hao_mbs" "$ngx_rps" "$ngx_mbs" "$(ratio "$hao_rps" "$ngx_rps")"
echo "| 12 MP JPEG accepted and processed (median of 5) | ${median} ms | | |"
echo "| hao RSS during a 500 MB upload in 8 MiB chunks: peak VmRSS / RssAnon (before: $((rss0 / 1024)) MB) | $((cpeak / 1024)) MB / $((cpeak_anon / 1024)) MB | | |"
echo "| hao RSS during a 500 MB upload as one POST: peak VmRSS / RssAnon (before: $((rss1 / 1024)) MB) | $((peak / 1024)) MB / $((peak_anon / 1024)) MB | | |"
echo "| the media helper process meanwhile: peak VmRSS, chunked / one POST | $((chelp / 1024)) MB / $((phelp / 1024)) MB | | |"
echo
echo "range serving vs nginx: $(ratio "$hao_rps" "$ngx_rps")x (target >= 0.8x); 12 MP JPEG: ${median} ms (target < 400 ms)"
echo "12 MP JPEG times (ms): ${times[*]}"
