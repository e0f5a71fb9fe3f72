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
passed=0; failed=0
for t in lint engine sim; do
  echo "== tests/cli/$t.sh (valgrind)"
  out=$(CAUCUS_BIN_OVERRIDE="$B/vg/caucus" sh "tests/cli/$t.sh" "$B" 2>&1); rc=$?
  echo "$out" | tail -n 10
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  [ -n "$p" ] || { p=0; f=1; }
  [ "$rc" = 0 ] || [ "$f" != 0 ] || f=$((f + 1))
  passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed $failed" > "$B/vg/test-counts"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
