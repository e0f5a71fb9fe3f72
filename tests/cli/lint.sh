#!/bin/sh
# CLI integration tests of `caucus lint`: exit codes, text and JSON output, usage errors.
# Usage: tests/cli/lint.sh BUILD_DIR. Prints "N passed, N failed".
. tests/cli/harness.inc

expect_rc "samples lint clean" 0 "$BIN" lint scenarios/ncg-interagency-sim.yaml scenarios/ncg-policy-ttx.yaml scenarios/ncg-mil-ttx.yaml
expect_out "status line" "scenarios/ncg-policy-ttx.yaml: ok (0 errors, 0 warnings)"
# the validation pack (docs/validation.md) lints clean, also as a simulation plays it
expect_rc "validation pack lints clean" 0 "$BIN" lint --sim scenarios/validation/alliance-council.yaml
expect_out "validation pack status" "scenarios/validation/alliance-council.yaml: ok (0 errors, 0 warnings)"
expect_rc "summary" 0 "$BIN" lint --summary tests/scenarios/valid/minimal.yaml
expect_out "summary counts" "3 parties, 3 seats, 1 cells, 1 injects, 1 decisions"
expect_out "summary hash" "sha256 "
expect_rc "no args" 2 "$BIN" lint
expect_out "no args message" "no scenario file given"
expect_rc "bad option" 2 "$BIN" lint --frobnicate x.yaml
expect_out "bad option message" "unknown option '--frobnicate'"
expect_rc "bad format" 2 "$BIN" lint --format xml tests/scenarios/valid/minimal.yaml
expect_rc "unknown command" 2 "$BIN" frobnicate
expect_rc "help" 0 "$BIN" --help
expect_out "help lists lint" "lint"
expect_rc "missing file" 1 "$BIN" lint "$T/nope.yaml"
expect_out "missing file message" "nope.yaml: error: cannot open: No such file or directory"

# an error: unknown key with did-you-mean, exit 1, FILE:LINE:COL
sed 's/^  title: Minimal consultation/  titel: Minimal consultation/' tests/scenarios/valid/minimal.yaml > "$T/typo.yaml"
expect_rc "typo exit" 1 "$BIN" lint "$T/typo.yaml"
expect_out "typo position" "$T/typo.yaml:5:3: error: unknown key 'titel' in exercise"
expect_out "typo hint" "hint: did you mean 'title'?"
expect_out "typo status" "FAILED"

# JSON output parses and carries the same diagnostic
expect_rc "json exit" 1 "$BIN" lint --format json "$T/typo.yaml"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); g=d["files"][0]["diagnostics"]; assert d["ok"] is False; assert any(x["line"]==5 and x["column"]==3 and x["code"]=="unknown-key" and x["hint"]=="did you mean '"'"'title'"'"'?" for x in g)' "$T/out"; then ok; else no "json content"; cat "$T/out" | head -20; fi
expect_rc "json clean" 0 "$BIN" lint --format json tests/scenarios/valid/minimal.yaml
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is True and d["files"][0]["errors"]==0' "$T/out"; then ok; else no "json clean content"; fi

# warnings: exit 0, but 1 with --werror
cat tests/scenarios/valid/minimal.yaml > "$T/warn.yaml"
printf 'objectives:\n  - {id: O-1, title: Unused objective}\n' >> "$T/warn.yaml"
expect_rc "warning exit" 0 "$BIN" lint "$T/warn.yaml"
expect_out "warning text" "warning: objective 'O-1' is never exercised"
expect_rc "werror exit" 1 "$BIN" lint --werror "$T/warn.yaml"

# several files: one bad one makes the run fail, both are reported
expect_rc "mixed files" 1 "$BIN" lint tests/scenarios/valid/minimal.yaml "$T/typo.yaml"
expect_out "mixed first ok" "tests/scenarios/valid/minimal.yaml: ok"

# hostile input: binary garbage, NUL byte, deep nesting, alias bomb, huge file -> clear errors
head -c 4096 /dev/urandom > "$T/garbage.yaml"
expect_rc "garbage" 1 "$BIN" lint "$T/garbage.yaml"
printf 'caucus: 1\nexercise:\n  id: a\0b\n' > "$T/nul.yaml"
expect_rc "nul byte" 1 "$BIN" lint "$T/nul.yaml"
expect_out "nul message" "3:8: error: NUL byte"
python3 -c 'print("a: " + "["*10000 + "]"*10000)' > "$T/deep.yaml"
expect_rc "deep nesting" 1 "$BIN" lint "$T/deep.yaml"
expect_out "deep message" "error:"
printf 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n' > "$T/alias.yaml"
expect_rc "aliases" 1 "$BIN" lint "$T/alias.yaml"
expect_out "alias message" "1:4: error: YAML anchors are not allowed in scenarios"
dd if=/dev/zero bs=1M count=65 2>/dev/null | tr '\0' 'a' > "$T/huge.yaml"
expect_rc "huge file" 1 "$BIN" lint "$T/huge.yaml"
expect_out "huge message" "limit"

# the JSON Schema for editors is valid JSON with the expected top-level keys
if python3 -c 'import json,sys; s=json.load(open("schema/caucus-scenario-v1.schema.json")); assert s["$schema"].endswith("2020-12/schema"); assert set(["caucus","exercise","label_policy","parties","seats","injects"]) <= set(s["properties"])'; then ok; else no "schema"; fi
# --sim: as caucus sim plays it, a stage participant without an agent never acts (a hybrid
# fixture, clean for a live exercise); the warnings plain lint gives are not repeated
expect_rc "lint clean for people" 0 "$BIN" lint --werror tests/scenarios/valid/engine-rounds.yaml
expect_rc "lint --sim" 0 "$BIN" lint --sim tests/scenarios/valid/engine-rounds.yaml
expect_out "lint --sim: a seat without an agent" "38:9: warning: consultation 'C-1' can never complete under mechanism 'sequential' in a simulation: stage 'review' waits, as seat 'jpn-desk' has no agent"
expect_out "lint --sim hint" "hint: give the seat an agent, or change the stage's participants"
expect_rc "lint --sim once" 0 "$BIN" lint --sim tests/scenarios/warnings/never-completes.yaml
expect_out "lint --sim repeats nothing" "never-completes.yaml: ok (0 errors, 2 warnings)"
expect_rc "sim says it first" 0 "$BIN" sim tests/scenarios/valid/engine-rounds.yaml --reps 40
expect_out "sim warns" "stage 'close' waits, as seat 'lead' has no agent"
# the JSON Schema describes every file caucus accepts: the samples, the validation pack, fixtures
# and benchmarks
if python3 tests/cli/schema_check.py tests/calib/*.yaml scenarios/*.yaml scenarios/validation/*.yaml tests/scenarios/valid/*.yaml tests/validity/*.yaml bench/consult-10.yaml bench/consult-100.yaml; then ok; else no "a valid scenario fails the JSON Schema"; fi
# and refuses what the schema itself says is wrong (a stage key only a silence procedure has)
sed 's/^        adopt: act$/        adopt: act\n        rounds: {max: 2}/' scenarios/ncg-interagency-sim.yaml > "$T/schema-bad.yaml"
if ! python3 tests/cli/schema_check.py "$T/schema-bad.yaml" > /dev/null; then ok; else no "the schema accepts rounds on a decide stage"; fi

# an unclosed bracket is reported where it opened, with where the parser gave up
expect_rc "unclosed bracket" 1 "$BIN" lint tests/scenarios/invalid/001-yaml-syntax-unclosed-flow.yaml
expect_out "unclosed bracket where it opened" "001-yaml-syntax-unclosed-flow.yaml:13:12: error: YAML syntax: the '[' opened here is never closed (the parser gave up at 15:13: missing comma in flow sequence)"
expect_out "unclosed bracket hint" "hint: close it with ']'"
# a workbook given as a scenario: told by its content, with what to do
expect_rc "xlsx export for lint" 0 "$BIN" msel export scenarios/ncg-policy-ttx.yaml --xlsx "$T/p.xlsx"
expect_rc "lint a workbook" 1 "$BIN" lint "$T/p.xlsx"
expect_out "lint a workbook: what it is" "hint: this is an Excel workbook (.xlsx), not a scenario (YAML text): read its MSEL with caucus msel import FILE --into SCENARIO"
# texts in several languages (docs/scenario-format.md, "Texts and languages"): a bilingual scenario
# in another domain lints clean even under --require-languages; a text missing in Korean is a
# warning at its line:column, an error with --require-languages
expect_rc "bilingual lints clean" 0 "$BIN" lint --werror --require-languages tests/scenarios/valid/river-commission-bilingual.yaml
expect_rc "missing Korean: a warning" 0 "$BIN" lint tests/scenarios/warnings/bilingual-missing-korean.yaml
expect_out "missing Korean: where" "bilingual-missing-korean.yaml:31:7: warning: inject 'title' of 'I-1' has no text in 'ko' (a declared language)"
expect_rc "missing Korean: --require-languages" 1 "$BIN" lint --require-languages tests/scenarios/warnings/bilingual-missing-korean.yaml
expect_out "missing Korean: an error" "bilingual-missing-korean.yaml:31:7: error: inject 'title' of 'I-1' has no text in 'ko' (a declared language)"
expect_rc "undeclared language" 1 "$BIN" lint tests/scenarios/invalid/124-bad-languages.yaml
expect_out "undeclared language: where" "124-bad-languages.yaml:9:48: error: exercise 'title': 'ja' is not a language of the scenario (exercise 'languages')"
# tools/add-language.py: every text of a scenario listed, translated and written in place; the
# result declares the language, lints clean under --require-languages and keeps its comments
cp tests/scenarios/valid/minimal.yaml "$T/al.yaml"
if python3 tools/add-language.py --list "$T/al.yaml" > "$T/al.json" &&
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump({k: "번역 " + k for k in d}, open(sys.argv[1], "w"), ensure_ascii=False)' "$T/al.json" &&
  python3 tools/add-language.py "$T/al.yaml" ko "$T/al.json"; then ok; else no "add-language.py"; fi
expect_rc "add-language: lints clean with every language" 0 "$BIN" lint --werror --require-languages "$T/al.yaml"
if grep -q '^  languages: \[en, ko\]$' "$T/al.yaml" && grep -q '^# Smallest complete scenario' "$T/al.yaml" &&
  grep -q 'ko: "번역 Request to consult"' "$T/al.yaml"; then ok; else no "add-language: languages, comments and a translation"; fi
# a seat's capacity and a trigger delay drawn from a distribution (docs/scenario-format.md,
# "Capacity"): bad values are errors at their line:column, saying why
Q=tests/scenarios/valid/records-office-queue.yaml
expect_rc "capacity fixture lints clean" 0 "$BIN" lint --werror "$Q"
sed 's/duty: watch, capacity: 1}/duty: watch, capacity: 0}/' "$Q" > "$T/cap0.yaml"
expect_rc "capacity 0" 1 "$BIN" lint "$T/cap0.yaml"
expect_out "capacity 0: where and why" "cap0.yaml:22:115: error: seat 'desk': 'capacity' is 0; it must be between 1 and 10000"
sed 's/duty: watch, capacity: 1}/duty: watch, capacity: 1.5}/' "$Q" > "$T/cap15.yaml"
expect_rc "capacity 1.5" 1 "$BIN" lint "$T/cap15.yaml"
expect_out "capacity 1.5: why" "cap15.yaml:22:115: error: seat 'desk': 'capacity' must be a whole number of items, not 1.5"
sed 's/clearance: OFFICIAL}/clearance: OFFICIAL, capacity: 2}/' "$Q" > "$T/capna.yaml"
expect_rc "capacity without an agent" 1 "$BIN" lint "$T/capna.yaml"
expect_out "capacity without an agent: why" "capna.yaml:21:89: error: seat 'registry': 'capacity' limits the items an agent works on at once; the seat has no agent"
expect_rc "M/M/1 fixture lints clean" 0 "$BIN" lint --werror tests/validity/mm1-desk.yaml
sed 's/delay: {dist: exponential, mean: 2h}}/delay: {dist: exponential, mean: 0s}}/' tests/validity/mm1-desk.yaml > "$T/tdel.yaml"
expect_rc "trigger delay distribution" 1 "$BIN" lint "$T/tdel.yaml"
expect_out "trigger delay distribution: why" "tdel.yaml:26:140: error: trigger 'delay': exponential mean must be greater than zero"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
