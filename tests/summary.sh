#!/bin/sh
# Adds up the counts of every build's test run and prints the closing line.
P=0; F=0
for b in "$@"; do
  read -r p f < "$b/test-counts" || { p=0; f=1; }
  P=$((P + p)); F=$((F + f))
done
# the seconds each phase of `make test` took (tests/timed.sh), when it ran them
if [ -s build/test-times ]; then
  awk '{ printf "%s%s %d s", (NR > 1 ? ", " : "phases: "), $1, $2; t += $2 }
    END { printf "; %d s (%d min %d s) in all\n", t, t / 60, t % 60 }' build/test-times
fi
echo "$P passed, $F failed"
[ "$F" = 0 ]
