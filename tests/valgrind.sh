#!/bin/sh
# Runs the CLI integration tests once more with every caucus invocation under Valgrind
# memcheck, a suite per core at a time (no leaks, no errors: any finding makes caucus exit 99,
# which fails its test).
# Records counts in BUILD/vg/test-counts for tests/summary.sh. Usage: tests/valgrind.sh BUILD
set -u
B=${1:-build}
mkdir -p "$B/vg"
cat > "$B/vg/caucus" <<EOS
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$(pwd)/$B/caucus" "\$@"
EOS
chmod +x "$B/vg/caucus"
. tests/count.inc
if [ -z "${CAUCUS_TEST_PG:-}" ]; then
  CAUCUS_TEST_PG=$(sh tools/pg-test.sh) || echo "valgrind.sh: PostgreSQL could not be started"
  export CAUCUS_TEST_PG
fi
# the suites run JOBS at a time (default: the number of cores; each suite's caucus runs are
# sequential), the longest first; their outputs are then counted in this order. Only store.sh and
# verify.sh use PostgreSQL, verify.sh in a schema of its own.
SUITES="store report msel engine verify sim lint calibrate cosign"
JOBS=${JOBS:-$(nproc 2> /dev/null || echo 2)}
for t in $SUITES; do rm -f "$B/vg/$t.out" "$B/vg/$t.rc" "$B/vg/$t.secs"; done
echo "$SUITES" | tr ' ' '\n' | xargs -P "$JOBS" -I{} sh -c \
  't0=$(date +%s); env CAUCUS_BIN_OVERRIDE="$1/vg/caucus" sh "tests/cli/$2.sh" "$1" > "$1/vg/$2.out" 2>&1; echo $? > "$1/vg/$2.rc"; echo "$(($(date +%s) - t0))" > "$1/vg/$2.secs"' sh "$B" {}
for t in $SUITES; do
  COUNT_SECS=$(cat "$B/vg/$t.secs" 2> /dev/null || echo '?') run_counted "tests/cli/$t.sh (valgrind)" 10 sh -c 'cat "$1"; exit "$(cat "$2" 2> /dev/null || echo 1)"' sh "$B/vg/$t.out" "$B/vg/$t.rc"
done
echo "$passed $failed" > "$B/vg/test-counts"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
