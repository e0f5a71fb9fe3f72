#!/bin/sh
# CLI tests of `caucus calibrate` (docs/calibration.md): a person-played log and agent logs
# calibrate; the agents file lints, simulates, runs and replays with the scenario; outputs are
# deterministic; every error path. Usage: tests/cli/calibrate.sh BUILD_DIR. Prints "N passed, N failed".
. tests/cli/harness.inc
A=tests/calib/acts.yaml
R=tests/calib/river-commission.yaml

# a log played by people (caucus run --inputs) calibrates; the file lints with its scenario
expect_rc "run with inputs" 0 "$BIN" run "$A" --inputs tests/calib/acts-inputs.jsonl --log "$T/acts.jsonl"
expect_rc "calibrate a person-played log" 0 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A" --out "$T/acts-agents.yaml" \
  --min-acts 1 --boot 0 --json "$T/acts.json"
expect_out "the report names the groups" "w2 -> agent w2 (from watcher; seats w2): played 1 seat-logs, 0 by an agent"
expect_out "a fixed delay from one act" "delay: every act took 20m: fixed"
if python3 - "$T/acts.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = {x["name"]: x for x in d["groups"]}
r = g["o2"]["rules"][0]
assert r["acts"] == 1 and r["interval_censored"] == 1, r
w1 = g["w1"]["rules"]
assert w1[0]["acts"] == 2 and w1[3]["censored"] == 1 and w1[3]["acts"] == 0, w1
assert d["by"] == "seat" and d["scenario"] == "calib-acts" and len(d["logs"]) == 1
PY
then ok; else no "person-played: the JSON's counts"; fi
expect_rc "lint with the calibrated agents" 0 "$BIN" lint "$A" --agents "$T/acts-agents.yaml"
expect_rc "calibrate by role" 0 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A" --out - --min-acts 1 --boot 0 --by role
expect_out "by role, the agents file on stdout" "  - id: watch-officer"
expect_out "by role, seats assigned" "  o2: desk-officer-2"

# agent logs of the river commission: calibrate by agent, with the SVG and the JSON
expect_rc "simulate logs" 0 "$BIN" sim "$R" --reps 30 --keep-logs 30 --log-prefix "$T/r" --seed 3
expect_rc "calibrate agent logs" 0 "$BIN" calibrate "$T"/r-standard-rep*.jsonl --scenario "$R" --out "$T/river.yaml" \
  --by agent --boot 20 --svg "$T/river.svg" --json "$T/river.json"
cp "$T/out" "$T/river.txt"
expect_out "report: the commissioner" "commissioner -> agent commissioner (from commissioner; seats norda-chair midval-chair southr-chair): played 90 seat-logs, 90 by an agent"
expect_out "report: intervals" "delay: lognormal median "
if python3 - "$T/river.json" "$T/river.svg" <<'PY'
import json, sys, xml.dom.minidom
d = json.load(open(sys.argv[1]))
rules = [r for g in d["groups"] for r in g["rules"]]
assert len(rules) == 6 and all(r["status"] == "fitted" for r in rules), [r["status"] for r in rules]
for r in rules:
    p = r["probability"]
    assert p["written"] and p["ci"][0] <= p["p"] <= p["ci"][1], p
    f = [x for x in r["fits"] if x["model"] == r["chosen"]][0]
    for k, v in f["parameters"].items():
        if not k.endswith("_ci"):
            lo, hi = f["parameters"][k + "_ci"]
            assert lo < v < hi, (k, lo, v, hi)
    assert 0 < r["ks_p_bootstrap"] <= 1 and r["bootstrap_samples"] == 20
svg = xml.dom.minidom.parse(sys.argv[2])
assert len(svg.getElementsByTagName("g")) == 12, "two panels per fitted rule"
PY
then ok; else no "agent logs: JSON and SVG"; fi
expect_rc "calibrate again" 0 "$BIN" calibrate "$T"/r-standard-rep*.jsonl --scenario "$R" --out "$T/river2.yaml" \
  --by agent --boot 20 --svg "$T/river2.svg" --json "$T/river2.json"
if cmp -s "$T/river.yaml" "$T/river2.yaml" && cmp -s "$T/river.svg" "$T/river2.svg" && cmp -s "$T/river.json" "$T/river2.json" &&
  [ "$(grep -v '^agents: ' "$T/river.txt")" = "$(grep -v '^agents: ' "$T/out")" ]; then ok; else no "the same logs give the same bytes"; fi

# the calibrated agents play: sim, run and replay; the log records the file and replay checks it
expect_rc "sim with the agents file" 0 "$BIN" sim "$R" --agents "$T/river.yaml" --reps 200 --log-rep 0 --log-prefix "$T/cal"
expect_out "sim runs" "sim river-commission: 200 replications per variant"
sha=$(sha256sum "$T/river.yaml" | cut -d' ' -f1)
if head -n 1 "$T/cal-standard-rep0.jsonl" | grep -qF "\"agents\":{\"file\":\"$T/river.yaml\",\"sha256\":\"$sha\"}"; then ok; else no "run.start records the agents file"; fi
expect_rc "replay with the recorded agents" 0 "$BIN" replay "$T/cal-standard-rep0.jsonl"
cp "$T/river.yaml" "$T/river-orig.yaml"
echo "# edited" >> "$T/river.yaml"
expect_rc "replay refuses another agents file" 1 "$BIN" replay "$T/cal-standard-rep0.jsonl"
expect_out "replay names the agents file" "is not the agents file this log was run with"
expect_rc "replay with --agents" 0 "$BIN" replay "$T/cal-standard-rep0.jsonl" --agents "$T/river-orig.yaml"
expect_rc "run with the agents file" 0 "$BIN" run "$R" --agents "$T/river-orig.yaml" --auto all --log "$T/run.jsonl"
if head -n 1 "$T/run.jsonl" | grep -qF '"agents":{"file":'; then ok; else no "caucus run records the agents file"; fi
expect_rc "a log of the calibrated run calibrates again" 0 "$BIN" calibrate "$T/run.jsonl" --scenario "$R" --out "$T/again.yaml" --boot 0

# logs sharing random streams are named
expect_rc "the same log twice" 0 "$BIN" calibrate "$T/r-standard-rep0.jsonl" "$T/r-standard-rep0.jsonl" --scenario "$R" --out "$T/twice.yaml" --boot 0
expect_out "shared streams warned" "caucus calibrate: warning: 1 log has the seed and replication of an earlier log"

# error paths
expect_rc "missing log" 1 "$BIN" calibrate "$T/none.jsonl" --scenario "$R" --out "$T/x.yaml"
expect_out "missing log named" "caucus calibrate: $T/none.jsonl: cannot open"
expect_rc "log of another scenario" 1 "$BIN" calibrate "$T/acts.jsonl" --scenario "$R" --out "$T/x.yaml"
expect_out "another scenario named" "$T/acts.jsonl: a log of another scenario: its run.start pins sha256"
expect_rc "run nobody played" 0 "$BIN" run "$A" --log "$T/empty.jsonl"
expect_rc "no observations" 1 "$BIN" calibrate "$T/empty.jsonl" --scenario "$A" --out "$T/x.yaml"
expect_out "no observations said" "no observations: in 1 log no seat with an agent played a situation one of its rules answers"
sed '3s/"t":/"t":1/' "$T/acts.jsonl" > "$T/tampered.jsonl"
expect_rc "tampered log" 1 "$BIN" calibrate "$T/tampered.jsonl" --scenario "$A" --out "$T/x.yaml"
expect_out "tampered line named" "$T/tampered.jsonl: line 3:"
expect_rc "bad --by" 2 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A" --out "$T/x.yaml" --by party
expect_out "bad --by said" "caucus calibrate: --by takes seat, role or agent, not 'party'"
expect_rc "unwritable --out" 1 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A" --out "$T/no/such/dir.yaml" --min-acts 1 --boot 0
expect_out "unwritable said" "caucus calibrate: cannot write $T/no/such/dir.yaml"
[ -e "$T/x.yaml" ] && no "no agents file is written after an error" || ok
expect_rc "no --scenario" 2 "$BIN" calibrate "$T/acts.jsonl" --out "$T/x.yaml"
expect_rc "no --out" 2 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A"
expect_rc "no log" 2 "$BIN" calibrate --scenario "$A" --out "$T/x.yaml"
expect_rc "bad --min-acts" 2 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A" --out "$T/x.yaml" --min-acts 0
expect_rc "unknown option" 2 "$BIN" calibrate "$T/acts.jsonl" --scenario "$A" --out "$T/x.yaml" --fast
printf 'caucus_agents: 1\nagents: []\nseats:\n  nobody: commissioner\n' > "$T/bad-agents.yaml"
expect_rc "sim refuses a bad agents file" 1 "$BIN" sim "$R" --agents "$T/bad-agents.yaml" --reps 10
expect_out "the bad seat at its line" "$T/bad-agents.yaml:4:3: error: the agents file assigns seat 'nobody', which scenario 'river-commission' does not have"
expect_rc "lint refuses a bad agents file" 1 "$BIN" lint "$R" --agents "$T/bad-agents.yaml"
expect_rc "help" 0 "$BIN" calibrate --help
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
