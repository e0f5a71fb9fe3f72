#!/bin/sh
# Byte-identity of what users see: regenerates the outputs of tests/golden/gen.sh (run logs,
# replays, reports in every form and view, sim outputs, MSEL exports, lint) and compares each
# with its committed copy in tests/golden/expected by cmp; a missing or extra file fails too.
# A change that alters an output on purpose rewrites them with tests/golden/regen.sh.
# Usage: tests/cli/golden.sh BUILD_DIR.
. tests/cli/harness.inc
E=tests/golden/expected
if sh tests/golden/gen.sh "$BIN" "$T/out" > "$T/gen.log" 2>&1; then ok; else no "gen.sh: $(tail -n 3 "$T/gen.log")"; fi
shown=0
for f in $(cd "$E" && find . -type f | sort); do
  if [ ! -f "$T/out/$f" ]; then
    no "$f: not written"
  elif cmp -s "$E/$f" "$T/out/$f"; then
    ok
  else
    no "$f differs from $E/$f (tests/golden/regen.sh rewrites the goldens)"
    if [ "$shown" -lt 3 ]; then diff "$E/$f" "$T/out/$f" | head -n 10; shown=$((shown + 1)); fi
  fi
done
for f in $(cd "$T/out" && find . -type f | sort); do
  [ -f "$E/$f" ] || no "$f: written, but has no golden copy (tests/golden/regen.sh)"
done
# not vacuous: the comparison covers every kind of output
for k in jsonl html md json csv xlsx.txt txt yaml; do
  if [ -n "$(cd "$E" && find . -name "*.$k" | head -n 1)" ]; then ok; else no "no golden *.$k"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
