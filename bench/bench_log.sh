#!/bin/sh
# Event-log benchmarks (called by bench/run.sh; prints a Markdown section on stdout): one long run of a
# generated scenario (bench/gen_scenario.py 10000 200: 10,000 injects, 200 seats, every agent seat
# automated) written by `caucus run --log`, then read back by `caucus replay` (every record checked,
# the run regenerated and compared line by line) and `caucus report --html` (every record decoded).
# Figures are CPU seconds (user + system, /usr/bin/time) and events per CPU second: the machine is
# shared, and CPU time moves less than wall time when other jobs run. Each: median of RUNS runs with
# min and max. Baseline in the same run: `sha256sum` of the log (the hash floor of one pass over its
# bytes). BENCH_BASE=PATH (a caucus binary of an earlier commit) adds its rows and the before/after
# ratio. Reports; never fails the build. Usage: bench/bench_log.sh BUILD_DIR
set -u
B=${1:-build}
RUNS=${RUNS:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 bench/gen_scenario.py 10000 200 > "$W/gen.yaml"
"$B/caucus" run "$W/gen.yaml" --auto all --log "$W/run.jsonl" > /dev/null 2>&1 || {
  echo "## Event log"
  echo
  echo "(caucus run failed on the generated scenario)"
  exit 0
}
EV=$(wc -l < "$W/run.jsonl")
BYTES=$(wc -c < "$W/run.jsonl")

# cpu_runs CMD...: runs CMD $RUNS times; prints "median min max" CPU seconds (user + sys)
cpu_runs() {
  : > "$W/cpu"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    /usr/bin/time -f '%U %S' -o "$W/t" "$@" > /dev/null 2>&1
    awk '{printf "%.3f\n", $1 + $2}' "$W/t" >> "$W/cpu"
    i=$((i + 1))
  done
  sort -g "$W/cpu" | awk '{a[NR]=$1} END {printf "%.3f %.3f %.3f\n", a[int((NR+1)/2)], a[1], a[NR]}'
}
rate() { echo "$EV / $1" | bc -l | xargs printf '%.0f'; }

echo
echo "## Event log: writing and reading"
echo
echo "\`bench/bench_log.sh\`: \`bench/gen_scenario.py 10000 200\` (10,000 injects, 200 seats) run once with every"
echo "agent seat automated: $EV events, $BYTES bytes of canonical JSON with the SHA-256 chain and state"
echo "digest. CPU seconds (user + system) per whole command, scenario loading included, median of $RUNS with"
echo "min and max; events per CPU second. Baseline: \`sha256sum\` of the same log in the same run."
echo
echo "| command | binary | CPU s median | min | max | events per CPU s | vs BENCH_BASE |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
set -- $(cpu_runs sha256sum "$W/run.jsonl")
echo "| sha256sum of the log (baseline) | coreutils | $1 | $2 | $3 | $(rate "$1") | |"
for what in run replay report; do
  case $what in
    run) args="run $W/gen.yaml --auto all --log $W/out.jsonl" ;;
    replay) args="replay $W/run.jsonl --scenario $W/gen.yaml" ;;
    report) args="report $W/run.jsonl --scenario $W/gen.yaml --html $W/r.html" ;;
  esac
  label="caucus $what"
  [ "$what" = run ] && label="caucus run --log (write)"
  [ "$what" = replay ] && label="caucus replay (check + regenerate)"
  [ "$what" = report ] && label="caucus report --html (decode)"
  # shellcheck disable=SC2086
  set -- $(cpu_runs "$B/caucus" $args)
  new=$1
  if [ -n "${BENCH_BASE:-}" ] && [ -x "$BENCH_BASE" ]; then
    newrow="$1 | $2 | $3 | $(rate "$1")"
    # shellcheck disable=SC2086
    set -- $(cpu_runs "$BENCH_BASE" $args)
    echo "| $label | BENCH_BASE | $1 | $2 | $3 | $(rate "$1") | |"
    echo "| $label | this build | $newrow | $(echo "$1 / $new" | bc -l | xargs printf '%.2f')x less CPU |"
  else
    echo "| $label | this build | $1 | $2 | $3 | $(rate "$1") | |"
  fi
done
cmp -s "$W/out.jsonl" "$W/run.jsonl" || echo "(the rerun's log differs from the first: not deterministic!)"
if [ -n "${BENCH_BASE:-}" ] && [ -x "$BENCH_BASE" ]; then
  "$BENCH_BASE" run "$W/gen.yaml" --auto all --log "$W/base.jsonl" > /dev/null 2>&1
  echo
  if cmp -s "$W/base.jsonl" "$W/run.jsonl"; then
    echo "BENCH_BASE writes the same $BYTES bytes (cmp): same log, same hashes."
  else
    echo "BENCH_BASE writes a different log (cmp): the comparison is not of the same bytes."
  fi
fi
echo
echo "The write includes the engine itself (deliveries and label checks for 200 seats); the scenario loads in"
echo "about 0.15 CPU s (\`caucus lint\`), counted in every row."
