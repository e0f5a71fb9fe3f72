#!/bin/sh
# CLI tests of caucus plan (improvement plan in the store) and caucus report --plan (items
# carried over, with whether the guideline behind each was met now and missed before, on a
# store holding the earlier exercises). Usage: tests/cli/plan.sh BUILD
. tests/cli/harness.inc
S=scenarios/ncg-policy-ttx.yaml
"$BIN" run $S --seed 1 --log "$T/a.jsonl" > /dev/null
DB="$T/p.db"
expect_rc "seed from missed guidelines" 0 "$BIN" plan seed "$DB" --log "$T/a.jsonl" --exercise 1
expect_out "seeded the missed guideline" "added item 1: A request for consultation is acknowledged by both co-chairs within 30 minutes. (G-ack): missed 1 of 1"
# seed pre-fills exactly what the report proposes (capability, issue, corrective action, element)
"$BIN" report "$T/a.jsonl" --json "$T/a-report.json" > /dev/null
"$BIN" plan list "$DB" --json > "$T/seeded.json"
if python3 - "$T/a-report.json" "$T/seeded.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); items = json.load(open(sys.argv[2]))
plan = [t for s in d["sections"] if s["id"] == "improvement" for t in s["tables"] if t["id"] == "plan"][0]
assert len(items) == len(plan["rows"]) == 1, (items, plan["rows"])
row, it = plan["rows"][0], items[0]
assert [row[0], row[1], row[2], row[3] or None] == [it["capability"], it["issue"], it["action"], it["element"]], (row, it)
assert it["finding"] == "G-ack" and it["exercise"] == 1 and plan["refs"] == ["guideline:G-ack"]
PY
then ok; else no "seed pre-fills what the report proposes"; fi
expect_rc "seeding again adds nothing" 0 "$BIN" plan seed "$DB" --log "$T/a.jsonl"
expect_out "no duplicate items" "0 item(s) added"
expect_rc "add" 0 "$BIN" plan add "$DB" --issue "Sharing rule reminder for new staff" --finding G-share --owner "NCG secretariat" --start 2026-12-01 --due 2027-02-01 --capability "Operational coordination"
expect_out "add says the id" "added improvement-plan item 2"
expect_rc "add: bad status" 1 "$BIN" plan add "$DB" --issue x --status done
expect_out "bad status named" "status is \"open\", \"in progress\" or \"closed\""
expect_rc "add: bad date" 1 "$BIN" plan add "$DB" --issue x --due 2027-02-30x
expect_rc "add: due before start" 1 "$BIN" plan add "$DB" --issue x --start 2027-03-01 --due 2027-01-01
expect_rc "add: no issue" 1 "$BIN" plan add "$DB" --owner x
expect_rc "add: unknown option" 2 "$BIN" plan add "$DB" --issue x --colour red
expect_rc "update" 0 "$BIN" plan update "$DB" 1 --owner "Joint staff" --status "in progress"
expect_rc "update: no such item" 1 "$BIN" plan update "$DB" 99 --owner x
expect_rc "list" 0 "$BIN" plan list "$DB"
expect_out "list shows the owner" "[Joint staff]"
expect_rc "list --json" 0 "$BIN" plan list "$DB" --json
if python3 -c "import json,sys; d=json.load(open('$T/out')); assert len(d)==2 and d[0]['status']=='in progress' and d[1]['due']=='2027-02-01'"; then ok; else no "list --json content"; fi
# Exercise 1 (a.jsonl) missed G-ack and met G-share; it is on the store, so exercise 2 can
# be checked against it. Exercise 2 acknowledges in time: G-ack met, the fix worked.
"$BIN" import "$DB" --log "$T/a.jsonl" --scenario $S > /dev/null || no "import exercise 1"
cat > "$T/ack.jsonl" <<'EOF'
{"t": "+1d1h5m", "seat": "usa-chair", "do": "acknowledge", "consultation": "C-2"}
{"t": "+1d1h5m", "seat": "kor-chair", "do": "acknowledge", "consultation": "C-2"}
EOF
"$BIN" run $S --seed 2 --inputs "$T/ack.jsonl" --log "$T/b.jsonl" > /dev/null
"$BIN" import "$DB" --log "$T/b.jsonl" --scenario $S > /dev/null || no "import exercise 2"
"$BIN" run $S --seed 3 --log "$T/c.jsonl" > /dev/null
# recount what each log says, independently of caucus
cat > "$T/count.py" <<'PY2'
import json, sys
c = {}
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["type"] == "finding":
        k = (e["payload"]["guideline"], e["payload"]["result"])
        c[k] = c.get(k, 0) + 1
print(" ".join("%s:%s=%d" % (g, r, n) for (g, r), n in sorted(c.items())))
PY2
if [ "$(python3 "$T/count.py" "$T/a.jsonl")" = "G-ack:missed=1 G-share:met=3" ] &&
   [ "$(python3 "$T/count.py" "$T/b.jsonl")" = "G-ack:met=1 G-share:met=3" ] &&
   [ "$(python3 "$T/count.py" "$T/c.jsonl")" = "G-ack:missed=1 G-share:met=3" ]; then ok; else no "the three logs' findings are not the ones this test is built on"; fi
cat > "$T/carried.py" <<'PY2'
import json, sys
d = json.load(open(sys.argv[1]))
sec = [s for s in d["sections"] if s["id"] == "improvement"][0]
t = [t for t in sec["tables"] if t["id"] == "carried"][0]
assert t["columns"][:2] == ["item", "raised by exercise"] and t["columns"][-1] == "in this exercise", t["columns"]
rows = {r[0]: r for r in t["rows"]}
want = json.loads(sys.argv[2])
assert sorted(rows) == sorted(want), (sorted(rows), want)
for k, v in want.items():
    assert rows[k][-1] == v, (k, rows[k][-1], v)
if len(sys.argv) > 3:
    assert t.get("note", "").startswith(sys.argv[3]), t.get("note")
PY2
# exercise 2, from the store (its plan comes without --plan): G-ack missed in exercise 1, met now
expect_rc "report DB --exercise 2 (plan included)" 0 "$BIN" report "$DB" --exercise 2 --json "$T/r2.json" --html "$T/r2.html"
if python3 "$T/carried.py" "$T/r2.json" '{"1": "G-ack met 1 of 1; missed in exercise 1: the fix worked", "2": "G-share met 3 of 3; no earlier miss on record"}'; then ok; else no "exercise 2: the fix worked only where exercise 1 missed"; fi
if grep -q "the fix worked" "$T/r2.html"; then ok; else no "HTML shows the carried-over table"; fi
# exercise 1 itself: item 1 was raised by it, so it is not carried over
expect_rc "report DB --exercise 1" 0 "$BIN" report "$DB" --exercise 1 --json "$T/r1.json"
if python3 "$T/carried.py" "$T/r1.json" '{"2": "G-share met 3 of 3; no earlier miss on record"}' "1 open item raised by this exercise is in its improvement plan above"; then ok; else no "exercise 1: its own item is not carried over"; fi
# ... it is in exercise 1's own matrix instead, in place of the proposal it was seeded from, with
# its owner and status; with --today after its due date it is flagged PAST DUE
"$BIN" plan update "$DB" 1 --due 2027-01-15 > /dev/null
expect_rc "report DB --exercise 1 --today" 0 "$BIN" report "$DB" --exercise 1 --today 2027-02-01 --json "$T/r1d.json" --md "$T/r1d.md"
if python3 - "$T/r1d.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
plan = [t for s in d["sections"] if s["id"] == "improvement" for t in s["tables"] if t["id"] == "plan"][0]
assert len(plan["rows"]) == 1 and plan["refs"] == ["item:1"], plan
r = plan["rows"][0]
assert "(G-ack)" in r[1] and r[4] == "Joint staff" and r[7] == "2027-01-15", r
assert r[8] == "in progress, PAST DUE (due 2027-01-15)", r[8]
PY
then ok; else no "exercise 1's own item in its matrix, past due"; fi
if grep -q "PAST DUE (due 2027-01-15)" "$T/r1d.md"; then ok; else no "past due in the Markdown"; fi
# the same log as a file with --plan: recognised as exercise 1 by its final hash
expect_rc "report a.jsonl --plan" 0 "$BIN" report "$T/a.jsonl" --plan "$DB" --json "$T/ra.json"
if python3 "$T/carried.py" "$T/ra.json" '{"2": "G-share met 3 of 3; no earlier miss on record"}'; then ok; else no "a log file of exercise 1 is recognised"; fi
# a log not on the store that misses G-ack again
expect_rc "report c.jsonl --plan" 0 "$BIN" report "$T/c.jsonl" --plan "$DB" --json "$T/rc.json"
if python3 "$T/carried.py" "$T/rc.json" '{"1": "G-ack missed 1 of 1: missed again (also in exercise 1), still open", "2": "G-share met 3 of 3; no earlier miss on record"}'; then ok; else no "missed again"; fi
# a store that holds no earlier exercise: met is not "the fix worked"
"$BIN" plan add "$T/q.db" --issue "Acknowledge faster" --finding G-ack > /dev/null
expect_rc "report b.jsonl --plan (no history)" 0 "$BIN" report "$T/b.jsonl" --plan "$T/q.db" --json "$T/rq.json"
if python3 "$T/carried.py" "$T/rq.json" '{"1": "G-ack met 1 of 1; no earlier miss on record"}'; then ok; else no "met without an earlier miss"; fi
expect_rc "report c.jsonl --plan (no history, missed)" 0 "$BIN" report "$T/c.jsonl" --plan "$T/q.db" --json "$T/rq2.json"
if python3 "$T/carried.py" "$T/rq2.json" '{"1": "G-ack missed 1 of 1: still open (no earlier miss on record)"}'; then ok; else no "missed without an earlier miss"; fi
expect_rc "a seat's store report has no plan" 0 "$BIN" report "$DB" --exercise 2 --seat usa-chair --json "$T/rs.json"
if python3 -c "import json,sys; d=json.load(open('$T/rs.json')); sys.exit(any(t['id']=='carried' for s in d['sections'] for t in s['tables']))"; then ok; else no "carried-over table in a seat's report"; fi
expect_rc "close needs a note" 2 "$BIN" plan close "$DB" 2
expect_rc "close" 0 "$BIN" plan close "$DB" 2 --note "G-share met 3 of 3 in the seed-1 run"
expect_rc "list --open" 0 "$BIN" plan list "$DB" --open
if grep -q "Sharing rule" "$T/out"; then no "a closed item is still listed as open"; else ok; fi
expect_rc "report --plan with --seat is refused" 2 "$BIN" report "$T/a.jsonl" --plan "$DB" --seat usa-chair --json "$T/x.json"
expect_rc "report --plan with no store" 1 "$BIN" report "$T/a.jsonl" --plan "$T/none.db" --json "$T/x.json"
# dates as planners write them (core/cdate), an ambiguous one refused with both readings; past due
expect_rc "add: 1 June 2026" 0 "$BIN" plan add "$T/d.db" --issue "Duty officer list" --due "1 June 2026"
expect_rc "add: 2099/1/2" 0 "$BIN" plan add "$T/d.db" --issue "Exercise the advisory" --start 2099-1-1 --due 2099/1/2
expect_rc "add: 01/06/2026 is ambiguous" 1 "$BIN" plan add "$T/d.db" --issue x --due 01/06/2026
expect_out "both readings" "write 2026-06-01 (1 June) or 2026-01-06 (6 January)"
expect_rc "list --today" 0 "$BIN" plan list "$T/d.db" --today 2026-12-06
if grep -q "^1 *open, PAST DUE *2026-06-01" "$T/out" && grep -q "^2 *open *2099-01-02" "$T/out"; then ok; else no "past due in plan list: $(cat "$T/out")"; fi
expect_rc "list --json --today" 0 "$BIN" plan list "$T/d.db" --json --today "6 December 2026"
if python3 -c "import json,sys; v=json.load(open(sys.argv[1])); assert [i['past_due'] for i in v] == [True, False], v" "$T/out"; then ok; else no "past_due in JSON"; fi
expect_rc "list: bad --today" 2 "$BIN" plan list "$T/d.db" --today 2026-13-01
expect_rc "plan: usage" 2 "$BIN" plan
expect_rc "plan: unknown subcommand" 2 "$BIN" plan frobnicate "$DB"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
