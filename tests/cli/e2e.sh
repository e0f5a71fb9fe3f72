#!/bin/sh
# End-to-end test of the live TTX in a real browser: starts `caucus serve` on the policy TTX
# sample (free loopback port, temporary store), reads control's and the seats' join codes from
# its output and runs tests/e2e/ttx.mjs, then tests/e2e/editor.mjs (the scenario editor; its drawn
# delays on a second server running tests/scenarios/valid/health-council-drawn.yaml), then
# tests/e2e/hybrid.mjs (hybrid seats and steering, on tests/scenarios/valid/river-basin.yaml),
# tests/e2e/forms.mjs (control's inject forms, on the same fixture),
# tests/e2e/mixed.mjs (three people and agents on every other seat, policy TTX, its own server),
# tests/e2e/bilingual.mjs (an English and a Korean player, on a server of their own),
# tests/e2e/debrief.mjs (the debrief page, on tests/scenarios/valid/harbour-debrief.yaml),
# tests/e2e/a11y.mjs (axe-core on every view, layout, keyboard paths; servers of its own),
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
mpid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$mpid" ] && kill "$mpid" 2>/dev/null; rm -rf "$T"' EXIT

if ! command -v node > /dev/null 2>&1; then no "node is not installed (apt-get install nodejs npm)"; fi
if ! command -v npm > /dev/null 2>&1; then no "npm is not installed (apt-get install npm)"; fi
if [ ! -x "$CHROMIUM" ]; then no "no chromium at $CHROMIUM (apt-get install chromium)"; fi
if [ "$fail" != 0 ]; then echo "$pass passed, $fail failed"; exit 1; fi
ok

# playwright-core and axe-core from the lock file, installed again when missing, when the lock is
# newer than the install, or when the lock differs from the one installed last (a copy is kept)
if [ ! -f "$E/node_modules/playwright-core/package.json" ] || [ ! -f "$E/node_modules/axe-core/axe.min.js" ] ||
  [ ! -f "$E/node_modules/.package-lock.json" ] || [ "$E/package-lock.json" -nt "$E/node_modules/.package-lock.json" ] ||
  ! cmp -s "$E/package-lock.json" "$E/node_modules/.caucus-lock.json"; then
  if npm ci --prefix "$E" --no-audit --no-fund > "$T/npm.log" 2>&1; then
    cp "$E/package-lock.json" "$E/node_modules/.caucus-lock.json"; ok
  else no "npm ci --prefix $E"; tail -5 "$T/npm.log"; fi
else
  ok
fi

expect_rc "serve --help" 0 "$BIN" serve --help
expect_out "serve usage" "usage: caucus serve"

# start_server NAME ARGS...: `caucus serve ARGS` on a free loopback port, its output in
# $T/NAME-serve.out and .err; sets pid, saddr (host:port; empty when it did not start) and scodes
# (the seats' join codes it printed, as a JSON object). stop_server stops it.
start_server() {
  sname=$1; shift
  "$BIN" serve "$@" --listen 127.0.0.1:0 > "$T/$sname-serve.out" 2> "$T/$sname-serve.err" &
  pid=$!
  i=0
  while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/$sname-serve.out" 2> /dev/null; do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1; i=$((i + 1))
  done
  saddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/$sname-serve.out")
  scodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
    printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/$sname-serve.out")
}
stop_server() {
  kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; pid=""
}

# the live TTX (tests/e2e/ttx.mjs) and the scenario editor (tests/e2e/editor.mjs) on the policy
# sample; this server runs until the language walk is done, then it must stop cleanly on SIGTERM
# and its store must hold a log that replays
start_server main scenarios/ncg-policy-ttx.yaml --db "$T/e2e.db"
mpid=$pid; pid=""
addr=$saddr; codes=$scodes
if [ -n "$addr" ]; then ok; else no "caucus serve did not start"; cat "$T/main-serve.out" "$T/main-serve.err" | head -20; fi
for s in control usa-chair kor-chair; do
  case "$codes" in *"\"$s\":"*) ok ;; *) no "no join code for $s in the output of caucus serve" ;; esac
done

if [ -n "$addr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  CAUCUS_URL="http://$addr" CAUCUS_CODES="$codes" CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" \
    node "$E/ttx.mjs" > "$T/ttx.out" 2>&1
  run_mjs ttx $?
  # the editor's drawn delays (in tests/e2e/editor.mjs) on a server of their own, running
  # tests/scenarios/valid/health-council-drawn.yaml
  start_server drawn tests/scenarios/valid/health-council-drawn.yaml --db "$T/drawn.db"
  if [ -n "$saddr" ]; then ok; else no "caucus serve did not start on health-council-drawn.yaml"; fi
  CAUCUS_URL="http://$addr" CAUCUS_CODES="$codes" CAUCUS_IMG="$img" CAUCUS_BIN="$BIN" CHROMIUM="$CHROMIUM" \
    CAUCUS_DRAWN_URL="http://$saddr" CAUCUS_DRAWN_CODES="$scodes" node "$E/editor.mjs" > "$T/editor.out" 2>&1
  run_mjs editor $?
  stop_server
  for v in editor editor-conflict; do
    if [ -s "$img/$v.png" ]; then ok; else no "screenshot $v.png missing"; fi
  done
  # every view was captured at 1280x800
  for v in join control player-inbox consultation decision plan; do
    if [ -s "$img/$v.png" ] && [ "$(od -An -tu1 -j16 -N8 "$img/$v.png" | tr -s ' ')" = " 0 0 5 0 0 0 3 32" ]; then ok
    else no "screenshot $v.png missing or not 1280x800"; fi
  done
fi

# participant feedback in the browser (tests/e2e/feedback.mjs), on the evaluation fixture
start_server feedback tests/scenarios/valid/evaluation.yaml --db "$T/fb.db" --codes "$T/fb-codes.json"
if [ -n "$saddr" ]; then
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$(cat "$T/fb-codes.json" 2> /dev/null)" CHROMIUM="$CHROMIUM" \
    node "$E/feedback.mjs" > "$T/feedback.out" 2>&1
  run_mjs feedback $?
else
  no "caucus serve did not start on the evaluation fixture"; head -5 "$T/feedback-serve.err"
fi
stop_server

# a bilingual exercise: one English and one Korean player on a server of their own
# (tests/e2e/bilingual.mjs; UPDATE_SCREENSHOTS=1 writes docs/img/player-inbox-ko.png)
start_server bilingual scenarios/ncg-policy-ttx.yaml --db "$T/bi.db"
if [ -n "$saddr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$scodes" CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" \
    node "$E/bilingual.mjs" > "$T/bilingual.out" 2>&1
  run_mjs bilingual $?
else
  no "caucus serve did not start for the bilingual test"
fi
stop_server

# the UI's catalogues agree (tests/e2e/catalogues.mjs), and a Korean control console and seat view
# show no English but ids, markings and what participants wrote (tests/e2e/i18n-walk.mjs, on a
# server of its own)
node "$E/catalogues.mjs" ui > "$T/catalogues.out" 2>&1
run_mjs catalogues $?
start_server walk scenarios/ncg-policy-ttx.yaml --db "$T/walk.db"
if [ -n "$saddr" ]; then
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$scodes" CHROMIUM="$CHROMIUM" node "$E/i18n-walk.mjs" > "$T/i18n-walk.out" 2>&1
  run_mjs i18n-walk $?
  # the scenario editor's fields per language (tests/e2e/editor-lang.mjs), on the same server
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$scodes" CAUCUS_BIN="$BIN" CHROMIUM="$CHROMIUM" \
    node "$E/editor-lang.mjs" > "$T/editor-lang.out" 2>&1
  run_mjs editor-lang $?
else
  no "caucus serve did not start for the language walk"
fi
stop_server

if [ -n "$mpid" ] && ! kill -0 "$mpid" 2> /dev/null; then
  no "caucus serve stopped during the test"; tail -5 "$T/main-serve.out" "$T/main-serve.err"
fi
if [ -n "$mpid" ]; then
  kill "$mpid" 2> /dev/null
  wait "$mpid"; src=$?
  mpid=""
  # a clean stop on SIGTERM, and the store holds a log that verifies
  if [ "$src" = 0 ]; then ok; else no "caucus serve exited $src on SIGTERM"; tail -20 "$T/main-serve.err"; fi
  expect_rc "export the exercise" 0 "$BIN" export "$T/e2e.db" --exercise 1 --log "$T/e2e.jsonl"
  # verified up to its last event (with or without the run.end of "End exercise")
  last=$(($(wc -l < "$T/e2e.jsonl") - 1))
  expect_rc "the live exercise's log replays" 0 "$BIN" replay "$T/e2e.jsonl" --until "$last" --scenario scenarios/ncg-policy-ttx.yaml
  if [ "$last" -gt 100 ]; then ok; else no "the live log has only $((last + 1)) events"; fi
fi

# hybrid seats and control's steering (tests/e2e/hybrid.mjs) on the river-basin fixture, its own server
start_server hybrid tests/scenarios/valid/river-basin.yaml --db "$T/hybrid.db"
if [ -n "$saddr" ]; then
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$scodes" CHROMIUM="$CHROMIUM" node "$E/hybrid.mjs" > "$T/hybrid.out" 2>&1
  run_mjs hybrid $?
else
  no "caucus serve did not start on the river-basin fixture"; head -5 "$T/hybrid-serve.err"
fi
stop_server

# the debrief page (tests/e2e/debrief.mjs) on the harbour-debrief fixture, its own server
start_server debrief tests/scenarios/valid/harbour-debrief.yaml --db "$T/debrief.db" --codes "$T/debrief-codes.json"
if [ -n "$saddr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  mkdir -p "$img"
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$(cat "$T/debrief-codes.json")" CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" \
    node "$E/debrief.mjs" > "$T/debrief.out" 2>&1
  run_mjs debrief $?
  if [ -s "$img/debrief.png" ]; then ok; else no "screenshot debrief.png missing"; fi
else
  no "caucus serve did not start on the harbour-debrief fixture"; head -5 "$T/debrief-serve.err"
fi
stop_server

# control's inject forms (tests/e2e/forms.mjs) on the river-basin fixture, its own server
start_server forms tests/scenarios/valid/river-basin.yaml --db "$T/forms.db"
if [ -n "$saddr" ]; then
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$scodes" CHROMIUM="$CHROMIUM" node "$E/forms.mjs" > "$T/forms.out" 2>&1
  run_mjs forms $?
else
  no "caucus serve did not start on the river-basin fixture (forms)"; head -5 "$T/forms-serve.err"
fi
stop_server

# accessibility and layout (tests/e2e/a11y.mjs): a fresh server on the policy sample and one on the
# evaluation fixture (the evaluator's view); UPDATE_SCREENSHOTS=1 writes docs/img/control-1366.png
# and docs/img/player-390.png
"$BIN" serve scenarios/ncg-policy-ttx.yaml --db "$T/a11y.db" --listen 127.0.0.1:0 > "$T/aserve.out" 2> "$T/aserve.err" &
pid=$!
"$BIN" serve tests/scenarios/valid/evaluation.yaml --db "$T/a11y-ev.db" --codes "$T/a11y-ev.json" --listen 127.0.0.1:0 > "$T/aeserve.out" 2> "$T/aeserve.err" &
aepid=$!
i=0
while [ $i -lt 100 ] && ! { grep -q '^listening on ' "$T/aserve.out" && grep -q '^listening on ' "$T/aeserve.out"; } 2> /dev/null; do
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1; i=$((i + 1))
done
aaddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/aserve.out")
aeaddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/aeserve.out")
acodes=$(awk 'BEGIN { printf "{" } /^  [a-z][a-z0-9-]* +[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*-[0-9A-Z][0-9A-Z]*( |$)/ {
  printf "%s\"%s\":\"%s\"", n++ ? "," : "", $1, $2 } END { printf "}" }' "$T/aserve.out")
if [ -n "$aaddr" ] && [ -n "$aeaddr" ]; then
  img="$T/img"
  [ "${UPDATE_SCREENSHOTS:-}" = 1 ] && img=docs/img
  CAUCUS_URL="http://$aaddr" CAUCUS_CODES="$acodes" CAUCUS_EVAL_URL="http://$aeaddr" CAUCUS_EVAL_CODES="$(cat "$T/a11y-ev.json" 2> /dev/null)" \
    CAUCUS_IMG="$img" CHROMIUM="$CHROMIUM" node "$E/a11y.mjs" > "$T/a11y.out" 2>&1
  run_mjs a11y $?
  # the layout pictures at their sizes: 1366x768 (0x556 x 0x300) and 390x844 (0x186 x 0x34c)
  for v in "control-1366 0 0 5 86 0 0 3 0" "player-390 0 0 1 134 0 0 3 76"; do
    set -- $v
    if [ -s "$img/$1.png" ] && [ "$(od -An -tu1 -j16 -N8 "$img/$1.png" | tr -s ' ')" = " $2 $3 $4 $5 $6 $7 $8 $9" ]; then ok
    else no "screenshot $1.png missing or not at its size"; fi
  done
else
  no "caucus serve did not start for the accessibility test"; head -5 "$T/aserve.err" "$T/aeserve.err"
fi
kill "$pid" "$aepid" 2> /dev/null; wait "$pid" "$aepid" 2> /dev/null; pid=""

# a mixed table (tests/e2e/mixed.mjs) on the policy TTX sample, its own server: three people of two
# parties in the browser (usa-chair, kor-chair, usa-pa), every other seat its agent by --auto
mauto=$(awk '/^seats:/ { s = 1; next } s && /^[a-z]/ { s = 0 } s && /^  - id: / { print $3 }' scenarios/ncg-policy-ttx.yaml |
  grep -v -x -e usa-chair -e kor-chair -e usa-pa | paste -s -d, -)
start_server mixed scenarios/ncg-policy-ttx.yaml --db "$T/mixed.db" --seed 1 --auto "$mauto"
if [ -n "$saddr" ]; then
  ok
  CAUCUS_URL="http://$saddr" CAUCUS_CODES="$scodes" CHROMIUM="$CHROMIUM" node "$E/mixed.mjs" > "$T/mixed.out" 2>&1
  run_mjs mixed $?
else
  no "caucus serve did not start on the policy TTX sample (mixed)"; head -5 "$T/mixed-serve.err"
fi
stop_server

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
