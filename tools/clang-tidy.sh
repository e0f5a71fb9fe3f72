#!/bin/sh
# Static analysis: runs clang-tidy with the checked-in .clang-tidy over every C file in src/, with
# the project's compiler flags, in parallel (JOBS, default: all cores). Fails (exit 1) on any
# finding that is not in the KNOWN list below. KNOWN holds the findings triaged when the check
# was introduced, each still to be fixed by the owner of its file (line numbers left out so that
# edits elsewhere do not disturb it): remove an entry when it is fixed, never add one for new
# code (fix it, or put NOLINT(check) with a reason on the line when it is a false positive).
# CLANG_TIDY_STRICT=1 ignores KNOWN. Usage: sh tools/clang-tidy.sh [BUILD_DIR] (default build-tidy)
set -eu
B=${1:-build-tidy}
TIDY=${CLANG_TIDY:-clang-tidy}
JOBS=${JOBS:-$(nproc 2> /dev/null || echo 2)}
command -v "$TIDY" > /dev/null || { echo "clang-tidy.sh: $TIDY not found (Debian: clang-tidy)"; exit 1; }
mkdir -p "$B/gen"
[ -f "$B/gen/iso3166.inc" ] || sh tools/gen-iso3166.sh > "$B/gen/iso3166.inc"
[ -f "$B/gen/ui.inc" ] || python3 tools/embed.py "$B/gen/ui.inc" ui/*
[ -f "$B/gen/report_lang.inc" ] || python3 tools/embed.py --name report_lang "$B/gen/report_lang.inc" src/report/lang/*.json
PKG_CFLAGS=$(pkg-config --cflags libfyaml jansson libsodium libcrypto sqlite3 libpq xlsxwriter libmicrohttpd libzip expat)
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Isrc -I$B/gen $PKG_CFLAGS"
log="$B/clang-tidy.log"
start=$(date +%s)
find src -name '*.c' | sort | xargs -P "$JOBS" -I{} sh -c "'$TIDY' --quiet {} -- $FLAGS 2> /dev/null || true" > "$log"
end=$(date +%s)
files=$(find src -name '*.c' | wc -l)
# one line per finding: "src/FILE: message [check]", without line and column
grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): ' "$log" |
  sed -E "s#^$(pwd)/##; s#:[0-9]+:[0-9]+: (warning|error): #: #; s#,-warnings-as-errors\]#]#" | sort > "$B/clang-tidy.found"
cat > "$B/clang-tidy.known" << 'KNOWN'
KNOWN
sort -o "$B/clang-tidy.known" "$B/clang-tidy.known"
if [ "${CLANG_TIDY_STRICT:-0}" = 1 ]; then : > "$B/clang-tidy.known"; fi
# new = found minus known (as multisets: the same message twice in a file counts twice)
new=$(awk 'FILENAME == ARGV[1] { k[$0]++; next } { if (k[$0] > 0) k[$0]--; else print }' "$B/clang-tidy.known" "$B/clang-tidy.found")
nfound=$(wc -l < "$B/clang-tidy.found")
nknown=$(awk 'FILENAME == ARGV[1] { k[$0]++; next } k[$0] > 0 { k[$0]--; n++ } END { print n + 0 }' "$B/clang-tidy.known" "$B/clang-tidy.found")
fixed=$(awk 'FILENAME == ARGV[1] { f[$0]++; next } { if (f[$0] > 0) f[$0]--; else print }' "$B/clang-tidy.found" "$B/clang-tidy.known")
[ -z "$fixed" ] || { echo "clang-tidy: fixed (remove from KNOWN in tools/clang-tidy.sh):"; echo "$fixed" | sed 's/^/  /'; }
if [ -n "$new" ]; then
  echo "clang-tidy: new findings:"
  echo "$new" | while IFS= read -r l; do
    f=${l%%: *}; m=${l#*: }; m=${m% \[*}
    grep -F -- "$m" "$log" | grep -F -- "$f:" | head -n 1 | sed "s|^$(pwd)/|  |"
  done
  echo "clang-tidy: $(echo "$new" | wc -l) new finding(s), $nknown known, in $files files ($((end - start)) s); see $log"
  exit 1
fi
echo "clang-tidy: 0 new findings ($nknown known, listed in tools/clang-tidy.sh) in $files files ($((end - start)) s)"
