#!/bin/sh
# Runs the CLI integration tests once more with every caucus invocation under Valgrind
# memcheck (no leaks, no errors: any finding makes caucus exit 99, which fails its test).
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
for t in lint engine sim calibrate msel store report verify cosign; do
  run_counted "tests/cli/$t.sh (valgrind)" 10 env CAUCUS_BIN_OVERRIDE="$B/vg/caucus" sh "tests/cli/$t.sh" "$B"
done
echo "$passed $failed" > "$B/vg/test-counts"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
