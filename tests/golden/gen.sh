#!/bin/sh
# Writes what a user sees of the three samples into OUT: run logs and summaries, replays and
# forks, after-action reports (HTML, Markdown, JSON, CSV; control's view and per-seat views),
# simulation outputs and their report, calibration, MSEL exports and a re-import, lint diagnostics. Fixed
# seeds: the same binary writes the same bytes. tests/cli/golden.sh compares OUT with the
# committed tests/golden/expected; tests/golden/regen.sh rewrites those.
# Usage: tests/golden/gen.sh CAUCUS OUT   (run from the repository root)
set -u
BIN=$1
OUT=$2
mkdir -p "$OUT"
S_POL=scenarios/ncg-policy-ttx.yaml
S_MIL=scenarios/ncg-mil-ttx.yaml
S_SIM=scenarios/ncg-interagency-sim.yaml
rc=0

# Runs CMD with stdout and stderr in OUT/NAME.txt (the scratch directory named as OUT) and the
# exit status on the last line.
say() {
  name=$1; shift
  "$@" > "$OUT/$name.tmp" 2>&1
  echo "exit $?" >> "$OUT/$name.tmp"
  sed "s|$OUT/|OUT/|g" "$OUT/$name.tmp" > "$OUT/$name.txt" && rm -f "$OUT/$name.tmp"
}

# A workbook's parts, each by name, with its creation and modification times (the only bytes
# that differ between two exports) left out.
xlsx_text() {
  python3 - "$1" > "$2" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in sorted(z.namelist()):
    b = z.read(n)
    if n == "docProps/core.xml":
        b = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\1TIME", b)
    sys.stdout.buffer.write(b"== " + n.encode() + b"\n" + b + b"\n")
PY
}

for s in $S_POL $S_MIL $S_SIM; do
  n=$(basename "$s" .yaml)
  say "lint-$n" "$BIN" lint --summary "$s"
  "$BIN" lint --format json "$s" > "$OUT/lint-$n.json" 2>&1
  say "run-$n-auto" "$BIN" run "$s" --auto all --seed 1 --log "$OUT/$n-auto.jsonl"
  say "replay-$n-auto" "$BIN" replay "$OUT/$n-auto.jsonl"
  say "replay-$n-auto-json" "$BIN" replay "$OUT/$n-auto.jsonl" --format json
  say "replay-$n-auto-until" "$BIN" replay "$OUT/$n-auto.jsonl" --until 60
  say "report-$n-auto" "$BIN" report "$OUT/$n-auto.jsonl" --html "$OUT/report-$n-auto.html" \
    --md "$OUT/report-$n-auto.md" --json "$OUT/report-$n-auto.json" --csv "$OUT/report-$n-auto-csv"
  say "msel-$n" "$BIN" msel export "$s" --csv "$OUT/msel-$n.csv"
  "$BIN" msel export "$s" --xlsx "$OUT/msel-$n.xlsx" > /dev/null 2>&1 || rc=1
  xlsx_text "$OUT/msel-$n.xlsx" "$OUT/msel-$n.xlsx.txt" && rm -f "$OUT/msel-$n.xlsx"
  say "msel-import-$n" "$BIN" msel import "$OUT/msel-$n.csv" --into "$s" --out "$OUT/msel-import-$n.yaml"
done

# per-seat reports of the agents' runs: a seat of each party and control's director seat
for x in ncg-policy-ttx:usa-intel ncg-policy-ttx:kor-pa ncg-policy-ttx:excon-media \
         ncg-mil-ttx:usa-planner ncg-mil-ttx:kor-info ncg-mil-ttx:excon-director \
         ncg-interagency-sim:usa-chair ncg-interagency-sim:kor-nso ncg-interagency-sim:excon-director; do
  n=${x%%:*}; seat=${x#*:}
  say "report-$n-auto-$seat" "$BIN" report "$OUT/$n-auto.jsonl" --seat "$seat" --json "$OUT/report-$n-auto-$seat.json" \
    --md "$OUT/report-$n-auto-$seat.md"
done

# people's inputs on the policy TTX: messages (national-only ones too), notes by seats in and out
# of cells and by control, ratings; control's report and every seat's
say run-inputs "$BIN" run $S_POL --inputs tests/inputs/policy-people.jsonl --log "$OUT/inputs.jsonl"
say replay-inputs "$BIN" replay "$OUT/inputs.jsonl"
say report-inputs "$BIN" report "$OUT/inputs.jsonl" --html "$OUT/report-inputs.html" --json "$OUT/report-inputs.json"
for seat in $(python3 -c 'import re, sys; print(" ".join(re.findall(r"^  - id: ([a-z0-9-]+)\n    party:", open(sys.argv[1]).read(), re.M)))' $S_POL); do
  "$BIN" report "$OUT/inputs.jsonl" --seat "$seat" --json "$OUT/report-inputs-$seat.json" > /dev/null 2>&1 || rc=1
done
say report-inputs-usa-state "$BIN" report "$OUT/inputs.jsonl" --seat usa-state --html "$OUT/report-inputs-usa-state.html" \
  --md "$OUT/report-inputs-usa-state.md"

# the interagency simulation as the README runs it, a fork, the sim and its report
say run-sim-parallel "$BIN" run $S_SIM --auto all --variant parallel --seed 7 --log "$OUT/sim-parallel.jsonl"
say replay-sim-parallel "$BIN" replay "$OUT/sim-parallel.jsonl"
printf '{"t": "+20h", "seat": "kor-chair", "do": "note", "text": "a what-if note"}\n' > "$OUT/fork-inputs.jsonl"
say fork-sim "$BIN" replay "$OUT/sim-parallel.jsonl" --fork 100 --inputs "$OUT/fork-inputs.jsonl" --log "$OUT/fork.jsonl"
rm -f "$OUT/fork-inputs.jsonl"
say sim "$BIN" sim $S_SIM --reps 60 --seed 3 --threads 2 --csv "$OUT/sim.csv" --json "$OUT/sim.json" \
  --html "$OUT/sim.html" --log-rep 5 --log-prefix "$OUT/simlog"
say sim-two "$BIN" sim $S_SIM --reps 50 --variant sequential --variant silence
say report-sim "$BIN" report "$OUT/sim.json" --scenario $S_SIM --json "$OUT/report-sim.json"

# calibration (docs/calibration.md): a person-played log, and twelve agent logs of the sim;
# the logs' paths in what it writes are named as OUT/
scrub() {
  for f in "$@"; do sed "s|$OUT/|OUT/|g" "$f" > "$f.tmp" && mv "$f.tmp" "$f"; done
}
say run-acts "$BIN" run tests/calib/acts.yaml --inputs tests/calib/acts-inputs.jsonl --log "$OUT/acts.jsonl"
say calibrate-acts "$BIN" calibrate "$OUT/acts.jsonl" --scenario tests/calib/acts.yaml --out "$OUT/acts-agents.yaml" \
  --min-acts 1 --boot 0 --json "$OUT/acts-calib.json"
say sim-logs "$BIN" sim $S_SIM --variant parallel --reps 12 --keep-logs 12 --log-prefix "$OUT/cal" --seed 5 --threads 2
say calibrate-sim "$BIN" calibrate "$OUT"/cal-*.jsonl --scenario $S_SIM --out "$OUT/sim-agents.yaml" --by agent \
  --boot 20 --svg "$OUT/sim-calib.svg" --json "$OUT/sim-calib.json"
rm -f "$OUT"/cal-*.jsonl
scrub "$OUT/acts-agents.yaml" "$OUT/acts-calib.json" "$OUT/sim-agents.yaml" "$OUT/sim-calib.svg" "$OUT/sim-calib.json"
say sim-calibrated "$BIN" sim $S_SIM --agents "$OUT/sim-agents.yaml" --reps 30 --seed 3 --threads 2 --json "$OUT/sim-calibrated.json"
scrub "$OUT/sim-calibrated.json"

# rounds and reviews (a test scenario the samples do not exercise)
say run-rounds "$BIN" run tests/scenarios/valid/engine-rounds.yaml --auto all --log "$OUT/rounds.jsonl"
say report-rounds "$BIN" report "$OUT/rounds.jsonl" --json "$OUT/report-rounds.json"
say run-consult "$BIN" run tests/scenarios/valid/engine-consult.yaml --inputs tests/inputs/engine-consult.jsonl \
  --log "$OUT/consult.jsonl"
say report-consult "$BIN" report "$OUT/consult.jsonl" --json "$OUT/report-consult.json"
exit $rc
