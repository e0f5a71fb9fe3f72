#!/bin/sh
# make bench: runs every benchmark, writes bench/RESULTS.md with the machine's description.
# BENCH_BASE=PATH (a caucus binary of an earlier commit) adds its figures beside this build's where a
# row compares before and after (caucus verify and the Merkle tree: bench/bench_verify.sh; the event
# log's write, replay and report; event streams; durable appends link the libcaucus.a beside it).
# Each figure is the median of RUNS runs (default 5) with min and max; ratios are against a
# baseline measured in the same run. Benchmarks report; they never fail the build.
set -u
B=${1:-build}
RUNS=${RUNS:-5}
OUT=bench/RESULTS.md
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# time_runs CMD...: runs CMD $RUNS times, prints "median min max" seconds
time_runs() {
  i=0
  : > "$W/times"
  while [ $i -lt "$RUNS" ]; do
    s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
    echo "$e - $s" | bc -l >> "$W/times"
    i=$((i + 1))
  done
  sort -g "$W/times" | awk '{a[NR]=$1} END {printf "%.4f %.4f %.4f\n", a[int((NR+1)/2)], a[1], a[NR]}'
}

cc ${CFLAGS:-} -O2 -o "$W/bench_yaml" bench/bench_yaml.c $(pkg-config --cflags --libs libfyaml) || exit 0
LIBS="$B/libcaucus.a $(pkg-config --libs libfyaml jansson libsodium libcrypto) -lm"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -o "$W/bench_sched" bench/bench_sched.c $LIBS || exit 0
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -o "$W/bench_engine" bench/bench_engine.c $LIBS || exit 0

# value_runs CMD...: runs CMD $RUNS times; each prints one number; prints "median min max"
value_runs() {
  i=0
  : > "$W/vals"
  while [ $i -lt "$RUNS" ]; do
    "$@" 2> /dev/null >> "$W/vals"
    i=$((i + 1))
  done
  sort -g "$W/vals" | awk '{a[NR]=$1} END {printf "%.0f %.0f %.0f\n", a[int((NR+1)/2)], a[1], a[NR]}'
}
python3 bench/gen_scenario.py 10000 500 > "$W/big.yaml"

{
  echo "# caucus benchmarks"
  echo
  echo "Written by \`make bench\` on $(date -u +%Y-%m-%dT%H:%M:%SZ). Each figure: median, min and max of $RUNS runs."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "- cores: $(nproc)"
  echo "- memory: $(free -h | awk '/Mem:/ {print $2}')"
  echo "- compiler: $(cc --version | head -n 1)"
  echo "- kernel: $(uname -sr)"
  echo
  echo "## Scenario lint"
  echo
  echo "Synthetic scenario, 10,000 injects and 500 seats ($(wc -c < "$W/big.yaml") bytes), \`bench/gen_scenario.py 10000 500\`."
  echo "Baseline: libfyaml's event parse of the same file with no checks (\`bench/bench_yaml.c\`)."
  echo
  echo "| what | median s | min s | max s |"
  echo "| --- | --- | --- | --- |"
} > "$W/head.md"
set -- $(time_runs "$W/bench_yaml" "$W/big.yaml"); base=$1
echo "| libfyaml parse only (baseline) | $1 | $2 | $3 |" >> "$W/head.md"
set -- $(time_runs "$B/caucus" lint -q "$W/big.yaml"); lint=$1
echo "| caucus lint | $1 | $2 | $3 |" >> "$W/head.md"
"$B/caucus" lint -q "$W/big.yaml" > "$W/lint.out" 2>&1 || echo "(lint reported problems: $(head -c 300 "$W/lint.out"))" >> "$W/head.md"
rss=$( { /usr/bin/time -f '%M' "$B/caucus" lint -q "$W/big.yaml" > /dev/null; } 2>&1 | tail -n 1)
{
  echo
  echo "caucus lint / parse-only ratio: $(echo "$lint / $base" | bc -l | xargs printf '%.2f')x; peak RSS of caucus lint: ${rss} KiB."
} >> "$W/head.md"
{
  echo
  echo "## Scheduler hold model"
  echo
  echo "\`bench/bench_sched.c\`: N events pending in \`core/sched\` (binary heap); each hold pops the"
  echo "earliest and schedules a new one an exponential delay later. Baseline: N = 10 in the same run."
  echo
  echo "| pending N | holds/s median | min | max | time per hold vs N = 10 |"
  echo "| --- | --- | --- | --- | --- |"
} >> "$W/head.md"
base10=""
for n in 10 1000 100000; do
  set -- $(value_runs "$W/bench_sched" $n 5000000)
  [ -n "$base10" ] || base10=$1
  echo "| $n | $1 | $2 | $3 | $(echo "$base10 / $1" | bc -l | xargs printf '%.2f')x |" >> "$W/head.md"
done
{
  echo
  echo "## Engine"
  echo
  echo "\`bench/bench_engine.c\`: \`scenarios/ncg-interagency-sim.yaml\` with every agent seat automated,"
  echo "200 replications per run (variant: the scenario default), through the library API; events per CPU second"
  echo "of the process (CLOCK_PROCESS_CPUTIME_ID: the machine is shared), engine construction per replication included."
  echo "Baseline: the same runs without encoding or hashing the log (simulation mode)."
  echo
  echo "| mode | events/s median | min | max |"
  echo "| --- | --- | --- | --- |"
} >> "$W/head.md"
set -- $(value_runs "$W/bench_engine" scenarios/ncg-interagency-sim.yaml 200 nolog); nolog=$1
echo "| no log (simulation) | $1 | $2 | $3 |" >> "$W/head.md"
set -- $(value_runs "$W/bench_engine" scenarios/ncg-interagency-sim.yaml 200 log); withlog=$1
echo "| canonical JSON log + SHA-256 chain and digest | $1 | $2 | $3 |" >> "$W/head.md"
echo >> "$W/head.md"
echo "Logging costs $(echo "$nolog / $withlog" | bc -l | xargs printf '%.1f')x the time of a silent run." >> "$W/head.md"
sh bench/bench_log.sh "$B" >> "$W/head.md" 2>/dev/null || echo "(the event-log benchmark failed)" >> "$W/head.md"
echo >> "$W/head.md"
sh bench/bench_appends.sh "$B" "${BENCH_BASE:-}" >> "$W/head.md" 2>/dev/null || echo "(the durable-appends benchmark failed)" >> "$W/head.md"
echo >> "$W/head.md"
sh bench/bench_verify.sh "$B" "${BENCH_BASE:-}" verify >> "$W/head.md" 2>/dev/null || echo "(the verify benchmark failed)" >> "$W/head.md"
sh bench/bench_sse.sh "$B" "${BENCH_BASE:-}" >> "$W/head.md" 2>/dev/null || echo "(the SSE benchmark failed)" >> "$W/head.md"
echo >> "$W/head.md"
sh bench/bench_verify.sh "$B" "${BENCH_BASE:-}" merkle >> "$W/head.md" 2>/dev/null || echo "(the Merkle benchmark failed)" >> "$W/head.md"
sh bench/bench_sim.sh "$B" >> "$W/head.md" 2>/dev/null || echo "(the simulator benchmark failed)" >> "$W/head.md"
echo >> "$W/head.md"
sh bench/bench_sweep.sh "$B" >> "$W/head.md" 2>/dev/null || echo "(the sweep benchmark failed)" >> "$W/head.md"
echo >> "$W/head.md"
sh bench/bench_report.sh "$B" >> "$W/head.md"
cp "$W/head.md" "$OUT"
cat "$OUT"
