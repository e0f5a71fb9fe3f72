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
t0=$(date +%s)
# LeakSanitizer reports every leak (no suppression) without failing the process (exitcode=0);
# a leak with a frame in caucus's own code (src/ or tests/) is counted as a failure below, one
# entirely inside a third-party library is not: Criterion's runner keeps 48 bytes of its own
# alive at exit with --jobs (calloc inside libcriterion.so, no frame of caucus). A suppression
# by module would match any stack through libcriterion, i.e. every test, and hide real leaks.
out=$(LSAN_OPTIONS="exitcode=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" "$B/tests/unit" --jobs 2 2>&1); rc=$?
echo "$out" | grep -v '^\[----\]\|^\[PASS\]' | tail -n 40
leaks=$(echo "$out" | awk '/^(Direct|Indirect) leak/ { blk = 1; mine = 0; next }
  blk && /^[[:space:]]*$/ { n += mine; blk = 0 }
  blk && /[ \/](src|tests)\/[^ ]*\.c:[0-9]/ { mine = 1 }
  END { n += blk * mine; print n + 0 }')
if [ "$leaks" != 0 ]; then
  echo "FAIL: $leaks leak(s) with a frame in caucus's code (LeakSanitizer reports above)"
  echo "$out" | grep -A 12 '^Direct leak\|^Indirect leak' | head -n 60
  failed=$((failed + 1))
fi
syn=$(echo "$out" | grep 'Synthesis:' | tail -n 1)
p=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p'); f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
[ -n "$p" ] || { p=0; f=1; c=0; }
passed=$((passed + p)); failed=$((failed + f + c))
[ "$rc" = 0 ] || [ "$f" != 0 ] || failed=$((failed + 1))
echo "-- unit tests ($B): $(($(date +%s) - t0)) s"
for t in tests/cli/*.sh; do
  [ -e "$t" ] || continue
  # the installed library is checked once, from the normal build
  case "$B:$t" in *asan*:*install.sh) continue ;; esac
  run_counted "$t ($B)" 25 sh "$t" "$B"
done
echo "$passed $failed" > "$B/test-counts"
echo "$B: $passed passed, $failed failed"
[ "$failed" = 0 ]
