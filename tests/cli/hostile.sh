#!/bin/sh
# The hostile-input catalogue (tests/hostile/README.md): runs every case file in
# tests/hostile/cases/ and checks its expected clear error or denial: exit status (or HTTP
# status and error code), the exact error text, no signal, no sanitizer report, bounded time.
# HTTP cases go to one `caucus serve` started here; afterwards the server must stop cleanly and
# its log must verify. Usage: tests/cli/hostile.sh BUILD [CASE-ID-PREFIX...]
. tests/cli/harness.inc
shift 2> /dev/null || true
H=tests/hostile
xfails=0
SAN='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'
# time limits are for an optimised build; a sanitizer build gets three times as long
SCALE=1
case "$B" in *asan* | *san*) SCALE=3 ;; esac

# Fixtures every case may use: the base scenario ($SCN), a sound log ($LOG) of it, a signing key
# ($KEY, $PUB), a checkpoint of the whole log ($CP) and a store holding the log ($DB).
SCN=$T/base.yaml
sed 's|@LABEL@|SECRET//REL TO USA, KOR|' "$H/base.yaml" > "$SCN"
LOG=$T/sound.jsonl
KEY=$T/k
PUB=$T/k.pub
CP=$T/cp.txt
DB=$T/s.db
if ! "$BIN" run "$SCN" --seed 1 --log "$LOG" > /dev/null 2>&1 || ! "$BIN" keygen hostile.example --out "$KEY" > /dev/null 2>&1 ||
  ! "$BIN" checkpoint "$LOG" --key "$KEY" > "$CP" 2> /dev/null || ! "$BIN" import "$DB" --log "$LOG" --scenario "$SCN" > /dev/null 2>&1; then
  echo "FAIL: hostile fixtures could not be made"; echo "0 passed, 1 failed"; exit 1
fi
export SCN LOG KEY PUB CP DB T BIN

# The server for the HTTP cases: started on first use, with sessions for control (H_COOKIE,
# H_CSRF), usa-chair (H_SCOOKIE, H_SCSRF) and kor-chair (H_KCOOKIE, H_KCSRF); control starts the clock
# and releases I-2, the USA-only inject, so that rewinds have something to leak. A second
# kor-chair session is logged out at once (H_DEADCOOKIE, H_DEADCSRF) for the replay cases.
SRV_PID=
start_server() {
  H_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$BIN" serve "$SCN" --db "$T/srv.db" --codes "$T/codes.json" --listen "127.0.0.1:$H_PORT" --join-per-min 1000 \
    > "$T/srv.out" 2>&1 &
  SRV_PID=$!
  i=0
  while ! grep -q "listening on" "$T/srv.out" 2> /dev/null; do
    i=$((i + 1)); sleep 0.1
    if [ $i -gt 100 ] || ! kill -0 "$SRV_PID" 2> /dev/null; then echo "FAIL: server did not start"; cat "$T/srv.out"; return 1; fi
  done
  code() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/codes.json" "$1"; }
  set -- $(python3 $H/wire.py join "$H_PORT" "$(code control)") && H_COOKIE=$1 && H_CSRF=$2 &&
    set -- $(python3 $H/wire.py join "$H_PORT" "$(code usa-chair)") && H_SCOOKIE=$1 && H_SCSRF=$2 &&
    set -- $(python3 $H/wire.py join "$H_PORT" "$(code kor-chair)") && H_KCOOKIE=$1 && H_KCSRF=$2 &&
    set -- $(python3 $H/wire.py join "$H_PORT" "$(code kor-chair)") && H_DEADCOOKIE=$1 && H_DEADCSRF=$2 || return 1
  python3 $H/wire.py post "$H_PORT" "$H_DEADCOOKIE" "$H_DEADCSRF" /api/logout '{}' | grep -q "STATUS 204" || return 1
  H_KCODE=$(code kor-chair)
  export H_PORT H_COOKIE H_CSRF H_SCOOKIE H_SCSRF H_KCOOKIE H_KCSRF H_DEADCOOKIE H_DEADCSRF H_KCODE
  python3 $H/wire.py post "$H_PORT" "$H_COOKIE" "$H_CSRF" /api/input '{"do":"start"}' | grep -q "STATUS 200" &&
    python3 $H/wire.py post "$H_PORT" "$H_COOKIE" "$H_CSRF" /api/input '{"do":"release","inject":"I-2"}' | grep -q "STATUS 200"
}

# field NAME FILE: the values of "NAME: value" lines, one per line
field() { sed -n "s/^$1: //p" "$2"; }

# make_input CASEFILE IN: builds the case's input file from its "input:" line
make_input() {
  spec=$(field input "$1")
  case "$spec" in
    "") : ;;
    "label "*) printf '%s' "${spec#label }" > "$2.label" ;;
    "labelf "*) printf "${spec#labelf }" > "$2.label" ;;
    "file "*) cp "$H/data/${spec#file }" "$2" ;;
    "sh "*) IN=$2 sh -c "${spec#sh }" ;;
    *) return 1 ;;
  esac
  if [ -f "$2.label" ]; then
    python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); l = open(sys.argv[2], "rb").read()
open(sys.argv[3], "wb").write(b.replace(b"@LABEL@", l))' "$H/base.yaml" "$2.label" "$2"
  fi
}

run_case() {
  f=$1; id=$(basename "$f" .case)
  IN=$T/in-$id
  export IN
  why=
  make_input "$f" "$IN" > "$T/mk.log" 2>&1 || why="cannot build the input: $(head -c 300 "$T/mk.log"); "
  secs=$(field time "$f"); secs=$(( ${secs:-10} * SCALE ))
  kind=$(field kind "$f")
  t0=$(date +%s)
  if [ "$kind" = http ]; then
    if [ -z "$SRV_PID" ]; then start_server || { no "$id: server setup failed"; return; }; fi
    send=$(field send "$f"); wire=$(field wire "$f")
    if [ -n "$send" ]; then
      printf '%s' "$send" | timeout -s KILL "$secs" python3 $H/wire.py send "$H_PORT" > "$T/out" 2> "$T/err"; got=$?
    else
      eval "set -- $wire"
      timeout -s KILL "$secs" python3 $H/wire.py "$1" "$H_PORT" "$2" "$3" "$4" > "$T/out" 2> "$T/err"; got=$?
    fi
    want=0
    st=$(field status "$f"); [ -z "$st" ] || grep -qx "STATUS $st" "$T/out" || why="${why}HTTP status $(sed -n 's/^STATUS //p' "$T/out"), want $st; "
    cd=$(field code "$f"); [ -z "$cd" ] || grep -qx "CODE $cd" "$T/out" || why="${why}error code $(sed -n 's/^CODE //p' "$T/out"), want $cd; "
    if ! kill -0 "$SRV_PID" 2> /dev/null; then
      why="${why}the server died; "; echo "== server output:"; tail -n 40 "$T/srv.out"; SRV_PID=
    fi
  else
    run=$(field run "$f")
    eval "set -- $run"
    mem=$(field mem "$f")
    if [ -n "$mem" ] && [ "$SCALE" = 1 ] && [ -z "${CAUCUS_BIN_OVERRIDE:-}" ]; then
      # bounded memory: the address space is capped (sanitizer and Valgrind runs reserve more)
      (ulimit -v $((mem * 1024)) && exec timeout -s KILL "$secs" "$BIN" "$@") > "$T/out" 2> "$T/err"; got=$?
    else
      timeout -s KILL "$secs" "$BIN" "$@" > "$T/out" 2> "$T/err"; got=$?
    fi
    want=$(field rc "$f")
  fi
  t1=$(date +%s)
  if [ "$got" = 124 ] || [ "$got" = 137 ]; then why="${why}timed out after $secs s; "
  elif [ "$got" -gt 128 ]; then why="${why}killed by signal $((got - 128)); "
  elif [ "$got" != "$want" ]; then why="${why}exit $got, want $want; "; fi
  if grep -qE "$SAN" "$T/out" "$T/err"; then why="${why}sanitizer report; "; fi
  field expect "$f" > "$T/expect"
  while IFS= read -r e; do
    grep -qF -- "$e" "$T/out" "$T/err" || why="${why}output lacks '$e'; "
  done < "$T/expect"
  field absent "$f" > "$T/absent"
  while IFS= read -r e; do
    if grep -qF -- "$e" "$T/out" "$T/err"; then why="${why}output has '$e'; "; fi
  done < "$T/absent"
  field check "$f" > "$T/check"
  while IFS= read -r c; do
    sh -c "$c" > /dev/null 2>&1 || why="${why}check failed: $c; "
  done < "$T/check"
  xf=$(field xfail "$f")
  if [ -n "$xf" ]; then
    if [ -n "$why" ]; then xfails=$((xfails + 1)); echo "XFAIL $id (known: $xf)"
    else no "$id: passes now: remove its xfail line"; fi
  elif [ -z "$why" ]; then ok
  else no "$id: $why"; head -c 600 "$T/out" "$T/err"; echo; fi
  : "$t0" "$t1"
}

for f in "$H"/cases/*.case; do
  n=$(basename "$f" | cut -c1-3)
  grep -q "^| $n | " "$H/README.md" || no "$(basename "$f"): no row in $H/README.md"
  if [ $# -gt 0 ]; then
    m=0; for p in "$@"; do case $(basename "$f") in "$p"*) m=1 ;; esac; done
    [ $m = 1 ] || continue
  fi
  run_case "$f"
done

# After all the hostile traffic: the server stops on SIGINT without a sanitizer report, and the
# log it wrote verifies.
if [ -n "$SRV_PID" ]; then
  kill -INT "$SRV_PID"; i=0
  while kill -0 "$SRV_PID" 2> /dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$SRV_PID" 2> /dev/null; then no "server ignores SIGINT"; kill -KILL "$SRV_PID"; fi
  wait "$SRV_PID"; src=$?
  if [ "$src" = 0 ]; then ok; else no "server exit status $src"; tail -5 "$T/srv.out"; fi
  if grep -qE "$SAN" "$T/srv.out"; then no "server sanitizer report"; grep -E -A20 "$SAN" "$T/srv.out" | head -40; else ok; fi
  expect_rc "server log verifies after the hostile traffic" 0 "$BIN" verify "$T/srv.db" --exercise 1
fi
[ $xfails = 0 ] || echo "$xfails expected failures (known bugs, listed in tests/hostile/README.md)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
