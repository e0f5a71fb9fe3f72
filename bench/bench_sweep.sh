#!/bin/sh
# Sweep benchmark (called by bench/run.sh; prints a Markdown section on stdout): `caucus sim --sweep`
# over 50 values x 2,000 replications of the interagency sample (every variant: 300,000 runs of the
# scenario), against the same 100,000 replications per variant without a sweep in the same run
# (the baseline: what the sweep adds is loading the 50 points and the curves). Target: under a
# minute on this 2-core machine (docs/sim.md, "Exploring a mechanism"). Median of RUNS runs
# (default 5) with min and max. Reports; never fails the build. Usage: bench/bench_sweep.sh BUILD
set -u
B=${1:-build}
RUNS=${RUNS:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
S=scenarios/ncg-interagency-sim.yaml
SW="agents.co-chair.rules.1.delay.median=5m..250m/5m"

stats() { sort -g | awk '{a[NR]=$1} END {printf "%.2f %.2f %.2f\n", a[int((NR+1)/2)], a[1], a[NR]}'; }
wall() {
  s=$(date +%s.%N)
  "$@" > /dev/null 2>&1 || { echo "-1"; return; }
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}

: > "$W/sweep"
: > "$W/plain"
i=0
while [ $i -lt "$RUNS" ]; do
  wall "$B/caucus" sim "$S" --reps 2000 --threads 2 --sweep "$SW" --json "$W/sw.json" >> "$W/sweep"
  wall "$B/caucus" sim "$S" --reps 100000 --threads 2 >> "$W/plain"
  i=$((i + 1))
done
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["sweep"]["values"]))' "$W/sw.json" 2> /dev/null)
echo "## Sweep: 50 values x 2,000 replications"
echo
echo "\`caucus sim $S --reps 2000 --threads 2 --sweep $SW --json FILE\`"
echo "(${n:-?} values; 3 variants, so 300,000 runs of the scenario) against \`--reps 100000\` without a sweep"
echo "(the same number of runs: the baseline), alternating, $RUNS runs each. Target: under 60 s."
echo
echo "| run | median s | min s | max s |"
echo "| --- | --- | --- | --- |"
set -- $(stats < "$W/plain"); base=$1
echo "| 100,000 replications, no sweep (baseline) | $1 | $2 | $3 |"
set -- $(stats < "$W/sweep"); sw=$1
echo "| sweep of 50 values x 2,000 replications | $1 | $2 | $3 |"
echo
echo "sweep / baseline: $(echo "$sw / $base" | bc -l | xargs printf '%.2f')x; under 60 s: $(echo "$sw < 60" | bc -l | sed 's/1/yes/;s/0/NO/')."
echo
