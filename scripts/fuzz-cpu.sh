#!/bin/bash
# Fuzz each driver until it has had CPU_SECONDS of processor time (issue 17:
# one CPU-hour per driver before resolving), in chunks of CHUNK wall seconds
# so that a shared machine's other work only stretches the run, never
# shortens what is counted. Runs at nice 19: it uses idle cores only.
#   scripts/fuzz-cpu.sh [CPU_SECONDS=3600] [DRIVER...]
# New inputs are kept in build/fuzz/work/NAME (the next run starts from them);
# a crash stops that driver and leaves build/fuzz/crash-NAME-* (a slow input,
# slow-unit-*, is kept but is no crash: a paused or starved run makes them).
# One line per chunk goes to build/fuzz/cpu.log: date driver cpu_s execs
# corpus crashes; a driver's totals go on from its last line there, so an
# interrupted run resumes. A driver with no line there starts from its line
# in fuzz/cpu-carried.txt (the totals FUZZING.md records, committed, so a
# new machine goes on counting; update it from cpu.log after a run).
set -uo pipefail
cd "$(dirname "$0")/.."
want=${1:-3600}; shift || true
chunk=${CHUNK:-600}
drivers=("$@")
[ ${#drivers[@]} -gt 0 ] || mapfile -t drivers < <(ls fuzz/*_fuzz.c | sed 's|fuzz/\(.*\)_fuzz.c|\1|')
log=build/fuzz/cpu.log
mkdir -p build/fuzz
for d in "${drivers[@]}"; do
  [ -x "build/fuzz/$d" ] || { echo "fuzz-cpu: build/fuzz/$d is not built (make fuzz-build)" >&2; exit 1; }
  mkdir -p "build/fuzz/work/$d"
  grep -q " $d cpu=" "$log" 2>/dev/null || grep " $d cpu=" fuzz/cpu-carried.txt 2>/dev/null | tail -1 >>"$log"
  last=$(grep " $d cpu=" "$log" 2>/dev/null | tail -1)
  used=$(sed -n 's/.* cpu=\([0-9]*\)s.*/\1/p' <<<"$last"); used=${used:-0}
  execs=$(sed -n 's/.* execs=\([0-9]*\).*/\1/p' <<<"$last"); execs=${execs:-0}
  while [ "$used" -lt "$want" ]; do
    t=$(mktemp)
    /usr/bin/time -f '%U %S' -o "$t" nice -n 19 "build/fuzz/$d" -max_total_time="$chunk" -print_final_stats=1 \
      -artifact_prefix="build/fuzz/crash-$d-" "build/fuzz/work/$d" "fuzz/corpus/$d" >"build/fuzz/cpu-$d.out" 2>&1
    rc=$?
    s=$(awk 'NR==1 {printf "%d", $1 + $2}' "$t"); rm -f "$t"
    n=$(awk '/stat::number_of_executed_units/ {print $2}' "build/fuzz/cpu-$d.out")
    used=$((used + ${s:-0})); execs=$((execs + ${n:-0}))
    crashes=$(ls build/fuzz/crash-$d-* 2>/dev/null | grep -vc -- "-slow-unit-")
    echo "$(date -u +%FT%TZ) $d cpu=${used}s execs=$execs corpus=$(ls "build/fuzz/work/$d" | wc -l) crashes=$crashes rc=$rc" | tee -a "$log"
    [ "$crashes" -eq 0 ] || { echo "fuzz-cpu: $d crashed, see build/fuzz/crash-$d-*" >&2; break; }
  done
done
