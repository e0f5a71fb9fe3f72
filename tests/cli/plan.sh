#!/bin/sh
# CLI tests of caucus plan (improvement plan in the store) and caucus report --plan (items
# carried over, with whether the guideline behind each was met). Usage: tests/cli/plan.sh BUILD
. tests/cli/harness.inc
S=scenarios/ncg-policy-ttx.yaml
"$BIN" run $S --seed 1 --log "$T/a.jsonl" > /dev/null
DB="$T/p.db"
expect_rc "seed from missed guidelines" 0 "$BIN" plan seed "$DB" --log "$T/a.jsonl" --exercise 1
expect_out "seeded the missed guideline" "added item 1: Guideline G-ack missed 1 time(s)"
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
expect_rc "report --plan" 0 "$BIN" report "$T/a.jsonl" --plan "$DB" --json "$T/r.json"
if python3 - "$T/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sec = [s for s in d["sections"] if s["id"] == "improvement"][0]
t = [t for t in sec["tables"] if t["id"] == "carried"][0]
rows = {r[0]: r for r in t["rows"]}
assert rows["1"][7] == "G-ack missed 1 of 1: still open", rows["1"]
assert rows["2"][7] == "G-share met 3 of 3: the fix worked", rows["2"]
PY
then ok; else no "carried-over rows"; fi
expect_rc "close needs a note" 2 "$BIN" plan close "$DB" 2
expect_rc "close" 0 "$BIN" plan close "$DB" 2 --note "G-share met 3 of 3 in the seed-1 run"
expect_rc "list --open" 0 "$BIN" plan list "$DB" --open
if grep -q "Sharing rule" "$T/out"; then no "a closed item is still listed as open"; else ok; fi
expect_rc "report --plan with --seat is refused" 2 "$BIN" report "$T/a.jsonl" --plan "$DB" --seat usa-chair --json "$T/x.json"
expect_rc "report --plan with no store" 1 "$BIN" report "$T/a.jsonl" --plan "$T/none.db" --json "$T/x.json"
expect_rc "plan: usage" 2 "$BIN" plan
expect_rc "plan: unknown subcommand" 2 "$BIN" plan frobnicate "$DB"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
