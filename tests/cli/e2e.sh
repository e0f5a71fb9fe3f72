#!/bin/sh
# End-to-end test of the live TTX in a real browser: starts `caucus serve` on the policy TTX
# sample (free loopback port, temporary store), reads control's and the seats' join codes from
# its output and runs tests/e2e/ttx.mjs, then tests/e2e/editor.mjs (the scenario editor), then
# tests/e2e/hybrid.mjs (hybrid seats and steering, on tests/scenarios/valid/river-basin.yaml),
# tests/e2e/forms.mjs (control's inject forms, on the same fixture),
# tests/e2e/mixed.mjs (three people and agents on every other seat, policy TTX, its own server),
# tests/e2e/bilingual.mjs (an English and a Korean player, on a server of their own),
# tests/e2e/debrief.mjs (the debrief page, on tests/scenarios/valid/harbour-debrief.yaml),
# tests/e2e/i18n-walk.mjs (no English left in a Korean console and seat view, its own server) and
# tests/e2e/editor-lang.mjs (the editor's field per language, on that server), with
# playwright-core driving Debian's chromium, headless; tests/e2e/catalogues.mjs checks the UI's
# catalogues agree.
# Never skips: no node, npm or chromium is a failure. Usage: tests/cli/e2e.sh BUILD_DIR.
# UPDATE_SCREENSHOTS=1 writes the screenshots to docs/img (otherwise to a scratch directory).
. tests/cli/harness.inc

E=tests/e2e
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT

if ! command -v node > /dev/null 2>&1; then no "node is not installed (apt-get install nodejs npm)"; fi
if ! command -v npm > /dev/null 2>&1; then no "npm is not installed (apt-get install npm)"; fi
if [ ! -x "$CHROMIUM" ]; then no "no chromium at $CHROMIUM (apt-get install chromium)"; fi
if [ "$fail" != 0 ]; then echo "$pass passed, $fail failed"; exit 1; fi
ok

# playwright-core from the lock file, installed again only when missing or older than the lock
if [ ! -f "$E/node_modules/playwright-core/package.json" ] || [ ! -f "$E/node_modules/.package-lock.json" ] ||
  [ "$E/package-lock.json" -nt "$E/node_modules/.package-lock.json" ]; then
  if npm ci --prefix "$E" --no-audit --no-fund > "$T/npm.log" 2>&1; then ok; else no "npm ci --prefix $E"; tail -5 "$T/npm.log"; fi
else
  ok
fi

expect_rc "serve --help" 0 "$BIN" serve --help
expect_out "serve usage" "usage: caucus serve"

"$BIN" serve scenarios/ncg-policy-ttx.yaml --db "$T/e2e.db" --listen 127.0.0.1:0 > "$T/serve.out" 2> "$T/serve.err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/serve.out" 2> /dev/null; do
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
addr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/serve.out")
if [ -n "$addr" ]; then ok; else no "caucus serve did not start"; cat "$T/serve.out" "$T/serve.err" | head -20; fi

# "  SEAT-OR-control   XXXXX-XXXXX-XXXXX-XXXXX   (PARTY, role)" -> {"SEAT": "CODE", ...}
codes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/serve.out")
for s in control usa-chair kor-chair; do
  case "$codes" in *"\"$s\":"*) ok ;; *) no "no join code for $s in the output of caucus serve" ;; esac
done

if [ -n "$addr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  CAUCUS_URL="http://$addr" CAUCUS_CODES="$codes" CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" \
    node "$E/ttx.mjs" > "$T/e2e.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/e2e.out" | tail -40
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/e2e.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "ttx.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "ttx.mjs exited $rc"; fi
  # the scenario editor, against the same server (tests/e2e/editor.mjs)
  CAUCUS_URL="http://$addr" CAUCUS_CODES="$codes" CAUCUS_IMG="$img" CAUCUS_BIN="$BIN" CHROMIUM="$CHROMIUM" \
    node "$E/editor.mjs" > "$T/editor.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/editor.out" | tail -40
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/editor.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "editor.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "editor.mjs exited $rc"; fi
  for v in editor editor-conflict; do
    if [ -s "$img/$v.png" ]; then ok; else no "screenshot $v.png missing"; fi
  done
  # participant feedback in the browser, against a server on the evaluation fixture (feedback.mjs)
  "$BIN" serve tests/scenarios/valid/evaluation.yaml --db "$T/fb.db" --codes "$T/fb-codes.json" --listen 127.0.0.1:0 > "$T/fb.out" 2> "$T/fb.err" &
  fbpid=$!
  i=0
  while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/fb.out" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
  fbaddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/fb.out")
  CAUCUS_URL="http://$fbaddr" CAUCUS_CODES="$(cat "$T/fb-codes.json" 2> /dev/null)" CHROMIUM="$CHROMIUM" \
    node "$E/feedback.mjs" > "$T/fb-e2e.out" 2>&1
  rc=$?
  kill "$fbpid" 2> /dev/null
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/fb-e2e.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/fb-e2e.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "feedback.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "feedback.mjs exited $rc"; fi
  # every view was captured at 1280x800
  for v in join control player-inbox consultation decision plan; do
    if [ -s "$img/$v.png" ] && [ "$(od -An -tu1 -j16 -N8 "$img/$v.png" | tr -s ' ')" = " 0 0 5 0 0 0 3 32" ]; then ok
    else no "screenshot $v.png missing or not 1280x800"; fi
  done
fi

# a bilingual exercise: one English and one Korean player on a server of their own
# (tests/e2e/bilingual.mjs; UPDATE_SCREENSHOTS=1 writes docs/img/player-inbox-ko.png)
"$BIN" serve scenarios/ncg-policy-ttx.yaml --db "$T/bi.db" --listen 127.0.0.1:0 > "$T/bi.out" 2> "$T/bi.err" &
bipid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/bi.out" 2> /dev/null; do
  kill -0 "$bipid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
biaddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/bi.out")
bicodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/bi.out")
if [ -n "$biaddr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  CAUCUS_URL="http://$biaddr" CAUCUS_CODES="$bicodes" CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" \
    node "$E/bilingual.mjs" > "$T/bi-e2e.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/bi-e2e.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/bi-e2e.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "bilingual.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "bilingual.mjs exited $rc"; fi
else
  no "caucus serve did not start for the bilingual test"
fi
kill "$bipid" 2> /dev/null
wait "$bipid" 2> /dev/null

# the UI's catalogues agree (tests/e2e/catalogues.mjs), and a Korean control console and seat view
# show no English but ids, markings and what participants wrote (tests/e2e/i18n-walk.mjs, on a
# server of its own)
run_mjs() { # NAME: counts the "N passed, N failed" line of $T/NAME.out into pass and fail
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/$1.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/$1.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "$1.mjs printed no count line (exit $2)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$2" = 0 ] || [ "$f" != 0 ]; then ok; else no "$1.mjs exited $2"; fi
}
node "$E/catalogues.mjs" ui > "$T/catalogues.out" 2>&1
run_mjs catalogues $?
"$BIN" serve scenarios/ncg-policy-ttx.yaml --db "$T/walk.db" --listen 127.0.0.1:0 > "$T/walk-serve.out" 2> "$T/walk-serve.err" &
wpid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/walk-serve.out" 2> /dev/null; do
  kill -0 "$wpid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
waddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/walk-serve.out")
wcodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/walk-serve.out")
if [ -n "$waddr" ]; then
  CAUCUS_URL="http://$waddr" CAUCUS_CODES="$wcodes" CHROMIUM="$CHROMIUM" node "$E/i18n-walk.mjs" > "$T/i18n-walk.out" 2>&1
  run_mjs i18n-walk $?
  # the scenario editor's fields per language (tests/e2e/editor-lang.mjs), on the same server
  CAUCUS_URL="http://$waddr" CAUCUS_CODES="$wcodes" CAUCUS_BIN="$BIN" CHROMIUM="$CHROMIUM" \
    node "$E/editor-lang.mjs" > "$T/editor-lang.out" 2>&1
  run_mjs editor-lang $?
else
  no "caucus serve did not start for the language walk"
fi
kill "$wpid" 2> /dev/null
wait "$wpid" 2> /dev/null

if [ -n "$pid" ] && ! kill -0 "$pid" 2> /dev/null; then
  no "caucus serve stopped during the test"; tail -5 "$T/serve.out" "$T/serve.err"
fi
if [ -n "$pid" ]; then
  kill "$pid" 2> /dev/null
  wait "$pid"; src=$?
  pid=""
  # a clean stop on SIGTERM, and the store holds a log that verifies
  if [ "$src" = 0 ]; then ok; else no "caucus serve exited $src on SIGTERM"; tail -20 "$T/serve.err"; fi
  expect_rc "export the exercise" 0 "$BIN" export "$T/e2e.db" --exercise 1 --log "$T/e2e.jsonl"
  # verified up to its last event (with or without the run.end of "End exercise")
  last=$(($(wc -l < "$T/e2e.jsonl") - 1))
  expect_rc "the live exercise's log replays" 0 "$BIN" replay "$T/e2e.jsonl" --until "$last" --scenario scenarios/ncg-policy-ttx.yaml
  if [ "$last" -gt 100 ]; then ok; else no "the live log has only $((last + 1)) events"; fi
fi

# hybrid seats and control's steering (tests/e2e/hybrid.mjs) on the river-basin fixture, its own server
"$BIN" serve tests/scenarios/valid/river-basin.yaml --db "$T/hybrid.db" --listen 127.0.0.1:0 > "$T/hserve.out" 2> "$T/hserve.err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/hserve.out" 2> /dev/null; do
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
haddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/hserve.out")
hcodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/hserve.out")
if [ -n "$haddr" ]; then
  CAUCUS_URL="http://$haddr" CAUCUS_CODES="$hcodes" CHROMIUM="$CHROMIUM" node "$E/hybrid.mjs" > "$T/hybrid.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/hybrid.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/hybrid.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "hybrid.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "hybrid.mjs exited $rc"; fi
else
  no "caucus serve did not start on the river-basin fixture"; head -5 "$T/hserve.err"
fi
kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; pid=""

# the debrief page (tests/e2e/debrief.mjs) on the harbour-debrief fixture, its own server
"$BIN" serve tests/scenarios/valid/harbour-debrief.yaml --db "$T/debrief.db" --codes "$T/debrief-codes.json" \
  --listen 127.0.0.1:0 > "$T/dserve.out" 2> "$T/dserve.err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/dserve.out" 2> /dev/null; do
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
daddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/dserve.out")
if [ -n "$daddr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  mkdir -p "$img"
  CAUCUS_URL="http://$daddr" CAUCUS_CODES="$(cat "$T/debrief-codes.json")" CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" \
    node "$E/debrief.mjs" > "$T/debrief.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/debrief.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/debrief.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "debrief.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "debrief.mjs exited $rc"; fi
  if [ -s "$img/debrief.png" ]; then ok; else no "screenshot debrief.png missing"; fi
else
  no "caucus serve did not start on the harbour-debrief fixture"; head -5 "$T/dserve.err"
fi
kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; pid=""

# control's inject forms (tests/e2e/forms.mjs) on the river-basin fixture, its own server
"$BIN" serve tests/scenarios/valid/river-basin.yaml --db "$T/forms.db" --listen 127.0.0.1:0 > "$T/fserve.out" 2> "$T/fserve.err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/fserve.out" 2> /dev/null; do
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
faddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/fserve.out")
fcodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/fserve.out")
if [ -n "$faddr" ]; then
  CAUCUS_URL="http://$faddr" CAUCUS_CODES="$fcodes" CHROMIUM="$CHROMIUM" node "$E/forms.mjs" > "$T/forms.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/forms.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/forms.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "forms.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "forms.mjs exited $rc"; fi
else
  no "caucus serve did not start on the river-basin fixture (forms)"; head -5 "$T/fserve.err"
fi
kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; pid=""

# a mixed table (tests/e2e/mixed.mjs) on the policy TTX sample, its own server: three people of two
# parties in the browser (usa-chair, kor-chair, usa-pa), every other seat its agent by --auto
mauto=$(awk '/^seats:/ { s = 1; next } s && /^[a-z]/ { s = 0 } s && /^  - id: / { print $3 }' scenarios/ncg-policy-ttx.yaml |
  grep -v -x -e usa-chair -e kor-chair -e usa-pa | paste -s -d, -)
"$BIN" serve scenarios/ncg-policy-ttx.yaml --db "$T/mixed.db" --listen 127.0.0.1:0 --seed 1 --auto "$mauto" \
  > "$T/mserve.out" 2> "$T/mserve.err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/mserve.out" 2> /dev/null; do
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
maddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/mserve.out")
mcodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/mserve.out")
if [ -n "$maddr" ]; then
  ok
  CAUCUS_URL="http://$maddr" CAUCUS_CODES="$mcodes" CHROMIUM="$CHROMIUM" node "$E/mixed.mjs" > "$T/mixed.out" 2>&1
  rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed' "$T/mixed.out" | tail -20
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/mixed.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed/\1/p')
  if [ -z "$p" ]; then no "mixed.mjs printed no count line (exit $rc)"; p=0; f=0; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" = 0 ] || [ "$f" != 0 ]; then ok; else no "mixed.mjs exited $rc"; fi
else
  no "caucus serve did not start on the policy TTX sample (mixed)"; head -5 "$T/mserve.err"
fi
kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; pid=""

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
