#!/bin/sh
# bench_appends.sh BUILD [BASE_CAUCUS]: the "Durable appends" section of bench/RESULTS.md.
# bench/bench_store.c is built against BUILD's libcaucus.a and, when BASE_CAUCUS (a caucus binary of
# an earlier commit) has a libcaucus.a beside it, against that one too (the store's API is the same).
# Each run measures 1, 8 and 64 producers back to back with each build, alternating, so that a burst
# of load or a slow disk moment from another tenant of a shared machine falls on both; the ratio to
# 1 producer is taken within each run and its median reported. RUNS runs (default 5). Then reads:
# a store of 64 exercises x 1,000 events written by 64 producers at once (rows interleaved as a busy
# server writes them) and one of 1 exercise x 20,000 events, each built by each build and read back
# by the same build the way verify, report and export read (bench_store read), READ_RUNS times
# alternating (default 5). When perf can count here: CPU time and context switches per append of
# 64 SQLite producers (16,000 appends), PERF_RUNS runs per build alternating (default 3).
set -u
B=${1:-build}
BASE=${2:-}
RUNS=${RUNS:-5}
READ_RUNS=${READ_RUNS:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
LIBS="$(pkg-config --libs libfyaml jansson libsodium libcrypto sqlite3 libpq libmicrohttpd) -lm -pthread"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -Itests -o "$W/new" bench/bench_store.c tests/support/evgen.c \
  "$B/libcaucus.a" $LIBS || exit 1
bins="new"
if [ -n "$BASE" ] && [ -f "$(dirname "$BASE")/libcaucus.a" ] &&
  cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Isrc -Itests -o "$W/base" bench/bench_store.c tests/support/evgen.c \
    "$(dirname "$BASE")/libcaucus.a" $LIBS; then
  bins="new base"
fi
PG=${CAUCUS_TEST_PG:-$(sh tools/pg-test.sh 2>/dev/null)}
# each build works in a schema of its own, created here and dropped at the end (the database may be
# shared with test runs, and an older build refuses a newer schema)
if [ -n "$PG" ]; then
  for b in $bins; do
    psql -q "$PG" -c "DROP SCHEMA IF EXISTS bench_${b}_$$ CASCADE; CREATE SCHEMA bench_${b}_$$" > /dev/null 2>&1 || PG=""
  done
fi
trap 'rm -rf "$W"; for b in $bins; do [ -z "$PG" ] || psql -q "$PG" -c "DROP SCHEMA IF EXISTS bench_${b}_$$ CASCADE" > /dev/null 2>&1; done' EXIT
# one measurement: bin store producers -> appends/s (1,024 appends; 4,096 with 64 producers)
one() {
  total=1024
  [ "$3" = 64 ] && total=4096
  if [ "$2" = sqlite ]; then
    rm -f "$W"/st.db*
    "$W/$1" append "$W/st.db" "$3" $total 2> /dev/null
  else
    case "$PG" in *\?*) sep="&" ;; *) sep="?" ;; esac
    "$W/$1" append "$PG${sep}options=-csearch_path%3Dbench_${1}_$$" "$3" $total 2> /dev/null
  fi
}
i=0
while [ $i -lt "$RUNS" ]; do
  for kind in sqlite postgres; do
    [ $kind = postgres ] && [ -z "$PG" ] && continue
    for b in $bins; do
      r1=$(one $b $kind 1); r8=$(one $b $kind 8); r64=$(one $b $kind 64)
      echo "$kind $b $r1 $r8 $r64" >> "$W/runs"
    done
  done
  i=$((i + 1))
done
cat << 'EOT'
## Durable appends

`bench/bench_store.c` (run by `bench/bench_appends.sh`): P producer threads, each appending one
event at a time to its own exercise; an append returns only after its transaction committed
(SQLite WAL with `synchronous=FULL`; PostgreSQL with `synchronous_commit=on`, local server). Group
commit lets concurrent producers share one sync ([docs/store.md](../docs/store.md#group-commit)).
Baseline: 1 producer on the same store, same build, same run (1, 8 and 64 producers back to back);
the ratio is taken within each run and its median (min-max over the runs) reported. "before" is
`BENCH_BASE`'s libcaucus.a, measured alternately with this build. Target: 64 producers >= 10x one
producer, on both stores. SQLite stores of this build are schema version 6 (events in append order
under a rowid: [docs/store.md](../docs/store.md#where-the-time-goes-on-sqlite-wal-pages-per-commit)).
In this build's group commit each waiting producer is woken once (the woken wake the next, as a
tree), no lock is held while waking, nothing is allocated per append, and SQLite keeps the chain
heads between commits while no other connection writes ([docs/store.md](../docs/store.md#group-commit)).

This machine is shared (other jobs run on its 2 cores and its disk) and its fsync is fast (about
0.1-0.2 ms for 4 KiB when quiet, several ms under load), so single runs vary several-fold: a slow
fsync makes one producer slow and the ratio large; the runs with the fastest single producer are
the hard case for the ratio (the minimum column).

| store | build | 1 producer appends/s median (min-max) | 8 producers | 64 producers | 64 / 1 producer, median of runs (min-max) | 8 / 1 |
| --- | --- | --- | --- | --- | --- | --- |
EOT
for kind in sqlite postgres; do
  for b in $bins; do
    grep "^$kind $b " "$W/runs" > "$W/sel" 2> /dev/null || continue
    [ -s "$W/sel" ] || continue
    med() { awk -v c="$1" '{print $c}' "$W/sel" | sort -g | awk '{a[NR]=$1} END {printf "%.0f (%.0f-%.0f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
    ratio() { awk -v c="$1" '$3 > 0 {print $c / $3}' "$W/sel" | sort -g | awk '{a[NR]=$1} END {printf "%.1fx", a[int((NR+1)/2)]}'; }
    ratiox() { awk -v c="$1" '$3 > 0 {print $c / $3}' "$W/sel" | sort -g | awk '{a[NR]=$1} END {printf "%.1fx (%.1f-%.1f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
    name="this build"
    [ $b = base ] && name="before (BENCH_BASE)"
    echo "| $kind | $name | $(med 3) | $(med 4) | $(med 5) | $(ratiox 5) | $(ratio 4) |"
  done
done
if [ "$bins" = "new base" ]; then
  echo
  for kind in sqlite postgres; do
    [ -n "$(grep "^$kind " "$W/runs")" ] || continue
    # this build / before at 64 producers, paired within each run
    awk -v k=$kind '$1 == k && $2 == "new" {n[++i] = $5} $1 == k && $2 == "base" {b[++j] = $5}
      END {for (x = 1; x <= i && x <= j; x++) if (b[x] > 0) print n[x] / b[x]}' "$W/runs" | sort -g |
      awk -v k=$kind '{a[NR]=$1} END {if (NR) printf "%s, 64 producers: this build / before = %.1fx (median of %d paired runs).\n", k, a[int((NR+1)/2)], NR}'
  done
fi
# CPU and thread switches per append of 64 producers on SQLite, for the whole process (perf stat)
PERF_RUNS=${PERF_RUNS:-3}
if command -v perf > /dev/null 2>&1 && perf stat -e context-switches,task-clock -x, -o "$W/probe" true > /dev/null 2>&1; then
  i=0
  while [ $i -lt "$PERF_RUNS" ]; do
    for b in $bins; do
      rm -f "$W"/ps.db*
      perf stat -e context-switches,task-clock -x, -o "$W/ps" "$W/$b" append "$W/ps.db" 64 16000 > /dev/null 2>&1 &&
        awk -F, -v b=$b '$3 == "context-switches" {s = $1} $3 == "task-clock" {t = $1}
          END {printf "%s %.3f %.2f\n", b, s / 16000, t * 1000 / 16000}' "$W/ps" >> "$W/perf"
    done
    i=$((i + 1))
  done
fi
if [ -s "$W/perf" ]; then
  echo
  echo "SQLite, 64 producers x 16,000 appends, the whole process under \`perf stat -e context-switches,task-clock\`"
  echo "(CPU time of every thread, user and kernel), per append, median (min-max) of $PERF_RUNS alternating runs:"
  echo
  echo "| build | context switches per append | CPU µs per append |"
  echo "| --- | --- | --- |"
  for b in $bins; do
    pm() { awk -v b="$b" -v c="$1" '$1 == b {print $c}' "$W/perf" | sort -g | awk -v f="$2" '{a[NR]=$1} END {if (NR) printf f " (" f "-" f ")", a[int((NR+1)/2)], a[1], a[NR]}'; }
    name="this build"
    [ $b = base ] && name="before (BENCH_BASE)"
    echo "| $name | $(pm 2 %.2f) | $(pm 3 %.1f) |"
  done
fi
# reads: each build reads the stores it wrote (the store's layout is the build's schema)
if [ "$bins" = "new base" ]; then
  ok=1
  for b in $bins; do
    rm -f "$W/rd64_$b.db"* "$W/rd1_$b.db"*
    "$W/$b" append "$W/rd64_$b.db" 64 64000 > /dev/null 2>&1 && "$W/$b" append "$W/rd1_$b.db" 1 20000 > /dev/null 2>&1 || ok=0
  done
  if [ $ok = 1 ]; then
    i=0
    while [ $i -lt "$READ_RUNS" ]; do
      for b in $bins; do
        echo "$b $("$W/$b" read "$W/rd64_$b.db") $("$W/$b" read "$W/rd1_$b.db")" >> "$W/reads"
      done
      i=$((i + 1))
    done
    echo
    echo "Reads (\`bench_store read\`: every exercise's events through \`cc_store_event_rows\`, the pages"
    echo "\`caucus verify\`, \`report\` and \`export\` read; read-only open, store in the page cache), events/s,"
    echo "median (min-max) of $READ_RUNS alternating runs:"
    echo
    echo "| store | this build | before | this build / before (paired median) |"
    echo "| --- | --- | --- | --- |"
    for c in 2 3; do
      what="64 exercises x 1,000 events, written by 64 producers at once"
      [ $c = 3 ] && what="1 exercise x 20,000 events"
      m() { awk -v b="$1" -v c=$c '$1 == b {print $c}' "$W/reads" | sort -g | awk '{a[NR]=$1} END {printf "%.0f (%.0f-%.0f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
      pr=$(awk -v c=$c '$1 == "new" {n[++i] = $c} $1 == "base" {b[++j] = $c}
        END {for (x = 1; x <= i && x <= j; x++) if (b[x] > 0) print n[x] / b[x]}' "$W/reads" | sort -g |
        awk '{a[NR]=$1} END {printf "%.2fx", a[int((NR+1)/2)]}')
      echo "| $what | $(m new) | $(m base) | $pr |"
    done
  fi
fi
