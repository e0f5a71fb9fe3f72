#!/bin/sh
# CLI tests of `caucus sim --mpi` under OpenMPI: with 2 ranks the JSON summary, the CSV rows and
# the printed report are byte-identical to a single process (any --threads), errors stop every
# rank. Uses BUILD_DIR/caucus-mpi; when the build has none, links one in the scratch directory
# from the build's objects and src/sim/sim_mpi.c compiled with MPI (pkg-config ompi-c).
# Usage: tests/cli/mpi.sh BUILD_DIR. Prints "N passed, N failed".
. tests/cli/harness.inc
S=scenarios/ncg-interagency-sim.yaml
MPIBIN=$B/caucus-mpi
export OMPI_MCA_rmaps_base_oversubscribe=1
# OpenMPI's own allocations are not ours to judge; sanitizers still check caucus's code paths
export ASAN_OPTIONS=detect_leaks=0
if [ ! -x "$MPIBIN" ]; then
  MPIBIN=$T/caucus-mpi
  if ! pkg-config --exists ompi-c; then
    no "OpenMPI is not installed (libopenmpi-dev openmpi-bin: tools/deps.sh)"
    echo "$pass passed, $fail failed"
    exit 1
  fi
  CCX=cc; SAN=""
  if nm "$B/libcaucus.a" 2> /dev/null | grep -q __asan; then
    CCX=clang; SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
  fi
  $CCX -std=c11 -D_POSIX_C_SOURCE=200809L -O1 $SAN -Isrc -DCC_HAVE_MPI $(pkg-config --cflags ompi-c) \
    -c src/sim/sim_mpi.c -o "$T/sim_mpi.o" &&
    $CCX $SAN -o "$MPIBIN" "$B"/src/cli/*.o "$T/sim_mpi.o" "$B/libcaucus.a" \
      $(pkg-config --libs libfyaml jansson libsodium libcrypto sqlite3 libpq xlsxwriter libmicrohttpd libzip expat ompi-c) -lm -pthread \
    || { no "could not link caucus with MPI"; echo "$pass passed, $fail failed"; exit 1; }
fi
run() { mpirun --allow-run-as-root --oversubscribe -np "$@"; }

expect_rc "single process" 0 "$B/caucus" sim "$S" --reps 200 --threads 1 --json "$T/a.json" --csv "$T/a.csv"
cp "$T/out" "$T/a.txt"
expect_rc "2 ranks" 0 run 2 "$MPIBIN" sim "$S" --reps 200 --mpi --json "$T/b.json" --csv "$T/b.csv"
if cmp -s "$T/a.json" "$T/b.json"; then ok; else no "2 ranks: JSON differs from one process"; fi
if cmp -s "$T/a.csv" "$T/b.csv"; then ok; else no "2 ranks: CSV differs from one process"; fi
if cmp -s "$T/a.txt" "$T/out"; then ok; else no "2 ranks: report differs (or a rank other than 0 printed)"; fi
expect_rc "2 ranks, 2 threads each, odd count" 0 run 2 "$MPIBIN" sim "$S" --reps 77 --threads 2 --mpi --json "$T/c.json"
expect_rc "one process, 2 threads" 0 "$B/caucus" sim "$S" --reps 77 --threads 2 --json "$T/d.json"
if cmp -s "$T/c.json" "$T/d.json"; then ok; else no "2 ranks x 2 threads differ from 1 process x 2 threads"; fi
expect_rc "3 ranks, one variant" 0 run 3 "$MPIBIN" sim "$S" --reps 50 --variant parallel --mpi --json "$T/e.json"
expect_rc "one process, one variant" 0 "$B/caucus" sim "$S" --reps 50 --variant parallel --json "$T/f.json"
if cmp -s "$T/e.json" "$T/f.json"; then ok; else no "3 ranks differ from one process"; fi
expect_rc "--mpi without mpirun (one rank)" 0 "$MPIBIN" sim "$S" --reps 50 --variant parallel --mpi --json "$T/g.json"
if cmp -s "$T/g.json" "$T/f.json"; then ok; else no "a single MPI rank differs from one process"; fi
expect_rc "same binary without --mpi" 0 "$MPIBIN" sim "$S" --reps 50 --variant parallel --json "$T/h.json"
if cmp -s "$T/h.json" "$T/f.json"; then ok; else no "the MPI binary without --mpi differs"; fi
expect_rc "2 ranks, unknown variant" 2 run 2 "$MPIBIN" sim "$S" --reps 10 --variant nope --mpi
expect_out "unknown variant message" "scenario has no mechanism 'nope'"
if run 2 "$MPIBIN" sim tests/scenarios/invalid/044-label-unknown-classification.yaml --mpi > "$T/out" 2> "$T/err"; then
  no "2 ranks, invalid scenario: should fail"
else ok; fi
expect_rc "2 ranks, bad reps" 2 run 2 "$MPIBIN" sim "$S" --reps 0 --mpi
expect_out "bad reps message" "--reps needs 1 to 100000000"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
