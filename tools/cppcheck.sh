#!/bin/sh
# Static analysis with cppcheck (Debian package), run by `make test`: any finding fails.
# The checked-in configuration is this command line plus tools/cppcheck.supp.
set -u
cd "$(dirname "$0")/.."
# files are checked JOBS at a time (default: the number of cores)
JOBS=${JOBS:-$(nproc 2> /dev/null || echo 2)}
[ -f build/gen/iso3166.inc ] || { mkdir -p build/gen && sh tools/gen-iso3166.sh > build/gen/iso3166.inc; }
out=$(cppcheck -j "$JOBS" --enable=warning,portability,performance --std=c11 --quiet --inline-suppr \
  --suppressions-list=tools/cppcheck.supp -Isrc -Ibuild/gen --error-exitcode=1 src/ 2>&1)
rc=$?
if [ $rc = 0 ]; then
  echo "cppcheck: $(find src -name '*.c' | wc -l) files, no findings"
else
  echo "$out"
  echo "cppcheck: findings above"
fi
exit $rc
