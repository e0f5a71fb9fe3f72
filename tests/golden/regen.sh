#!/bin/sh
# Rewrites the golden outputs (tests/golden/expected) with the caucus of BUILD (default build),
# for a change that alters what a user sees on purpose. Review `git diff tests/golden` before
# committing: every changed byte is a change users will see. See tests/golden/README.md.
# Usage: tests/golden/regen.sh [BUILD]
set -eu
B=${1:-build}
[ -x "$B/caucus" ] || { echo "regen.sh: $B/caucus is not built (make BUILD=$B)" >&2; exit 2; }
rm -rf tests/golden/expected
sh tests/golden/gen.sh "$B/caucus" tests/golden/expected
echo "regen.sh: $(find tests/golden/expected -type f | wc -l) files in tests/golden/expected"
