#!/bin/sh
# Same bytes as another build: runs `caucus sim` (text, --json, --csv, --keep-logs logs) and
# `caucus run --auto all` (the log) of the samples, bench/consult-*.yaml, tests/scenarios/valid and
# tests/validity with this build and with a reference caucus binary (e.g. a build of main), and
# compares every output with cmp. For engine and simulator speed work (issue 21): a change that
# only makes them faster must give the same bytes.
# Usage: sh tests/same_bytes.sh BUILD_DIR REFERENCE_CAUCUS   (prints "same: N differ: M")
set -u
B=${1:?usage: same_bytes.sh BUILD_DIR REFERENCE_CAUCUS}
REF=${2:?usage: same_bytes.sh BUILD_DIR REFERENCE_CAUCUS}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
same=0
differ=0

# check NAME: compares $W/a/NAME with $W/b/NAME
check() {
  if cmp -s "$W/a/$1" "$W/b/$1"; then
    same=$((same + 1))
  else
    differ=$((differ + 1))
    echo "DIFFERS: $1"
  fi
}

# both TAG ARGS...: runs `caucus ARGS` with each binary in its own directory ($W/a: this build,
# $W/b: the reference); stdout into TAG.out, exit status into TAG.rc; @ in ARGS is the directory
both() {
  tag=$1
  shift
  for side in a b; do
    if [ $side = a ]; then bin=$(cd "$B" && pwd)/caucus; else bin=$REF; fi
    mkdir -p "$W/$side"
    (cd "$W/$side" && "$bin" "$@" > "$tag.out" 2> /dev/null; echo $? > "$tag.rc")
  done
  check "$tag.out"
  check "$tag.rc"
}

abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

for n in 10 100; do
  f=$(abs bench/consult-$n.yaml)
  if [ $n = 10 ]; then r=20000; else r=2000; fi
  for v in parallel sequential; do
    t=c$n-$v
    both "$t" sim "$f" --reps $r --seed 3 --threads 1 --variant $v --json "$t.json" --csv "$t.csv" \
      --keep-logs 5 --log-prefix "$t"
    check "$t.json"
    check "$t.csv"
    for k in 0 1 2 3 4; do check "$t-$v-rep$k.jsonl"; done
  done
done

for f in scenarios/*.yaml tests/scenarios/valid/*.yaml tests/validity/*.yaml bench/consult-*.yaml; do
  [ -f "$f" ] || continue
  t=$(echo "$f" | tr '/.' '__')
  p=$(abs "$f")
  for seed in 1 7; do
    both "$t-run$seed" run "$p" --auto all --seed $seed --log "$t-run$seed.jsonl"
    [ -f "$W/a/$t-run$seed.jsonl" ] || [ -f "$W/b/$t-run$seed.jsonl" ] && check "$t-run$seed.jsonl"
  done
  both "$t-sim" sim "$p" --reps 500 --seed 5 --threads 1 --json "$t-sim.json" --csv "$t-sim.csv" \
    --keep-logs 2 --log-prefix "$t-sim"
  for o in "$t-sim.json" "$t-sim.csv"; do
    [ -f "$W/a/$o" ] || [ -f "$W/b/$o" ] && check "$o"
  done
  for l in "$W/b/$t-sim"-*.jsonl; do
    [ -f "$l" ] && check "$(basename "$l")"
  done
done
(cd "$W/a" && ls) > "$W/list.a"
(cd "$W/b" && ls) > "$W/list.b"
if ! cmp -s "$W/list.a" "$W/list.b"; then
  differ=$((differ + 1))
  echo "DIFFERS: the files written"
fi
echo "same: $same differ: $differ"
[ "$differ" -eq 0 ]
