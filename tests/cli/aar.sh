#!/bin/sh
# Finishing the after-action report (issue 18): `caucus summary` on a store (versions, labels,
# errors), `caucus report DB --exercise ID` with the newest version, /api/summary over HTTP
# (tests/http/summary_test.py), all on the flood consultation fixture
# (tests/scenarios/valid/flood-consultation.yaml); and, with node, npm and chromium,
# tests/e2e/evaluator.mjs (the evaluator's page and the AAR page in a browser).
# Usage: tests/cli/aar.sh BUILD_DIR (SQLite stores only). Never skips: no node or chromium is a failure.
. tests/cli/harness.inc

S=tests/scenarios/valid/flood-consultation.yaml
I=tests/inputs/flood-consultation.jsonl
DB="$T/aar.db"
expect_rc "run the fixture" 0 "$BIN" run "$S" --inputs "$I" --log "$T/fl.jsonl"
expect_rc "import it" 0 "$BIN" import "$DB" --log "$T/fl.jsonl" --scenario "$S"
expect_out "exercise 1" "as exercise 1:"

expect_rc "summary --help" 0 "$BIN" summary --help
expect_out "usage" "usage: caucus summary DB --exercise ID"
expect_rc "no store: usage" 2 "$BIN" summary
expect_rc "a log is not a store" 2 "$BIN" summary "$T/fl.jsonl" --exercise 1
expect_out "store wanted" "must be a store"
expect_rc "no --exercise" 2 "$BIN" summary "$DB"
expect_out "--exercise wanted" "--exercise needs an exercise id"
expect_rc "two actions" 2 "$BIN" summary "$DB" --exercise 1 --clear --versions
expect_out "one at a time" "go one at a time"
expect_rc "--label without --set" 2 "$BIN" summary "$DB" --exercise 1 --label OFFICIAL
expect_rc "no such exercise" 1 "$BIN" summary "$DB" --exercise 7
expect_out "names the exercise" "no exercise 7"

expect_rc "nothing saved yet" 0 "$BIN" summary "$DB" --exercise 1
expect_out "says the report drafts it" "exercise 1: no summary saved; reports draft it from the data"
"$BIN" report "$DB" --exercise 1 --md "$T/draft.md" > /dev/null 2>&1
if grep -qF "Riverside flood consultation was played from" "$T/draft.md"; then ok; else no "the store report drafts the summary"; fi

printf 'The river authority and the health office agreed one advisory.\n\nName a duty officer for flood consultations.\n' > "$T/s1.txt"
expect_rc "a bad label is refused" 2 "$BIN" summary "$DB" --exercise 1 --set "$T/s1.txt" --label 'OFFICAL//REL TO REGION'
expect_out "says why" "is not a label of the scenario's policy"
printf 'caf\351\n' > "$T/latin1.txt"
expect_rc "not UTF-8 is refused" 2 "$BIN" summary "$DB" --exercise 1 --set "$T/latin1.txt"
expect_out "says where" "not UTF-8 at line 1, column 4"
printf '\n  \n' > "$T/blank.txt"
expect_rc "a blank text is refused" 2 "$BIN" summary "$DB" --exercise 1 --set "$T/blank.txt"
expect_out "says empty" "the summary is empty"
head -c 70000 /dev/zero | tr '\0' a > "$T/big.txt"
expect_rc "a text over 64 KiB is refused" 2 "$BIN" summary "$DB" --exercise 1 --set "$T/big.txt"
expect_out "says how long" "the summary is 70000 bytes; at most 65536 are kept"
expect_rc "nothing saved by the refusals" 0 "$BIN" summary "$DB" --exercise 1 --versions
expect_out "still none" "no summary saved"

expect_rc "save version 1" 0 "$BIN" summary "$DB" --exercise 1 --set "$T/s1.txt" --label 'OFFICIAL//REL TO REGION' --author 'Planner A'
expect_out "version 1, canonical label" "exercise 1: summary version 1 saved (109 bytes, label OFFICIAL//REL TO EXCON, PHO, RBA)"
expect_rc "show it" 0 "$BIN" summary "$DB" --exercise 1 --show
expect_out "its head" "version 1 by Planner A at "
expect_out "its text" "Name a duty officer for flood consultations."
"$BIN" report "$DB" --exercise 1 --md "$T/v1.md" > /dev/null 2>&1
if grep -qF "The river authority and the health office agreed one advisory." "$T/v1.md" &&
  ! grep -qF "was played from" "$T/v1.md"; then ok; else no "the store report has version 1 in place of the draft"; fi
"$BIN" report "$DB" --exercise 1 --seat rba-lead --md "$T/rba1.md" > /dev/null 2>&1
if grep -qF "agreed one advisory" "$T/rba1.md"; then ok; else no "a seat that may read the label has version 1"; fi

printf 'Control cell only: the river authority was slow.\n' > "$T/s2.txt"
expect_rc "save version 2 for the control cell" 0 "$BIN" summary "$DB" --exercise 1 --set "$T/s2.txt" --label 'OFFICIAL//REL TO EXCON'
"$BIN" report "$DB" --exercise 1 --seat rba-lead --md "$T/rba2.md" --json "$T/rba2.json" > /dev/null 2>&1
if ! grep -qF "Control cell only" "$T/rba2.md" "$T/rba2.json" && grep -qF "was played from" "$T/rba2.md"; then ok
else no "a seat that may not read version 2's label gets its own draft and never the text"; fi
"$BIN" report "$DB" --exercise 1 --docx "$T/ctl2.docx" > /dev/null 2>&1
if unzip -p "$T/ctl2.docx" word/document.xml 2> /dev/null | grep -qF "Control cell only"; then ok; else no "control's DOCX has version 2"; fi
printf 'From the command line.\n' > "$T/s3.txt"
"$BIN" report "$DB" --exercise 1 --summary "$T/s3.txt" --md "$T/over.md" > /dev/null 2>&1
if grep -qF "From the command line." "$T/over.md" && ! grep -qF "Control cell only" "$T/over.md"; then ok
else no "--summary FILE takes the place of the stored version"; fi

expect_rc "back to the draft" 0 "$BIN" summary "$DB" --exercise 1 --clear --author 'Planner B'
expect_out "version 3" "exercise 1: summary version 3: back to the summary drafted from the data"
"$BIN" report "$DB" --exercise 1 --md "$T/v3.md" > /dev/null 2>&1
if grep -qF "was played from" "$T/v3.md" && ! grep -qF "Control cell only" "$T/v3.md"; then ok; else no "the report is drafted again"; fi
expect_rc "every version kept" 0 "$BIN" summary "$DB" --exercise 1 --versions
expect_out "v3" "version 3 by Planner B at "
expect_out "v2" "label OFFICIAL//REL TO EXCON"
expect_out "v1" "version 1 by Planner A at "
if [ "$(wc -l < "$T/out")" = 3 ]; then ok; else no "three versions listed"; cat "$T/out"; fi
printf 'From standard input.\n' | "$BIN" summary "$DB" --exercise 1 --set - > "$T/out" 2> "$T/err"
expect_out "read from standard input" "summary version 4 saved (21 bytes, label (none))"

# the report's objectives section on tests/scenarios/valid/harbour-evaluation.yaml, worked by hand
# (tests/inputs/harbour-evaluation.jsonl): C-1 requested at +20m, acknowledged by pa-lead at +25m and
# cg-lead at +55m, so G-ack (30 minutes, tied to no objective) is missed at +20m + 30m = +50m; D-1
# (tied to no objective) opens at +30m with a 1h deadline and expires undecided at +1h30m; eval-a
# rates CT-1 S at +1h then M at +1h5m (its last: M), eval-b rates CT-1 / CT-1.1 P at +1h10m.
HS=tests/scenarios/valid/harbour-evaluation.yaml
expect_rc "harbour fixture lints clean" 0 "$BIN" lint "$HS"
expect_rc "harbour run" 0 "$BIN" run "$HS" --inputs tests/inputs/harbour-evaluation.jsonl --log "$T/hb.jsonl"
for s in control eval-a pa-lead; do
  if [ $s = control ]; then a=""; else a="--seat $s"; fi
  # shellcheck disable=SC2086
  "$BIN" report "$T/hb.jsonl" $a --json "$T/hb-$s.json" --html "$T/hb-$s.html" > /dev/null 2>&1
done
if python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
def tab(s, tid):
    d = json.load(open("%s/hb-%s.json" % (t, s)))
    o = next(x for x in d["sections"] if x["id"] == "objectives")
    return next(x for x in o["tables"] if x["id"] == tid)
bad = []
unlinked = [["finding", "G-ack", "+50m", "guideline G-ack missed on C-1"],
            ["decision", "D-1", "+1h30m", "expired undecided: Close the approach channel overnight?"]]
for s in ("control", "eval-a", "pa-lead"):
    if tab(s, "unlinked")["rows"] != unlinked:
        bad.append((s, "unlinked", tab(s, "unlinked")["rows"]))
for s in ("control", "eval-a"):
    g = [(r[2], r[3], r[6], r[7]) for r in tab(s, "guides")["rows"]]
    want = [("CT-1: Both bodies acknowledge the request within 30 minutes.", "", 3, "eval-a M, eval-b P"),
            ("CT-1", "CT-1.1: Acknowledge the request", 1, "eval-b P"), ("CT-1", "CT-1.2: Agree the notice text", 0, "")]
    if g != want:
        bad.append((s, "guides", g))
    r = tab(s, "ratings")["rows"][0]
    if r[8] != "eval-a M, eval-b P":
        bad.append((s, "ratings", r))
if tab("pa-lead", "guides")["rows"] or tab("pa-lead", "observations")["rows"]:
    bad.append(("pa-lead", "a player's report has no guide and no observation"))
print(bad)
sys.exit(1 if bad else 0)
PY
then ok; else no "the objectives section of the harbour fixture: per-target ratings, tied to no objective"; fi
# evidence links: the flood observation cites #5 and #12; each "#N" links to the row with id ev-N
"$BIN" report "$T/fl.jsonl" --html "$T/fl.html" > /dev/null 2>&1
if grep -qF '<a href="#ev-5">#5</a>, <a href="#ev-12">#12</a>' "$T/fl.html" && grep -qF '<tr id="ev-5">' "$T/fl.html" &&
  grep -qF '<tr id="ev-12">' "$T/fl.html"; then ok; else no "the observation's evidence links to its rows"; fi
"$BIN" report "$T/fl.jsonl" --seat rba-lead --html "$T/fl-rba.html" > /dev/null 2>&1
if ! grep -qF 'href="#ev-' "$T/fl-rba.html" && ! grep -qF 'The health office acknowledged after 20 minutes.' "$T/fl-rba.html"; then ok
else no "a player's report has no observation and no evidence link"; fi

# /api/summary over HTTP
python3 tests/http/summary_test.py "$BIN" "$T" > "$T/py.out" 2>&1; rc=$?
cat "$T/py.out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T/py.out" | tail -n 1)
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
[ -n "$p" ] || { p=0; f=1; }
[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
pass=$((pass + p)); fail=$((fail + f))

# the evaluator's page and the AAR page in a browser (tests/e2e/evaluator.mjs), on a server of its own
E=tests/e2e
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node > /dev/null 2>&1 || [ ! -x "$CHROMIUM" ]; then
  no "node and chromium are needed for tests/e2e/evaluator.mjs (apt-get install nodejs npm chromium)"
else
  if [ ! -f "$E/node_modules/playwright-core/package.json" ]; then
    npm ci --prefix "$E" --no-audit --no-fund > "$T/npm.log" 2>&1 || { no "npm ci --prefix $E"; tail -5 "$T/npm.log"; }
  fi
  "$BIN" serve "$S" --db "$T/ev.db" --codes "$T/ev-codes.json" --listen 127.0.0.1:0 > "$T/ev.out" 2> "$T/ev.err" &
  evpid=$!
  i=0
  while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/ev.out" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
  evaddr=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/ev.out")
  CAUCUS_URL="http://$evaddr" CAUCUS_CODES="$(cat "$T/ev-codes.json" 2> /dev/null)" CAUCUS_TMP="$T" CHROMIUM="$CHROMIUM" \
    node "$E/evaluator.mjs" > "$T/evaluator.out" 2>&1
  rc=$?
  kill "$evpid" 2> /dev/null
  wait "$evpid" 2> /dev/null
  run_mjs evaluator $rc
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
