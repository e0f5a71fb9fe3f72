#!/bin/sh
# Runs every test suite against one build directory and records pass/fail counts in
# BUILD/test-counts (read by tests/summary.sh). Usage: tests/run.sh BUILD
set -u
B=${1:-build}
export CAUCUS_BIN="$B/caucus"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
. tests/count.inc
# The store's conformance suite also runs against PostgreSQL on loopback.
if [ -z "${CAUCUS_TEST_PG:-}" ]; then
  CAUCUS_TEST_PG=$(sh tools/pg-test.sh) || echo "run.sh: PostgreSQL could not be started; its store tests will fail"
  export CAUCUS_TEST_PG
fi
echo "== unit tests ($B)"
out=$(LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" "$B/tests/unit" --jobs 2 2>&1); rc=$?
echo "$out" | grep -v '^\[----\]\|^\[PASS\]' | tail -n 40
syn=$(echo "$out" | grep 'Synthesis:' | tail -n 1)
p=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p'); f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
[ -n "$p" ] || { p=0; f=1; c=0; }
passed=$((passed + p)); failed=$((failed + f + c))
[ "$rc" = 0 ] || [ "$f" != 0 ] || failed=$((failed + 1))
for t in tests/cli/*.sh; do
  [ -e "$t" ] || continue
  # the installed library is checked once, from the normal build
  case "$B:$t" in *asan*:*install.sh) continue ;; esac
  run_counted "$t ($B)" 25 sh "$t" "$B"
done
echo "$passed $failed" > "$B/test-counts"
echo "$B: $passed passed, $failed failed"
[ "$failed" = 0 ]
