#!/bin/bash
# bench/provenance.sh: the originality check a publish runs, against 100,000
# and 1,000,000 earlier works, side by side in one run.
#
# build/bench-provenance (bench/provenance_gen.c, hao's own code) fills a fresh
# database per size with generated MinHash signatures (plus 600 works of real
# text from fortunes-zh), then times orig_check() for 400 texts by a new
# creator: half rewritten copies of indexed works, half new articles. Memory
# per indexed work is the index's bytes in SQLite (dbstat) divided by the
# number of works; the check keeps nothing in memory between publishes.
#
#   PROV_SIZES="100000 1000000"   sizes to run (default both)
#   PROV_QUERIES=400              checks per size
# Target: < 10 ms per check at 1,000,000 works.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build/bench-provenance >/dev/null
SIZES=${PROV_SIZES:-"100000 1000000"}
NQ=${PROV_QUERIES:-400}
work=$(mktemp -d /tmp/hao-bench-prov-XXXX)
trap 'rm -rf "$work"' EXIT

declare -A mean p50 p99 cpu cpu99 bpw total recall falses rss
for n in $SIZES; do
  echo "== $n earlier works: loading"
  build/bench-provenance "$work/d$n" "$n" 2 >/dev/null
  # The checks run in a fresh process on the loaded data, as a server would
  # have it (its memory is then the checker's, not the loader's).
  echo "== $n earlier works: $NQ checks"
  out=$(PROV_REUSE=1 build/bench-provenance "$work/d$n" "$n" "$NQ")
  echo "   $out"
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $out"; }
  mean[$n]=$(get mean_ms); p50[$n]=$(get p50_ms); p99[$n]=$(get p99_ms); cpu[$n]=$(get cpu_mean_ms); cpu99[$n]=$(get cpu_p99_ms)
  recall[$n]=$(get recall); falses[$n]=$(get false_flags); rss[$n]=$(get rss_kb)
  # Bytes of the originality index per work (band keys, lines, provenance rows).
  idx=$(sqlite3 "$work/d$n/hao.db" "SELECT sum(pgsize) FROM dbstat WHERE name IN ('originality_band','originality_line','provenance','provenance_seq','sqlite_autoindex_provenance_1')")
  bpw[$n]=$(awk -v a="$idx" -v n="$n" 'BEGIN { printf "%.0f", a / n }')
  total[$n]=$(du -sm "$work/d$n" | cut -f1)
  rm -rf "$work/d$n"
done

echo
# "other matches": indexed works that a copy also matched; fortunes-zh repeats
# some passages (论语 in two places), so these share real text.
echo "| earlier works | mean ms | p50 ms | p99 ms | CPU mean ms | CPU p99 ms | copies found | other matches | index bytes/work | db MB | checker RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" "$n" "${mean[$n]}" "${p50[$n]}" "${p99[$n]}" \
    "${cpu[$n]}" "${cpu99[$n]}" "${recall[$n]}" "${falses[$n]}" "${bpw[$n]}" "${total[$n]}" "$((${rss[$n]} / 1024))"
done
set -- $SIZES
if [ $# -ge 2 ]; then
  echo
  echo "check time at $2 vs $1 works: $(awk -v a="${mean[$2]}" -v b="${mean[$1]}" 'BEGIN { printf "%.2f", a / b }')x (mean)," \
       "$(awk -v a="${p99[$2]}" -v b="${p99[$1]}" 'BEGIN { printf "%.2f", a / b }')x (p99)"
fi
last=${!#}
echo "p99 at $last works: ${p99[$last]} ms   (target < 10 ms)"
