#!/bin/sh
# CLI tests of endorsed guidelines (docs/tamper-evidence.md, "Endorsed guidelines"): two parties
# endorse a scenario's guidelines (caucus endorse) with the note keys the scenario declares; run and
# serve pin the endorsed note in run.start, replay and a resumed server pin it again, verify checks
# it against the stored scenario and names the endorsers; a note of other guidelines, one lacking an
# endorser or with a signature altered is refused; a party's cosigner key comes from the scenario
# for verify --require. Keys: tests/keys/ (published test keys). Usage: tests/cli/endorse.sh BUILD
. tests/cli/harness.inc
S=tests/scenarios/valid/endorsed.yaml
cp tests/keys/*.key "$T/" && chmod 600 "$T"/*.key
expect_rc "endorse --text" 0 "$BIN" endorse $S --text
expect_out "the canonical text" "rule stage_deadline stage=acknowledge within=30m"
expect_rc "XAR endorses" 0 "$BIN" endorse $S --key "$T/xar.key" --note "$T/g.note"
expect_out "one of two" "QMB: NOT endorsed"
expect_rc "a cosigner key does not endorse" 1 "$BIN" endorse $S --key "$T/xar-cosigner.key" --note "$T/g.note"
expect_out "why" "endorse with the party's note key"
cp "$T/g.note" "$T/half.note"
expect_rc "QMB endorses" 0 "$BIN" endorse $S --key "$T/qmb.key" --note "$T/g.note"
expect_out "both" "endorsed by every endorser"
expect_rc "QMB again" 1 "$BIN" endorse $S --key "$T/qmb.key" --note "$T/g.note"
expect_out "already" "this key already signed the note"
expect_rc "--check" 0 "$BIN" endorse $S --check "$T/g.note"
expect_out "XAR's key id" "XAR: endorsed (key $(cut -d+ -f2 tests/keys/xar.key.pub))"
expect_rc "--check of a note lacking an endorser: not provable" 3 "$BIN" endorse $S --check "$T/half.note"
sed 's/within: 30m/within: 40m/' $S > "$T/changed.yaml"
expect_rc "--check against changed guidelines" 1 "$BIN" endorse "$T/changed.yaml" --check "$T/g.note"
expect_out "names the line" "line 5: the note's text is not the guidelines of scenario 'endorsed'"
python3 - "$T/g.note" "$T/bad.note" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
i = s.index("\u2014 QMB ") + len("\u2014 QMB ") + 30
open(sys.argv[2], "w", encoding="utf-8").write(s[:i] + ("B" if s[i] == "A" else "A") + s[i + 1:])
PY
expect_rc "--check of an altered signature" 1 "$BIN" endorse $S --check "$T/bad.note"
expect_out "a bad signature" "signature"
expect_rc "endorse usage" 2 "$BIN" endorse $S --key "$T/xar.key"

# run pins the note; replay pins it again; without it a warning
expect_rc "run --guidelines" 0 "$BIN" run $S --guidelines "$T/g.note" --log "$T/r.jsonl"
if head -n 1 "$T/r.jsonl" | python3 -c 'import json,sys,hashlib; r=json.loads(sys.stdin.read()); g=r["payload"]["guidelines"]; n=open(sys.argv[1],"rb").read(); assert g["note"].encode()==n and g["sha256"]==hashlib.sha256(n).hexdigest()' "$T/g.note"; then ok; else no "run.start pins the note and its SHA-256"; fi
expect_rc "replay of the pinned run" 0 "$BIN" replay "$T/r.jsonl"
expect_out "reproduced" "engine reproduces every event"
expect_rc "run --guidelines lacking an endorser" 1 "$BIN" run $S --guidelines "$T/half.note" --log "$T/x.jsonl"
expect_out "who is missing" "not endorsed by QMB"
expect_rc "run --guidelines of other guidelines" 1 "$BIN" run "$T/changed.yaml" --guidelines "$T/g.note"
expect_rc "run without --guidelines: a rehearsal, runs" 0 "$BIN" run $S --log "$T/u.jsonl"
if grep -q "warning" "$T/out" "$T/err"; then no "a headless run does not warn"; else ok; fi
expect_rc "serve without --guidelines warns (then stops on a missing TLS key)" 2 "$BIN" serve $S --db "$T/w.db" --tls-cert "$T/none.pem"
expect_out "the warning" "warning: the guidelines are not endorsed for this exercise (exercise.endorsers: XAR QMB)"
if head -n 1 "$T/u.jsonl" | grep -q '"guidelines"'; then no "an unendorsed run pins nothing"; else ok; fi

# the after-action report (its integrity appendix) says who endorsed the guidelines the exercise ran under, or
# that it ran unendorsed; a scenario with no endorsers says so
expect_rc "report of the endorsed run" 0 "$BIN" report "$T/r.jsonl" --scenario $S --md "$T/r.md"
cp "$T/r.md" "$T/out"
expect_out "endorsers and their keys" "- **Guidelines endorsement**: endorsed by XAR (key $(cut -d+ -f2 tests/keys/xar.key.pub)), QMB (key $(cut -d+ -f2 tests/keys/qmb.key.pub)); note sha256 $(sha256sum "$T/g.note" | cut -c1-16)..."
expect_rc "report of the unendorsed run" 0 "$BIN" report "$T/u.jsonl" --scenario $S --json "$T/u.json"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=[x[1] for s in d["sections"] if s["id"]=="integrity" for x in s["facts"] if x[0]=="Guidelines endorsement"]; assert f[0]=="NOT endorsed: the scenario names endorsers XAR QMB; the exercise pinned no endorsed note", f' "$T/u.json"; then ok; else no "the JSON report says the run was not endorsed"; fi
"$BIN" run tests/scenarios/valid/minimal.yaml --log "$T/m.jsonl" > /dev/null
expect_rc "report of a scenario without endorsers" 0 "$BIN" report "$T/m.jsonl" --scenario tests/scenarios/valid/minimal.yaml --md "$T/m.md"
cp "$T/m.md" "$T/out"
expect_out "none named" "- **Guidelines endorsement**: none: the scenario names no endorsers"

# a store: imported runs; verify names the endorsers, or says the exercise ran unendorsed
expect_rc "import the endorsed run" 0 "$BIN" import "$T/s.db" --log "$T/r.jsonl" --scenario $S
expect_rc "verify the store" 3 "$BIN" verify "$T/s.db" --exercise 1
expect_out "endorsers named" "guidelines      endorsed by XAR (key $(cut -d+ -f2 tests/keys/xar.key.pub)), QMB (key $(cut -d+ -f2 tests/keys/qmb.key.pub)); note sha256 "
expect_rc "import the unendorsed run" 0 "$BIN" import "$T/s.db" --log "$T/u.jsonl" --scenario $S
expect_rc "verify it" 3 "$BIN" verify "$T/s.db" --exercise 2
expect_out "said" "guidelines      NOT endorsed: the scenario names endorsers XAR QMB; the exercise pinned no endorsed note"

# the party's cosigner key from the stored scenario: verify --require XAR without --cosigner
"$BIN" keygen caucus.example/log --out "$T/log" > /dev/null
"$BIN" checkpoint "$T/r.jsonl" --key "$T/log" > "$T/cp.txt"
sqlite3 -cmd ".filectrl persist_wal 1" "$T/s.db" "INSERT INTO checkpoint(exercise,size,note) VALUES (1,$(wc -l < "$T/r.jsonl"),readfile('$T/cp.txt')); UPDATE exercise SET log_key = '$(cat "$T/log.pub")' WHERE id = 1" > /dev/null
expect_rc "XAR's auditor cosigns" 0 "$BIN" cosign "$T/s.db" --exercise 1 --key "$T/xar-cosigner.key" --state "$T/xar-state" --log-key "$T/log.pub"
expect_rc "--require XAR: its key from the scenario" 0 "$BIN" verify "$T/s.db" --exercise 1 --key "$T/log.pub" --require XAR
expect_out "cosigned by XAR" ", cosigned by XAR at "
expect_rc "--require QMB: the scenario gives it no cosigner key" 2 "$BIN" verify "$T/s.db" --exercise 1 --key "$T/log.pub" --require QMB
expect_out "why" "the stored scenario gives party QMB no cosigner key"
# the policy sample's committed note is its guidelines as both co-chairs' nations endorsed them
# (after changing the sample's guidelines, re-endorse it: scenarios/keys/README.md)
expect_rc "the sample's endorsed note checks" 0 "$BIN" endorse scenarios/ncg-policy-ttx.yaml --check scenarios/ncg-policy-ttx.guidelines.note
expect_out "both" "endorsed by every endorser"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
