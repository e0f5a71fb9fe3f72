#!/bin/sh
# HTTP API tests of `caucus serve`: tests/http/api_test.py (every endpoint and its errors, label
# enforcement on every path out, CSRF/Origin defences, rate limits, event streams with
# Last-Event-ID, checkpoints, SIGKILL and resume), tests/http/backlog_test.py (a log longer than
# what the server keeps in memory: streams and items read back from the store, the state's lists
# of the most recent items and notes), tests/http/editor_test.py (the scenario editor's API:
# documents, versions, edits, conflicts, exports, catalogue, runs), tests/http/two_servers.py (two
# server processes sharing one PostgreSQL store), tests/http/audit_test.py (fail-closed audit: the
# store locked, full and read-only), tests/http/witness_test.py (a witness cosigning each
# checkpoint; a rolled back store refused), tests/http/view_test.py (who sees what: a
# national-only consultation and decision, the notes pad), tests/http/hardening_test.py (issue
# 23: rate limits, join timing, refusal records, connection caps, stream slots, owner-only files),
# tests/http/wake_test.py (event streams that sleep through commits their viewer may not see send
# exactly what a fresh stream sends), tests/http/hybrid_test.py (hybrid seats: control hands seats to their agents and acts on a seat's
# behalf), tests/http/edit_test.py (control edits a released inject's label and recipients),
# tests/http/marks_test.py (new marks per session), tests/http/auto_test.py (serve --auto),
# tests/http/steer_test.py (control steers: the stuck list, extend, force, re-open, skip, a
# reissued join code) and tests/http/debrief_test.py (the debrief: a seat's state at an event,
# players refused, a fork from here). Usage: tests/cli/serve.sh BUILD
. tests/cli/harness.inc
total_p=0; total_f=0
run_py() {
  python3 "$@" > "$T/py.out" 2>&1; rc=$?
  cat "$T/py.out"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T/py.out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  [ -n "$p" ] || { p=0; f=1; }
  [ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
  total_p=$((total_p + p)); total_f=$((total_f + f))
}
run_py tests/http/api_test.py "$BIN" "$T"
mkdir -p "$T/backlog"
run_py tests/http/backlog_test.py "$BIN" "$T/backlog"
mkdir -p "$T/audit"
run_py tests/http/audit_test.py "$BIN" "$T/audit"
mkdir -p "$T/witness"
run_py tests/http/witness_test.py "$BIN" "$T/witness"
mkdir -p "$T/rounds"
run_py tests/http/rounds_test.py "$BIN" "$T/rounds"
mkdir -p "$T/editor"
run_py tests/http/editor_test.py "$BIN" "$T/editor"
mkdir -p "$T/view"
run_py tests/http/view_test.py "$BIN" "$T/view"
mkdir -p "$T/hardening"
run_py tests/http/hardening_test.py "$BIN" "$T/hardening"
mkdir -p "$T/hybrid"
run_py tests/http/hybrid_test.py "$BIN" "$T/hybrid"
mkdir -p "$T/steer"
run_py tests/http/steer_test.py "$BIN" "$T/steer"
mkdir -p "$T/debrief"
run_py tests/http/debrief_test.py "$BIN" "$T/debrief"
mkdir -p "$T/edit"
run_py tests/http/edit_test.py "$BIN" "$T/edit"
mkdir -p "$T/marks"
run_py tests/http/marks_test.py "$BIN" "$T/marks"
mkdir -p "$T/auto"
run_py tests/http/auto_test.py "$BIN" "$T/auto"
mkdir -p "$T/wake"
run_py tests/http/wake_test.py "$BIN" "$T/wake"
if [ -n "${CAUCUS_TEST_PG:-}" ]; then
  mkdir -p "$T/two"
  run_py tests/http/two_servers.py "$BIN" "$T/two" "$CAUCUS_TEST_PG"
else
  echo "FAIL: CAUCUS_TEST_PG is not set: tests/run.sh starts PostgreSQL"; total_f=$((total_f + 1))
fi
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
