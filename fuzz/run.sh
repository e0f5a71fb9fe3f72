#!/bin/sh
# make fuzz: builds every libFuzzer target with clang + ASan + UBSan and runs each for
# FUZZ_SECONDS (default 60) on its seed corpus in fuzz/corpus/NAME. Findings land in
# build-fuzz/findings/; a crash makes the run fail.
set -eu
SECS=${1:-60}
B=build-fuzz
mkdir -p "$B/gen" "$B/findings"
sh tools/gen-iso3166.sh > "$B/gen/iso3166.inc"
python3 tools/embed.py "$B/gen/ui.inc" ui/*
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc -I$B/gen -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --cflags --libs libfyaml jansson libsodium sqlite3 libpq xlsxwriter libmicrohttpd) -lm -pthread"
SRC="$(ls src/core/*.c src/io/*.c src/sim/*.c src/store/*.c src/server/*.c src/report/*.c)"
status=0
for t in fuzz/fuzz_*.c; do
  name=$(basename "$t" .c | sed 's/^fuzz_//')
  echo "== fuzz $name for ${SECS}s"
  clang $FLAGS -o "$B/fuzz_$name" "$t" $SRC $LIBS
  mkdir -p "fuzz/corpus/$name" "$B/corpus/$name"
  dict=""
  [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
  start=$(date +%s)
  if ! "$B/fuzz_$name" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$B/findings/$name-" $dict "$B/corpus/$name" "fuzz/corpus/$name" 2> "$B/$name.log"; then
    echo "fuzz $name: FAILED (see $B/$name.log and $B/findings/)"; tail -n 30 "$B/$name.log"; status=1
  fi
  end=$(date +%s)
  grep -E '^#[0-9]+.*(DONE|pulse)' "$B/$name.log" | tail -n 1 || true
  echo "fuzz $name: $((end - start)) s CPU on one core"
done
exit $status
