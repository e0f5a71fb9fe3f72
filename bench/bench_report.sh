#!/bin/sh
# bench_report.sh BUILD [INJECTS]: time and peak RSS of `caucus report` on a large generated log
# that exercises every section of the report (bench/gen_scenario.py INJECTS 500 --full: one
# consultation with its decision per 20 injects, guidelines with rules, agents on every seat,
# shared warnings, and people's messages, notes and a rating from --inputs; run headless with
# --auto all: INJECTS=3620 gives about 1,000,000 events), and on the same scenario's log cut at
# about a quarter and a half of its length, to show that memory does not grow with the log (it
# grows with the scenario's inject, seat and consultation counts, which the three share).
# Prints Markdown (a section of bench/RESULTS.md). Needs /usr/bin/time. Reports, never fails.
set -u
B=${1:-build}
N=${2:-3620}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 bench/gen_scenario.py "$N" 500 --full --inputs "$W/in.jsonl" > "$W/big.yaml"
run() { "$B/caucus" run "$W/big.yaml" --auto all --inputs "$W/in.jsonl" "$@" > /dev/null 2>&1; }
run --log "$W/big.jsonl" || { echo "(caucus run failed)"; exit 0; }
run --until +15h --log "$W/quarter.jsonl"
run --until +30h --log "$W/half.jsonl"
# measure LOG [OPTS]: prints "seconds peak_kib events MiB"
measure() {
  log=$1; shift
  out=$({ /usr/bin/time -f '%e %M' "$B/caucus" report "$log" --scenario "$W/big.yaml" --html "$W/r.html" \
          --json "$W/r.json" "$@" > /dev/null; } 2>&1 | tail -n 1)
  echo "$out $(wc -l < "$log") $(( $(wc -c < "$log") / 1048576 ))"
}
# rows of the report's tables on the full log: shows that every section has content
rows=$(python3 - "$W/big.yaml" "$B/caucus" "$W/big.jsonl" "$W/rows.json" <<'PY' 2> /dev/null
import json, subprocess, sys
subprocess.run([sys.argv[2], "report", sys.argv[3], "--scenario", sys.argv[1], "--json", sys.argv[4]],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
d = json.load(open(sys.argv[4]))
print(", ".join("%s %d" % (t["id"], len(t["rows"])) for s in d["sections"] for t in s["tables"]
                if t["id"] in ("consultations", "stages", "positions", "messages", "forwards", "findings",
                               "evidence", "decisions", "rationale", "ratings", "notes")))
PY
)
echo "## After-action report"
echo
echo "\`bench/bench_report.sh\`: \`caucus report\` (HTML and JSON) of the log of a generated scenario"
echo "(\`bench/gen_scenario.py $N 500 --full\`, run headless with \`--auto all\` and its inputs), read"
echo "twice and verified (strict decoding, SHA-256 chain, Merkle tree). Every section has content;"
echo "table rows on the full log (lists are capped at 2,000 rows): ${rows:-?}."
echo "Memory baseline: the same scenario's log cut at scenario time +15h and +30h."
echo
echo "| log | events | MiB | view | seconds | peak RSS KiB | events/s |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
row() { # NAME VIEW seconds peak events MiB
  eps=$(echo "$5 / $3" | bc -l 2> /dev/null | xargs printf '%.0f' 2> /dev/null)
  echo "| $1 | $5 | $6 | $2 | $3 | $4 | $eps |"
}
for spec in "quarter control" "half control" "big control" "big seat"; do
  set -- $spec
  if [ "$2" = seat ]; then r=$(measure "$W/$1.jsonl" --seat seat-3); else r=$(measure "$W/$1.jsonl"); fi
  row $1 $2 $r
done
# The cut logs above also differ in how much of the scenario they reached (consultations,
# findings, decisions: report rows sized by the scenario). To separate the log's length from
# the scenario, one small scenario (200 injects, 50 seats, 10 consultations) is played with
# more and more people's messages: the log grows, the scenario does not.
echo
echo "Log length alone: \`bench/gen_scenario.py 200 50 --full --messages M\` (the same scenario), M"
echo "messages between seats from the inputs; lists are capped, so peak RSS should stay flat."
echo
echo "| messages | events | MiB | view | seconds | peak RSS KiB | events/s |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for m in 25000 100000 400000; do
  python3 bench/gen_scenario.py 200 50 --full --messages $m --inputs "$W/m.in" > "$W/small.yaml"
  "$B/caucus" run "$W/small.yaml" --auto all --inputs "$W/m.in" --log "$W/m.jsonl" > /dev/null 2>&1 || continue
  r=$({ /usr/bin/time -f '%e %M' "$B/caucus" report "$W/m.jsonl" --scenario "$W/small.yaml" --html "$W/r.html" \
        --json "$W/r.json" > /dev/null; } 2>&1 | tail -n 1)
  row $m control $r $(wc -l < "$W/m.jsonl") $(( $(wc -c < "$W/m.jsonl") / 1048576 ))
done
exit 0
