#!/bin/bash
# bench/import.sh: does `hao import` scale with the size of the export?
#
# Generates a WordPress (WXR) and a Ghost export of N and 4N posts
# (bench/import_gen.mjs: five tags, two pictures by URL, and for WXR three
# comments per post) and times, for each, `hao import --check` and a full
# import into a fresh site. The result is the ratio time(4N) / time(N): about
# 4 when the import is linear, about 16 when it is quadratic (as it was
# before keyindex: 8,000 Ghost posts took minutes to check). Pictures by URL
# are not fetched (no --fetch): they become links, as the report says.
#
#   IMPORT_N=2000   the smaller size (the larger is four times it)
set -euo pipefail
cd "$(dirname "$0")/.."
HAO=${HAO_BIN:-build/hao}
N=${IMPORT_N:-2000}
work=$(mktemp -d /tmp/hao-bench-import-XXXX)
trap 'rm -rf "$work"' EXIT
secs() { # command... -> wall seconds (the command's output is dropped)
  local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "bench/import: failed: $*" >&2; exit 1; }
  t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}'
}
site() { # dir: a fresh site with the generator's three creators
  rm -rf "$1"
  for u in writer0 writer1 writer2; do echo 'bench-password-1' | "$HAO" user add $u --role creator --data "$1" >/dev/null 2>&1; done
}
printf '%-6s %7s %12s %12s\n' format posts "check (s)" "import (s)"
declare -A chk imp
for fmt in wxr ghost; do
  for n in $N $((4 * N)); do
    f=$work/$fmt$n.$([ $fmt = wxr ] && echo xml || echo json)
    node bench/import_gen.mjs $fmt $n "$f"
    site "$work/d"
    chk[$fmt$n]=$(secs "$HAO" import "$f" --check --data "$work/d")
    imp[$fmt$n]=$(secs "$HAO" import "$f" --data "$work/d")
    [ "$(sqlite3 "$work/d/hao.db" 'SELECT count(*) FROM works')" = "$n" ] || { echo "bench/import: $f: not $n works" >&2; exit 1; }
    printf '%-6s %7d %12s %12s\n' $fmt $n "${chk[$fmt$n]}" "${imp[$fmt$n]}"
  done
done
echo "ratio time($((4 * N)) posts) / time($N posts): 4 is linear, 16 quadratic"
for fmt in wxr ghost; do
  awk -v f=$fmt -v c1="${chk[$fmt$N]}" -v c4="${chk[$fmt$((4 * N))]}" -v i1="${imp[$fmt$N]}" -v i4="${imp[$fmt$((4 * N))]}" \
    'BEGIN {printf "%-6s check %.1fx   import %.1fx\n", f, c4 / (c1 > 0 ? c1 : 0.01), i4 / (i1 > 0 ? i1 : 0.01)}'
done
