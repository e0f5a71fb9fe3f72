#!/bin/sh
# make fuzz (and make test, with 60 s): builds every libFuzzer target with clang + ASan + UBSan and
# runs each for FUZZ_SECONDS (default 60) on its seed corpus in fuzz/corpus/NAME plus a working
# corpus in build-fuzz/corpus/NAME, JOBS targets at a time (default: the number of cores). The library is compiled once (coverage instrumentation, no
# libFuzzer main) and linked into each target. Findings land in build-fuzz/findings/; a crash,
# leak or timeout fails the target. Writes "passed failed" (one per target) to
# build-fuzz/test-counts for tests/summary.sh and one line per target to build-fuzz/cpu-time.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -u
SECS=${1:-60}
[ $# -gt 0 ] && shift
B=build-fuzz
JOBS=${JOBS:-$(nproc 2> /dev/null || echo 2)}
mkdir -p "$B/gen" "$B/findings" "$B/obj"
command -v clang > /dev/null || { echo "fuzz: clang not found (make deps)"; echo "0 1" > "$B/test-counts"; exit 1; }
sh tools/gen-iso3166.sh > "$B/gen/iso3166.inc"
python3 tools/embed.py "$B/gen/ui.inc" ui/*
python3 tools/embed.py --name report_lang "$B/gen/report_lang.inc" src/report/lang/*.json
BASE="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc -I$B/gen -fno-sanitize-recover=undefined"
PKG_CFLAGS=$(pkg-config --cflags libfyaml jansson libsodium libcrypto sqlite3 libpq xlsxwriter libmicrohttpd libzip expat)
LIBS="$(pkg-config --libs libfyaml jansson libsodium libcrypto sqlite3 libpq xlsxwriter libmicrohttpd libzip expat) -lm -pthread"
SRC="$(ls src/core/*.c src/io/*.c src/sim/*.c src/store/*.c src/server/*.c src/report/*.c)"
# the library, once: each object in parallel, then one archive
echo "== fuzz: compiling the library ($JOBS jobs)"
if ! echo "$SRC" | tr ' ' '\n' | xargs -P "$JOBS" -I{} sh -c \
  "clang $BASE $PKG_CFLAGS -fsanitize=fuzzer-no-link,address,undefined -c {} -o $B/obj/\$(echo {} | tr / _ | sed 's/\.c\$/.o/')"; then
  echo "fuzz: the library does not compile"
  echo "0 1" > "$B/test-counts"
  exit 1
fi
rm -f "$B/libcaucus-fuzz.a"
ar rcs "$B/libcaucus-fuzz.a" "$B"/obj/*.o
targets=""
if [ $# -gt 0 ]; then
  for n in "$@"; do targets="$targets fuzz/fuzz_$n.c"; done
else
  targets=$(ls fuzz/fuzz_*.c)
fi
# every target is built first, then run JOBS at a time (each fuzzer uses one core); each run's
# report goes to $B/NAME.result and is printed in the targets' order once all have run
passed=0
failed=0
: > "$B/cpu-time"
built=""
for t in $targets; do
  name=$(basename "$t" .c | sed 's/^fuzz_//')
  rm -f "$B/$name.result"
  if ! clang $BASE $PKG_CFLAGS -fsanitize=fuzzer,address,undefined -o "$B/fuzz_$name" "$t" "$B/libcaucus-fuzz.a" $LIBS; then
    echo "fuzz $name: FAILED to build"
    failed=$((failed + 1))
    continue
  fi
  mkdir -p "fuzz/corpus/$name" "$B/corpus/$name"
  built="$built $name"
done
echo "== fuzz:$built for ${SECS}s each, $JOBS at a time"
# run_one NAME: runs one built target for SECS seconds; writes "NAME SECONDS EXECUTIONS clean|FAILED"
# to $B/NAME.result (the last 30 lines of its log follow a failure)
run_one() {
  name=$1
  dict=""
  [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
  start=$(date +%s)
  if "$B/fuzz_$name" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$B/findings/$name-" $dict "$B/corpus/$name" "fuzz/corpus/$name" 2> "$B/$name.log"; then
    res=clean
  else
    res=FAILED
  fi
  end=$(date +%s)
  execs=$(grep -E '^#[0-9]+' "$B/$name.log" | tail -n 1 | sed 's/^#\([0-9]*\).*/\1/')
  echo "$name $((end - start)) ${execs:-0} $res" > "$B/$name.result"
}
n=0
for name in $built; do
  run_one "$name" &
  n=$((n + 1))
  if [ "$n" -ge "$JOBS" ]; then wait; n=0; fi
done
wait
for name in $built; do
  if [ -s "$B/$name.result" ]; then
    read -r _ secs execs res < "$B/$name.result"
  else
    secs=0; execs=0; res=FAILED
  fi
  echo "fuzz $name: $secs s on one core, $execs executions, $res"
  echo "$name $secs $execs $res" >> "$B/cpu-time"
  if [ "$res" = clean ]; then
    passed=$((passed + 1))
  else
    echo "fuzz $name: FAILED (see $B/$name.log and $B/findings/)"
    tail -n 30 "$B/$name.log"
    failed=$((failed + 1))
  fi
done
echo "$passed $failed" > "$B/test-counts"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
