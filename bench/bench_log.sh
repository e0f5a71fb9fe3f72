#!/bin/sh
# Event-log benchmarks (called by bench/run.sh; prints a Markdown section on stdout): one long run of a
# generated scenario (bench/gen_scenario.py 10000 200: 10,000 injects, 200 seats, every agent seat
# automated) written by `caucus run --log`, then read back by `caucus replay` (every record checked,
# the run regenerated and compared line by line) and `caucus report --html` (every record decoded);
# replay's and report's wall time at --threads 1 and at their default threads too.
# Figures are CPU seconds (user + system, /usr/bin/time) and events per CPU second: the machine is
# shared, and CPU time moves less than wall time when other jobs run. Each: median of RUNS runs with
# min and max. Baseline in the same run: `sha256sum` of the log (the hash floor of one pass over its
# bytes). BENCH_BASE=PATH (a caucus binary of an earlier commit) adds its rows and the before/after
# ratio (BENCH_BASE and this build run in turn, the ratio taken pair by pair). Reports; never fails
# the build. Usage: bench/bench_log.sh BUILD_DIR
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
# med FILE: "median min max" of the numbers in FILE
med() { sort -g "$1" | awk '{a[NR]=$1} END {printf "%.3f %.3f %.3f\n", a[int((NR+1)/2)], a[1], a[NR]}'; }
# pair_runs ARGS...: BENCH_BASE then this build, in turn, $RUNS times (each pair under the same load);
# prints "median min max" of this build, of BENCH_BASE, and of the ratio BENCH_BASE / this build
# taken pair by pair
pair_runs() {
  : > "$W/ca"
  : > "$W/cb"
  : > "$W/cr"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    /usr/bin/time -f '%U %S' -o "$W/t" "$BENCH_BASE" "$@" > /dev/null 2>&1
    b=$(awk '{printf "%.3f", $1 + $2}' "$W/t")
    /usr/bin/time -f '%U %S' -o "$W/t" "$B/caucus" "$@" > /dev/null 2>&1
    a=$(awk '{printf "%.3f", $1 + $2}' "$W/t")
    echo "$a" >> "$W/ca"
    echo "$b" >> "$W/cb"
    echo "$b / $a" | bc -l >> "$W/cr"
    i=$((i + 1))
  done
  echo "$(med "$W/ca") $(med "$W/cb") $(med "$W/cr")"
}

echo
echo "## Event log: writing and reading"
echo
echo "\`bench/bench_log.sh\`: \`bench/gen_scenario.py 10000 200\` (10,000 injects, 200 seats) run once with every"
echo "agent seat automated: $EV events, $BYTES bytes of canonical JSON with the SHA-256 chain and state"
echo "digest. CPU seconds (user + system) per whole command, scenario loading included, median of $RUNS with"
echo "min and max; events per CPU second. Baseline: \`sha256sum\` of the same log in the same run."
[ -n "${BENCH_BASE:-}" ] && echo "With BENCH_BASE, its runs and this build's alternate (one of each in turn, under the same load) and the
ratio is the median of the $RUNS pairs' ratios, with their min and max."
echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
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
  if [ -n "${BENCH_BASE:-}" ] && [ -x "$BENCH_BASE" ]; then
    # shellcheck disable=SC2046,SC2086
    set -- $(pair_runs $args)
    echo "| $label | BENCH_BASE | $4 | $5 | $6 | $(rate "$4") | |"
    echo "| $label | this build | $1 | $2 | $3 | $(rate "$1") | $(printf '%.2f' "$7")x less CPU ($(printf '%.2f' "$8")-$(printf '%.2f' "$9")) |"
  else
    # shellcheck disable=SC2086
    set -- $(cpu_runs "$B/caucus" $args)
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
# replay and report check the lines on --threads N threads (default: the online CPUs, at most 8): wall
# time too, which the threads shorten when the cores are free (CPU time they do not). wall_runs WHAT
# ARGS...: BENCH_BASE (when given), this build at --threads 1 and at its default, in turn, $RUNS times;
# prints the table and the default's wall-time ratio against BENCH_BASE taken run by run
wall_runs() {
  what=$1
  shift
  "$B/caucus" "$what" "$@" --threads 1 > /dev/null 2>&1 || return 0
  for f in w1 wd wb c1 cd cbw rd; do : > "$W/$f"; done
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    bw=
    if [ -n "${BENCH_BASE:-}" ] && [ -x "$BENCH_BASE" ]; then
      /usr/bin/time -f '%e %U %S' -o "$W/t" "$BENCH_BASE" "$what" "$@" > /dev/null 2>&1
      awk '{printf "%.3f\n", $1}' "$W/t" >> "$W/wb"
      awk '{printf "%.3f\n", $2 + $3}' "$W/t" >> "$W/cbw"
      bw=$(awk '{printf "%.3f", $1}' "$W/t")
    fi
    /usr/bin/time -f '%e %U %S' -o "$W/t" "$B/caucus" "$what" "$@" --threads 1 > /dev/null 2>&1
    awk '{printf "%.3f\n", $1}' "$W/t" >> "$W/w1"
    awk '{printf "%.3f\n", $2 + $3}' "$W/t" >> "$W/c1"
    /usr/bin/time -f '%e %U %S' -o "$W/t" "$B/caucus" "$what" "$@" > /dev/null 2>&1
    awk '{printf "%.3f\n", $1}' "$W/t" >> "$W/wd"
    awk '{printf "%.3f\n", $2 + $3}' "$W/t" >> "$W/cd"
    [ -n "$bw" ] && awk -v b="$bw" '{printf "%.4f\n", b / $1}' "$W/t" >> "$W/rd"
    i=$((i + 1))
  done
  echo
  echo "\`caucus $what\` in wall time (elapsed seconds of the process, median, min and max of $RUNS, the builds in"
  echo "turn; \`--threads 1\` checks the lines on one thread, the default on the $(getconf _NPROCESSORS_ONLN) online CPUs):"
  echo
  echo "| binary | wall s median | min | max | events per wall s | CPU s median |"
  echo "| --- | --- | --- | --- | --- | --- |"
  if [ -s "$W/wb" ]; then
    # shellcheck disable=SC2046
    set -- $(med "$W/wb")
    echo "| BENCH_BASE | $1 | $2 | $3 | $(rate "$1") | $(med "$W/cbw" | cut -d' ' -f1) |"
  fi
  # shellcheck disable=SC2046
  set -- $(med "$W/w1")
  echo "| this build, --threads 1 | $1 | $2 | $3 | $(rate "$1") | $(med "$W/c1" | cut -d' ' -f1) |"
  # shellcheck disable=SC2046
  set -- $(med "$W/wd")
  echo "| this build, default threads | $1 | $2 | $3 | $(rate "$1") | $(med "$W/cd" | cut -d' ' -f1) |"
  if [ -s "$W/rd" ]; then
    # shellcheck disable=SC2046
    set -- $(med "$W/rd")
    echo
    echo "Default threads against BENCH_BASE, run by run: $(printf '%.2f' "$1")x less wall time ($(printf '%.2f' "$2")-$(printf '%.2f' "$3"))."
  fi
}
wall_runs replay "$W/run.jsonl" --scenario "$W/gen.yaml"
wall_runs report "$W/run.jsonl" --scenario "$W/gen.yaml" --html "$W/r.html"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "The write includes the engine itself (deliveries and label checks for 200 seats); the scenario loads in"
echo "about 0.15 CPU s (\`caucus lint\`), counted in every row."
