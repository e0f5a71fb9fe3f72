#!/bin/sh
# bench_report.sh BUILD [INJECTS]: time and peak RSS of `caucus report` on a large generated log
# (bench/gen_scenario.py INJECTS 500 run headless: INJECTS=3620 gives about 1,000,000 events),
# against the same scenario's log cut at a quarter of its length, to show that memory does not
# grow with the log. Prints Markdown (a section of bench/RESULTS.md). Needs /usr/bin/time.
set -u
B=${1:-build}
N=${2:-3620}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 bench/gen_scenario.py "$N" 500 > "$W/big.yaml"
"$B/caucus" run "$W/big.yaml" --log "$W/big.jsonl" > /dev/null 2>&1 || { echo "(caucus run failed)"; exit 0; }
"$B/caucus" run "$W/big.yaml" --until +15h --log "$W/quarter.jsonl" > /dev/null 2>&1
# measure LOG [OPTS]: prints "seconds peak_kib events MiB"
measure() {
  log=$1; shift
  out=$({ /usr/bin/time -f '%e %M' "$B/caucus" report "$log" --scenario "$W/big.yaml" --html "$W/r.html" \
          --json "$W/r.json" "$@" > /dev/null; } 2>&1 | tail -n 1)
  echo "$out $(wc -l < "$log") $(( $(wc -c < "$log") / 1048576 ))"
}
echo "## After-action report"
echo
echo "\`bench/bench_report.sh\`: \`caucus report\` (HTML and JSON) of the log of a generated scenario"
echo "(\`bench/gen_scenario.py $N 500\`, run headless), read twice and verified (strict decoding and"
echo "SHA-256 chain). Baseline for memory: the same scenario's log cut at scenario time +15h."
echo
echo "| log | events | MiB | view | seconds | peak RSS KiB | events/s |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for spec in "quarter control" "big control" "big seat"; do
  set -- $spec
  if [ "$2" = seat ]; then r=$(measure "$W/$1.jsonl" --seat seat-3); else r=$(measure "$W/$1.jsonl"); fi
  set -- $1 $2 $r
  eps=$(echo "$5 / $3" | bc -l 2> /dev/null | xargs printf '%.0f' 2> /dev/null)
  echo "| $1 | $5 | $6 | $2 | $3 | $4 | $eps |"
done
