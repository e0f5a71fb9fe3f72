#!/bin/sh
# Simulator benchmarks (called by bench/run.sh; prints a Markdown section on stdout):
#  - CONSULT-10 and CONSULT-100 (bench/consult-N.yaml) through `caucus sim`, 1 and 2 threads,
#    against the same model in SimPy (bench/simpy_consult.py) in the same run;
#  - M/M/1 through the bare scheduler (bench/bench_mm1.c: core/sched + core/rng), through the engine
#    API (bench/bench_mm1_engine.c: a scenario with a capacity-1 seat, replications as `caucus sim`
#    runs them) and in SimPy (bench/simpy_mm1.py), each in customers per CPU second;
#  - whether the two CONSULT-N implementations agree on the mean time to decision (95% CIs).
#  - CONSULT-N in CPU time against the hand-written loop (bench/bench_consult_loop.c), and against
#    BENCH_BASE (a caucus binary of an earlier commit) when set, paired round by round; the same in
#    instructions (callgrind) when valgrind is installed;
# Each rate: median of RUNS runs (default 5) with min and max. Reports; never fails the build.
# SIM_ONLY=cpu runs only the CPU-time table (C10=, C100= replications; default 1,000,000 / 100,000)
# and the instruction counts (valgrind, when installed).
# Usage: bench/bench_sim.sh BUILD_DIR
set -u
B=${1:-build}
RUNS=${RUNS:-5}
PY=/usr/bin/python3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# replications per variant for one timed run (caucus / SimPy), and for the agreement check
R10=${R10:-2000000}
R100=${R100:-200000}
S10=${S10:-2000}
S100=${S100:-200}
A10=${A10:-20000}
A100=${A100:-2000}

if ! $PY -c 'import SimPy.Simulation' 2> /dev/null; then
  echo "## Simulator"
  echo
  echo "(python3-simpy is not installed: run \`make deps\`)"
  exit 0
fi
LIBS="$B/libcaucus.a $(pkg-config --libs libfyaml jansson libsodium libcrypto) -lm"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -o "$W/bench_mm1" bench/bench_mm1.c $LIBS || exit 0
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -Itests -o "$W/bench_mm1_engine" bench/bench_mm1_engine.c tests/support/mm1.c $LIBS || exit 0
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -o "$W/bench_consult_loop" bench/bench_consult_loop.c $LIBS || exit 0

# stats: reads numbers on stdin, prints "median min max"
stats() { sort -g | awk '{a[NR]=$1} END {printf "%.0f %.0f %.0f\n", a[int((NR+1)/2)], a[1], a[NR]}'; }

# one_rate FILE REPS THREADS VARIANT: replications/s of one whole `caucus sim` run (wall clock,
# loading the scenario included)
one_rate() {
  s=$(date +%s.%N)
  "$B/caucus" sim "$1" --reps "$2" --threads "$3" --variant "$4" > /dev/null 2>&1 || { echo 0; return; }
  e=$(date +%s.%N)
  echo "$2 / ($e - $s)" | bc -l
}

# caucus_rates FILE REPS VARIANT: RUNS pairs of runs, 1 thread then 2 threads back to back (so a
# burst of load on this shared machine hits both sides of a pair); writes the 1-thread rates,
# the 2-thread rates and each pair's ratio to $W/r1, $W/r2 and $W/rr
caucus_rates() {
  : > "$W/r1"
  : > "$W/r2"
  : > "$W/rr"
  i=0
  while [ $i -lt "$RUNS" ]; do
    a=$(one_rate "$1" "$2" 1 "$3")
    b=$(one_rate "$1" "$2" 2 "$3")
    echo "$a" >> "$W/r1"
    echo "$b" >> "$W/r2"
    echo "$b / $a" | bc -l >> "$W/rr"
    i=$((i + 1))
  done
}

# simpy_rate N REPS VARIANT: replications/s of the SimPy model (simulation loop only)
simpy_rate() {
  i=0
  while [ $i -lt "$RUNS" ]; do
    $PY bench/simpy_consult.py run "$1" "$2" "$3" rounds $((i + 1)) | awk '{print $1}'
    i=$((i + 1))
  done | stats
}

# loop_rate N REPS VARIANT: replications/s of the hand-written loop (bench/bench_consult_loop.c)
loop_rate() {
  i=0
  while [ $i -lt "$RUNS" ]; do
    "$W/bench_consult_loop" "$1" "$2" "$3" $((i + 1)) | awk '{print $1}'
    i=$((i + 1))
  done | stats
}

ratio() { echo "$1 / $2" | bc -l | xargs printf '%.1f'; }

# cpu_s CMD...: CPU seconds (user + system) of one whole run of CMD
cpu_s() {
  /usr/bin/time -f '%U %S' -o "$W/t" "$@" > /dev/null 2>&1 || { echo 0; return; }
  awk '{printf "%.3f\n", $1 + $2}' "$W/t"
}

# div X Y: X / Y (0 when Y is 0: a run too short for the clock's 10 ms)
div() { awk -v x="$1" -v y="$2" 'BEGIN {print (y > 0) ? x / y : 0}'; }

# cpu_table: CONSULT-N through `caucus sim --threads 1` against the hand-written loop in CPU time,
# and against BENCH_BASE (a caucus binary of an earlier commit) when it is set; each round runs
# base, this build and the loop back to back, ratios are taken pair by pair, medians of RUNS rounds
cpu_table() {
  C10=${C10:-1000000}
  C100=${C100:-100000}
  echo "### CONSULT-N in CPU time: against the hand-written loop${BENCH_BASE:+ and before/after}"
  echo
  echo "CPU seconds (user + system, \`/usr/bin/time\`) of whole runs, 1 thread: \`caucus sim bench/consult-N.yaml"
  echo "--threads 1 --variant V\` ($C10 replications for N = 10, $C100 for N = 100; scenario loading included)"
  echo "and \`bench_consult_loop N REPS V\` (the same replications). Each of $RUNS rounds runs"
  [ -n "${BENCH_BASE:-}" ] && echo "the earlier build (\`$BENCH_BASE\`),"
  echo "this build and the loop back to back; a ratio is the median of the"
  echo "rounds' ratios (min-max), so that a burst of load on this shared machine counts against both sides of a"
  echo "round. Targets (issue 21): CONSULT-10 within 1.5x the loop, CONSULT-100 sequential within 2x."
  echo
  if [ -n "${BENCH_BASE:-}" ]; then
    echo "| model | variant | before CPU s | this CPU s | this / before | loop CPU s | before / loop | this / loop |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  else
    echo "| model | variant | caucus CPU s | loop CPU s | caucus / loop |"
    echo "| --- | --- | --- | --- | --- |"
  fi
  for n in 10 100; do
    if [ $n = 10 ]; then R=$C10; else R=$C100; fi
    for v in parallel sequential; do
      : > "$W/cb"; : > "$W/ca"; : > "$W/cl"; : > "$W/rab"; : > "$W/rbl"; : > "$W/ral"
      i=0
      while [ $i -lt "$RUNS" ]; do
        if [ -n "${BENCH_BASE:-}" ]; then
          b=$(cpu_s "$BENCH_BASE" sim bench/consult-$n.yaml --reps "$R" --threads 1 --variant $v)
          echo "$b" >> "$W/cb"
        fi
        a=$(cpu_s "$B/caucus" sim bench/consult-$n.yaml --reps "$R" --threads 1 --variant $v)
        l=$(cpu_s "$W/bench_consult_loop" $n "$R" $v 1)
        echo "$a" >> "$W/ca"
        echo "$l" >> "$W/cl"
        div "$a" "$l" >> "$W/ral"
        if [ -n "${BENCH_BASE:-}" ]; then
          div "$a" "$b" >> "$W/rab"
          div "$b" "$l" >> "$W/rbl"
        fi
        i=$((i + 1))
      done
      med() { sort -g "$1" | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
      mmm() { sort -g "$1" | awk '{a[NR]=$1} END {printf "%.2f (%.2f-%.2f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
      if [ -n "${BENCH_BASE:-}" ]; then
        echo "| CONSULT-$n | $v | $(med "$W/cb") | $(med "$W/ca") | $(mmm "$W/rab") | $(med "$W/cl") | $(mmm "$W/rbl")x | $(mmm "$W/ral")x |"
      else
        echo "| CONSULT-$n | $v | $(med "$W/ca") | $(med "$W/cl") | $(mmm "$W/ral")x |"
      fi
    done
  done
  echo
}

# instr CMD...: instructions of one whole run of CMD (valgrind's callgrind: exact, load does not matter)
instr() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 > /dev/null |
    awk '/Collected :/ {print $NF}'
}

# instr_table: the same comparison in instructions (callgrind; skipped without valgrind), at
# 20,000 / 2,000 replications
instr_table() {
  command -v valgrind > /dev/null 2>&1 || return 0
  echo "Instructions of the same whole runs (valgrind --tool=callgrind, exact: the machine's load does not change"
  echo "them), at 20,000 replications for N = 10 and 2,000 for N = 100 (each caucus figure includes about 17 M for"
  echo "the program's start and the scenario's loading; the loop's start is 0.2 M):"
  echo
  if [ -n "${BENCH_BASE:-}" ]; then
    echo "| model | variant | before | this | this / before | loop | before / loop | this / loop |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  else
    echo "| model | variant | caucus | loop | caucus / loop |"
    echo "| --- | --- | --- | --- | --- |"
  fi
  for n in 10 100; do
    if [ $n = 10 ]; then R=20000; else R=2000; fi
    for v in parallel sequential; do
      a=$(instr "$B/caucus" sim bench/consult-$n.yaml --reps $R --threads 1 --variant $v)
      l=$(instr "$W/bench_consult_loop" $n $R $v 1)
      m() { awk -v x="$1" 'BEGIN {printf "%.1f M", x / 1e6}'; }
      q() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.3f", (y > 0) ? x / y : 0}'; }
      if [ -n "${BENCH_BASE:-}" ]; then
        b=$(instr "$BENCH_BASE" sim bench/consult-$n.yaml --reps $R --threads 1 --variant $v)
        echo "| CONSULT-$n | $v | $(m "$b") | $(m "$a") | $(q "$a" "$b") | $(m "$l") | $(q "$b" "$l")x | $(q "$a" "$l")x |"
      else
        echo "| CONSULT-$n | $v | $(m "$a") | $(m "$l") | $(q "$a" "$l")x |"
      fi
    done
  done
  echo
}

# SIM_ONLY=cpu: only the CPU-time table (bench/RESULTS.md's "CONSULT-N in CPU time")
if [ "${SIM_ONLY:-}" = cpu ]; then
  cpu_table
  instr_table
  exit 0
fi

echo "## Simulator: CONSULT-N and M/M/1 against SimPy"
echo
echo "CONSULT-N (docs/sim.md): a lead agency circulates a proposal to N reviewers; review lognormal(ln 5 h, 0.5),"
echo "approval p = 0.8; after a round with objections a revision gamma(2, 2 h), then the objectors review again;"
echo "at most 5 rounds; time to joint decision. Both sides run the same synchronised-rounds model. caucus runs \`bench/consult-N.yaml\` through \`caucus sim\` (the whole command, wall clock, scenario"
echo "loading included; $R10 replications for N = 10, $R100 for N = 100); SimPy $($PY -c 'import SimPy; print(SimPy.__version__)')"
echo "(Debian python3-simpy, classic API) runs \`bench/simpy_consult.py\` ($S10 / $S100 replications, simulation loop"
echo "only). Machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "The hand-written loop (\`bench/bench_consult_loop.c\`) is the same model as a plain C loop over the same random"
echo "streams (core/rng, Philox keyed by seed, replication and seat) without the engine: the floor for this RNG."
echo
echo "The 1- and 2-thread runs alternate (a pair back to back, $RUNS pairs); \`2 / 1 threads\` is the median of the"
echo "pairs' ratios, so that a burst of load from another tenant of this shared machine does not count against"
echo "one side only."
echo
echo "| model | variant | caucus 1 thread rep/s (min-max) | caucus 2 threads rep/s (min-max) | 2 / 1 threads | hand-written loop rep/s | loop / caucus | SimPy rep/s (min-max) | caucus 1 thread / SimPy |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for n in 10 100; do
  if [ $n = 10 ]; then R=$R10; S=$S10; else R=$R100; S=$S100; fi
  for v in parallel sequential; do
    caucus_rates bench/consult-$n.yaml "$R" $v
    set -- $(stats < "$W/r1"); c1=$1; c1r="$1 ($2-$3)"
    set -- $(stats < "$W/r2"); c2r="$1 ($2-$3)"
    tr=$(sort -g "$W/rr" | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
    set -- $(loop_rate $n "$R" $v); lp=$1
    set -- $(simpy_rate $n "$S" $v); sp=$1; spr="$1 ($2-$3)"
    echo "| CONSULT-$n | $v | $c1r | $c2r | ${tr}x | $lp | $(ratio "$lp" "$c1")x | $spr | $(ratio "$c1" "$sp")x |"
  done
done
echo
cpu_table
instr_table
echo "### M/M/1"
echo
echo "rho = 0.9, mean service time 1. Bare scheduler: \`bench/bench_mm1.c\` (core/sched binary heap + core/rng Philox"
echo "streams, a preallocated ring, no allocation per event), 5,000,000 customers in one run. Engine API:"
echo "\`bench/bench_mm1_engine.c\`, the same queue as a scenario (docs/scenario-format.md, \"Capacity\"): a chain of"
echo "10,000 requests, each released an exponential time after the one before (a trigger delay drawn from a"
echo "distribution), to one agent seat with \`capacity: 1\` and an exponential delay; 100 replications on one reused"
echo "engine without the log (restart, start, run: what \`caucus sim\` does per replication), so 1,000,000"
echo "customers. SimPy: \`bench/simpy_mm1.py\` (Resource, a process per customer), 200,000 customers. Customers per"
echo "CPU second of the simulation loop (scenario loading excluded); mean wait in line from the last run (exact:"
echo "9 mean service times in the stationary queue; each engine replication starts with an empty line, so its"
echo "mean over 10,000 customers lies below 9)."
echo
echo "| implementation | customers/s median | min | max | mean wait |"
echo "| --- | --- | --- | --- | --- |"
i=0
: > "$W/c"
: > "$W/g"
: > "$W/p"
while [ $i -lt "$RUNS" ]; do
  "$W/bench_mm1" 5000000 0.9 $((i + 1)) >> "$W/c"
  "$W/bench_mm1_engine" 10000 100 0.9 $((i + 1)) >> "$W/g"
  $PY bench/simpy_mm1.py 200000 0.9 $((i + 1)) >> "$W/p"
  i=$((i + 1))
done
set -- $(awk '{print $1}' "$W/c" | stats); cm=$1
echo "| caucus bare scheduler | $1 | $2 | $3 | $(tail -n 1 "$W/c" | awk '{print $2}') |"
set -- $(awk '{print $1}' "$W/g" | stats); gm=$1
echo "| caucus engine API (scenario, \`capacity: 1\`) | $1 | $2 | $3 | $(tail -n 1 "$W/g" | awk '{print $2}') |"
set -- $(awk '{print $1}' "$W/p" | stats); pm=$1
echo "| SimPy | $1 | $2 | $3 | $(tail -n 1 "$W/p" | awk '{print $2}') |"
echo
echo "On M/M/1: bare scheduler / SimPy $(ratio "$cm" "$pm")x; engine API / SimPy $(ratio "$gm" "$pm")x; bare scheduler / engine API $(ratio "$cm" "$gm")x."
echo
echo "### Do the two CONSULT-N implementations agree?"
echo
echo "Mean time to decision (hours) with 95% confidence intervals: caucus \`--reps $A10\` (N = 10) / \`$A100\` (N = 100),"
echo "seed 1; SimPy the same numbers of replications, its own seed. Agree: the difference is within"
echo "1.96 x its standard error (a two-sided z-test at 5%; about 1 comparison in 20 differs by chance)."
echo "Both run the synchronised-rounds model; the last column is SimPy's per-reviewer \`chain\` model (each"
echo "objection revised on its own, docs/sim.md), to show how much the synchronisation of rounds costs or saves."
echo
echo "| model | variant | caucus mean [95% CI] | SimPy mean [95% CI] | agree | SimPy chain model mean [95% CI] |"
echo "| --- | --- | --- | --- | --- | --- |"
for n in 10 100; do
  if [ $n = 10 ]; then A=$A10; else A=$A100; fi
  "$B/caucus" sim bench/consult-$n.yaml --reps "$A" --json "$W/s.json" > /dev/null 2>&1
  for v in parallel sequential; do
    c=$($PY -c 'import json,sys
d=json.load(open(sys.argv[1]))
m=[x for x in d["variants"] if x["id"]==sys.argv[2]][0]["metrics"]["C-1: request to completion (h)"]
print("%.4f %.4f %.4f" % (m["mean"], m["mean_ci"][0], m["mean_ci"][1]))' "$W/s.json" $v 2> /dev/null)
    p=$($PY bench/simpy_consult.py run $n "$A" $v rounds 7 | cut -d' ' -f2-)
    q=$($PY bench/simpy_consult.py run $n "$A" $v chain 7 | cut -d' ' -f2-)
    set -- $c $p $q
    if [ $# -lt 9 ]; then
      echo "| CONSULT-$n | $v | (failed) | | | |"
      continue
    fi
    agree=$(echo "$1 $2 $3 $4 $5 $6" | awk '{se1=($3-$2)/3.92; se2=($6-$5)/3.92; d=$1-$4; if (d<0) d=-d;
      print (d <= 1.96*sqrt(se1*se1+se2*se2)) ? "yes" : "NO"}')
    printf '| CONSULT-%s | %s | %.2f [%.2f, %.2f] | %.2f [%.2f, %.2f] | %s | %.2f [%.2f, %.2f] |\n' \
      $n $v "$1" "$2" "$3" "$4" "$5" "$6" "$agree" "$7" "$8" "$9"
  done
done
