#!/bin/bash
# Search benchmark (bench/run.sh calls it; alone: bench/search.sh).
# Generates SEARCH_BENCH_WORKS works (default 100,000: ~330 MB of mixed
# Chinese and English text from fortunes-zh and a generated vocabulary) into
# a fresh hao database, builds hao's index with hao's own code and an FTS5
# trigram index beside it, and prints build time, index size / text size and
# query latency p50/p99 and recall for 1, 2, 3, 5 Chinese characters and
# English words: hao vs FTS5 trigram vs a brute-force instr() scan, one run.
# Takes about 15 minutes at 100,000 works on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKS=${SEARCH_BENCH_WORKS:-100000}
make --no-print-directory build/search_bench >/dev/null
work=$(mktemp -d /tmp/hao-search-bench-XXXX)
trap 'rm -rf "$work"' EXIT
echo "== search: $WORKS generated works (SEARCH_BENCH_WORKS=N to change)"
build/search_bench "$work/data" "$WORKS"
