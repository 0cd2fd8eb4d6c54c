#!/bin/bash
# One test file for scripts/test.sh: `node --test FILE` under a wall-clock
# limit, its output printed whole when it ends, its result appended to RESULTS.
# Usage: scripts/test-file.sh RESULTS NODE [NODE_OPTION...] FILE
# (the environment says the rest: HAO_BIN, HAO_TEST_PG, ...).
# HAO_TEST_FILE_TIMEOUT: seconds a file may take (default 600).
set -u
results=$1 node=$2; shift 2
file=${*: -1}
limit=${HAO_TEST_FILE_TIMEOUT:-600}
log=$(mktemp /tmp/hao-test-log-XXXXXX)
start=$SECONDS
# timeout puts the file's node and every process it starts (the hao servers)
# in a process group of their own, whose id is timeout's pid, and signals the
# whole group when the time is up.
PATH="$(dirname "$node"):$PATH" timeout -k 10 "$limit" "$node" --test "$@" >"$log" 2>&1 &
group=$!
wait "$group"; rc=$?
# Whatever the file left behind in its group (servers of a test that timed out).
kill -KILL -- "-$group" 2>/dev/null
took=$((SECONDS - start))
if [ "$rc" -eq 0 ]; then result="ok $file ${took}s"
elif [ "$took" -ge "$limit" ]; then result="FAILED $file: timed out after ${limit}s"
else result="FAILED $file (exit $rc, ${took}s)"
fi
# One file's output at a time, whole, however many run at once.
exec 9>>"$results"
flock 9
echo "--- $file"
cat "$log"
echo "--- $result"
echo "$result" >&9
rm -f "$log"
