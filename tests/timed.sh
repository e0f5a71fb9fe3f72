#!/bin/sh
# Runs one phase of `make test` and appends "NAME SECONDS" to build/test-times, which
# tests/summary.sh prints at the end, so the log shows where the test time goes.
# Usage: tests/timed.sh NAME COMMAND...
name=$1
shift
t0=$(date +%s)
"$@"
rc=$?
mkdir -p build
echo "$name $(($(date +%s) - t0))" >> build/test-times
exit "$rc"
