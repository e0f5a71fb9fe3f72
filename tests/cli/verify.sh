#!/bin/sh
# CLI tests of caucus verify, keygen and checkpoint: a sound log and store verify; every kind
# of tampering is named (flipped byte, deleted, inserted, reordered, truncated, forged tail,
# checkpoint from another log, truncation below a checkpoint, bad signature, wrong key); on a
# store every column edited, the scenario swapped, checkpoints deleted or edited; the coverage
# line and the exit status (0 proven, 1 tampered, 3 not provable); a giant line in bounded
# memory; inclusion and consistency proofs print and verify. Usage: tests/cli/verify.sh BUILD
. tests/cli/harness.inc
S=scenarios/ncg-policy-ttx.yaml
"$BIN" run $S --seed 7 --log "$T/a.jsonl" > /dev/null
"$BIN" run $S --seed 8 --log "$T/b.jsonl" > /dev/null
expect_rc "keygen" 0 "$BIN" keygen auditor.example --out "$T/k"
expect_out "keygen prints the public key" "auditor.example+"
if [ -f "$T/k.pub" ] && [ "$(stat -c %a "$T/k")" = 600 ]; then ok; else no "keygen: key file mode or .pub missing"; fi
expect_rc "keygen never overwrites" 1 "$BIN" keygen auditor.example --out "$T/k"
expect_rc "keygen: bad name" 1 "$BIN" keygen "bad+name" --out "$T/k2"
"$BIN" checkpoint "$T/a.jsonl" --key "$T/k" --size 100 > "$T/cp100.txt"
"$BIN" checkpoint "$T/a.jsonl" --key "$T/k" > "$T/cpall.txt"
"$BIN" checkpoint "$T/b.jsonl" --key "$T/k" > "$T/cpb.txt"
expect_rc "checkpoint: size beyond the log" 1 "$BIN" checkpoint "$T/a.jsonl" --key "$T/k" --size 999
expect_rc "checkpoint: public key is not a signer" 1 "$BIN" checkpoint "$T/a.jsonl" --key "$T/k.pub"
head -n 3 "$T/cpall.txt" | tail -n 1 > "$T/x"
if grep -q "^caucus-log/" "$T/cpall.txt" && sed -n 2p "$T/cpall.txt" | grep -qx 215; then ok; else no "checkpoint text: origin and size"; fi

expect_rc "a sound log, every event covered" 0 "$BIN" verify "$T/a.jsonl" --key "$T/k.pub" --checkpoint "$T/cp100.txt" --checkpoint "$T/cpall.txt"
expect_out "both checkpoints verified" "2 signed checkpoints verified with key auditor.example"
expect_out "hash chain ok" "215 events, hash chain ok"
expect_out "coverage: all" "events 0-214 covered by a checkpoint signed by auditor.example+"
expect_out "coverage: none left" "every event covered"
expect_rc "a sound log without checkpoints: not provable" 3 "$BIN" verify "$T/a.jsonl"
expect_out "says why" "not provable: nothing contradicts the record"
expect_out "coverage: none" "events 0-214 covered by none"
expect_rc "a checkpoint short of the end: not provable" 3 "$BIN" verify "$T/a.jsonl" --key "$T/k.pub" --checkpoint "$T/cp100.txt"
expect_out "coverage: the part covered and the part not" "events 0-99 covered by a checkpoint signed by auditor.example+"
expect_out "coverage: the tail" "; events 100-214 covered by none"

sed '7s/"t":/"t":1/' "$T/a.jsonl" > "$T/flip.jsonl"
expect_rc "flipped byte" 1 "$BIN" verify "$T/flip.jsonl"
expect_out "flipped byte named" "event 6: hash does not match the record's contents"
sed '10d' "$T/a.jsonl" > "$T/del.jsonl"
expect_rc "deleted event" 1 "$BIN" verify "$T/del.jsonl"
expect_out "deleted event named" "event 9: its seq is 10: 1 event(s) before it were deleted"
sed '10p' "$T/a.jsonl" > "$T/ins.jsonl"
expect_rc "inserted event" 1 "$BIN" verify "$T/ins.jsonl"
expect_out "inserted event named" "event 10: its seq is 9: an event was inserted or the events were reordered"
awk 'NR==10{hold=$0; next} NR==11{print; print hold; next} {print}' "$T/a.jsonl" > "$T/reo.jsonl"
expect_rc "reordered events" 1 "$BIN" verify "$T/reo.jsonl"
expect_out "reordering named" "event 9: its seq is 10"
head -c -30 "$T/a.jsonl" > "$T/trunc.jsonl"
expect_rc "truncated inside the last event" 1 "$BIN" verify "$T/trunc.jsonl"
expect_out "truncation named" "event 214: the file ends inside it (no newline): the log was truncated"
head -n 150 "$T/a.jsonl" > "$T/cut.jsonl"
expect_rc "cut at a line: the chain alone cannot tell (not provable)" 3 "$BIN" verify "$T/cut.jsonl"
expect_rc "cut at a line: the checkpoint tells" 1 "$BIN" verify "$T/cut.jsonl" --key "$T/k.pub" --checkpoint "$T/cpall.txt"
expect_out "cut named" "covers 215 events but the log has only 150: events were removed from its end"
python3 tests/tools/forge.py "$T/a.jsonl" "$T/forged.jsonl" 120
expect_rc "forged tail: the chain alone cannot tell (not provable)" 3 "$BIN" verify "$T/forged.jsonl"
expect_rc "forged tail: the checkpoint tells" 1 "$BIN" verify "$T/forged.jsonl" --key "$T/k.pub" --checkpoint "$T/cp100.txt" --checkpoint "$T/cpall.txt"
expect_out "forgery bounded by the checkpoints" "an event from 100 to 214 was changed and the chain recomputed (forged)"
expect_rc "checkpoint of another log" 1 "$BIN" verify "$T/a.jsonl" --key "$T/k.pub" --checkpoint "$T/cpb.txt"
expect_out "another log named" "checkpoint from another log"
sed '$s/.\{6\}$/AAAAAA/' "$T/cpall.txt" > "$T/badsig.txt"
expect_rc "bad signature" 1 "$BIN" verify "$T/a.jsonl" --key "$T/k.pub" --checkpoint "$T/badsig.txt"
expect_out "bad signature named" "not a valid checkpoint signed by this key"
"$BIN" keygen other.example --out "$T/o" > /dev/null
expect_rc "checkpoint by another key" 1 "$BIN" verify "$T/a.jsonl" --key "$T/o.pub" --checkpoint "$T/cpall.txt"
expect_rc "checkpoint without --key: usage" 2 "$BIN" verify "$T/a.jsonl" --checkpoint "$T/cpall.txt"
expect_rc "not a key" 2 "$BIN" verify "$T/a.jsonl" --key "nonsense" --checkpoint "$T/cpall.txt"
: > "$T/empty.jsonl"
expect_rc "empty log" 1 "$BIN" verify "$T/empty.jsonl"
expect_out "empty named" "the log is empty"
expect_rc "missing file" 1 "$BIN" verify "$T/none.jsonl"
mkdir -p "$T/adir"
expect_rc "a directory" 1 "$BIN" verify "$T/adir"
expect_out "a directory is named" "is a directory, not a file"
# a 200 MB line is refused once 1 MiB of it is read: memory stays bounded (measured, not timed)
{ head -n 5 "$T/a.jsonl"; head -c 200000000 /dev/zero | tr '\0' a; echo; tail -n +6 "$T/a.jsonl"; } > "$T/giant.jsonl"
# (measured on the binary itself, also when the suite runs under Valgrind)
expect_rc "a giant line" 1 /usr/bin/time -f "%M" -o "$T/rss" "$B/caucus" verify "$T/giant.jsonl"
expect_out "the giant line is named" "event 5: line 6 is longer than 1048576 bytes (refused without reading the rest)"
rss=$(tail -n 1 "$T/rss")
if [ "${rss:-999999}" -lt 40000 ]; then ok; else no "verify of a 200 MB line held ${rss} KiB (more than 40 MiB)"; fi
echo "verify of a 200 MB line: refused, max RSS ${rss} KiB"
rm -f "$T/giant.jsonl"

# proofs
expect_rc "inclusion proof (the log itself not provable)" 3 "$BIN" verify "$T/a.jsonl" --inclusion 5 --size 100
expect_out "inclusion proof verifies" "proof verifies"
expect_rc "consistency proof" 0 "$BIN" verify "$T/a.jsonl" --consistency 100:215 --key "$T/k.pub" --checkpoint "$T/cpall.txt"
expect_out "consistency proof verifies" "proof verifies"
expect_rc "no proof beyond the log" 1 "$BIN" verify "$T/a.jsonl" --inclusion 300
expect_rc "bad consistency sizes" 2 "$BIN" verify "$T/a.jsonl" --consistency 0:10

# --threads: the same verdict, messages and exit status on 1, 2 and 3 threads (docs/event-log.md,
# "Checking lines on several threads"), on the logs above and on a 1.5 MB log (about six of the
# 256 KiB batches) tampered at the last line of a batch and the first of the next
same_on_threads() { # NAME ARGS...
  name=$1
  shift
  "$BIN" verify "$@" --threads 1 > "$T/th1" 2>&1
  r1=$?
  for n in 2 3; do
    "$BIN" verify "$@" --threads $n > "$T/thn" 2>&1
    if [ $? = $r1 ] && cmp -s "$T/th1" "$T/thn"; then ok; else no "--threads $n differs from 1: $name"; fi
  done
  cp "$T/th1" "$T/out" # for expect_out
  : > "$T/err"
}
for f in a flip del ins reo trunc cut forged empty; do same_on_threads "$f" "$T/$f.jsonl"; done
same_on_threads "checkpoints" "$T/forged.jsonl" --key "$T/k.pub" --checkpoint "$T/cp100.txt" --checkpoint "$T/cpall.txt"
same_on_threads "proofs" "$T/a.jsonl" --inclusion 5 --consistency 100:215
python3 bench/gen_scenario.py 300 20 > "$T/g.yaml"
"$BIN" run "$T/g.yaml" --auto all --log "$T/g.jsonl" > /dev/null
# the last line of each batch: a read of 256 KiB from the start of the batch, cut at its last newline
python3 - "$T/g.jsonl" > "$T/ends" << 'PY'
import sys
d = open(sys.argv[1], "rb").read()
start = n = 0
while start < len(d):
    cut = d.rfind(b"\n", start, min(start + 262144, len(d)))
    n += d.count(b"\n", start, cut + 1)
    print(n)  # 1-based line number of the batch's last line
    start = cut + 1
PY
if [ "$(wc -l < "$T/ends")" -ge 5 ]; then ok; else no "the log for --threads spans $(wc -l < "$T/ends") batches"; fi
same_on_threads "a sound log of several batches" "$T/g.jsonl"
for l in $(head -n 3 "$T/ends"); do
  for k in $l $((l + 1)); do
    sed "${k}s/\"t\":/\"t\":1/" "$T/g.jsonl" > "$T/gt.jsonl"
    same_on_threads "flipped byte at line $k" "$T/gt.jsonl"
    expect_out "flipped byte at line $k named" "event $((k - 1)): hash does not match"
    sed "${k}d" "$T/g.jsonl" > "$T/gt.jsonl"
    same_on_threads "line $k deleted" "$T/gt.jsonl"
    head -n "$k" "$T/g.jsonl" | head -c -5 > "$T/gt.jsonl"
    same_on_threads "cut inside line $k" "$T/gt.jsonl"
    "$BIN" checkpoint "$T/g.jsonl" --key "$T/k" --size "$k" > "$T/gcp.txt"
    same_on_threads "checkpoint at $k" "$T/g.jsonl" --key "$T/k.pub" --checkpoint "$T/gcp.txt"
  done
done
expect_rc "--threads 0: usage" 2 "$BIN" verify "$T/a.jsonl" --threads 0
expect_rc "--threads 65: usage" 2 "$BIN" verify "$T/a.jsonl" --threads 65

# stores: every column held to the record, the scenario to its pin, the stored checkpoints always
"$BIN" import "$T/s.db" --log "$T/a.jsonl" --scenario $S > /dev/null
expect_rc "a sound store without checkpoints: not provable" 3 "$BIN" verify "$T/s.db" --exercise 1
expect_out "store verified" "215 events, hash chain ok"
expect_out "scenario against its pin" "as pinned in run.start"
expect_out "store coverage: none" "events 0-214 covered by none"
# (every writer of a caucus store keeps its write-ahead log: docs/store.md)
sq() { sqlite3 -cmd ".filectrl persist_wal 1" "$@" > /dev/null; }
sq "$T/s.db" "INSERT INTO checkpoint(exercise,size,note) VALUES (1,100,readfile('$T/cp100.txt')),(1,215,readfile('$T/cpall.txt'))"
expect_rc "stored checkpoints without a key: held to the log, not provable" 3 "$BIN" verify "$T/s.db"
expect_out "both held to the log" "checkpoints     2, each consistent with the log (size and root); signatures not checked"
expect_rc "stored checkpoints with --key: proven" 0 "$BIN" verify "$T/s.db" --key "$T/k.pub"
expect_out "store coverage: all" "events 0-214 covered by a checkpoint signed by auditor.example+"
expect_rc "another key: not provable" 3 "$BIN" verify "$T/s.db" --key "$T/o.pub"
sq "$T/s.db" "UPDATE exercise SET log_key = '$(cat "$T/k.pub")'"
expect_rc "the pinned key, trusted on first use" 0 "$BIN" verify "$T/s.db"
expect_out "a loud note" "NOTE: the key auditor.example+"
expect_out "says what it means" "trust on first use"
# each edit on a fresh copy (caucus backup: the file stands alone)
tampered() { # NAME SQL EXPECTED-TEXT [RC]
  rm -f "$T/t.db" "$T/t.db-wal" "$T/t.db-shm"
  "$BIN" backup "$T/s.db" "$T/t.db" > /dev/null
  sqlite3 "$T/t.db" "$2"
  expect_rc "$1" "${4:-1}" "$BIN" verify "$T/t.db" --key "$T/k.pub"
  expect_out "$1: named" "$3"
}
tampered "an event's line" "UPDATE event SET line = replace(line, '\"t\":', '\"t\":1') WHERE seq = 40" "event 40: hash does not match"
tampered "the last row's hash column" "UPDATE event SET hash = '$(printf '%064d' 0)' WHERE seq = 214" "event 214: its hash column 0000000000000000... is not the hash of its line"
tampered "a hash column mid-log" "UPDATE event SET hash = upper(hash) WHERE seq = 7" "event 7: its hash column"
tampered "a seq column" "UPDATE event SET seq = 999 WHERE seq = 214" "event 214: its seq column is 999"
tampered "a deleted row" "DELETE FROM event WHERE seq = 9" "event 9: its seq is 10: 1 event(s) before it were deleted"
tampered "the scenario swapped" "UPDATE exercise SET scenario = readfile('scenarios/ncg-mil-ttx.yaml')" "the scenario was replaced"
tampered "the scenario swapped with its hash column" "UPDATE exercise SET scenario = readfile('scenarios/ncg-mil-ttx.yaml'), scenario_hash = '$(sha256sum scenarios/ncg-mil-ttx.yaml | cut -c1-64)'" "but run.start pins"
tampered "the scenario_hash column" "UPDATE exercise SET scenario_hash = '$(printf '%064d' 1)'" "the scenario_hash column 0000000000000000... is not the stored scenario's SHA-256"
tampered "the seed column" "UPDATE exercise SET seed = '8'" "the seed column 8 is not the seed 7 pinned in run.start"
tampered "the variant column" "UPDATE exercise SET variant = 'other'" "the variant column other is not the variant"
tampered "a checkpoint's size column" "UPDATE checkpoint SET size = 101 WHERE size = 100" "its size column says 101 but its note says 100"
tampered "a checkpoint's root" "UPDATE checkpoint SET note = replace(note, substr(note, instr(note, char(10)) + 5, 4), 'AAAA') WHERE size = 100" "stored checkpoint at size 100"
tampered "a stored signature" "UPDATE checkpoint SET note = substr(note, 1, length(note) - 7) || 'AAAAAA' || char(10) WHERE size = 215" "not a valid checkpoint signed by this key"
tampered "every checkpoint deleted" "DELETE FROM checkpoint" "events 0-214 covered by none" 3
tampered "the last checkpoint deleted" "DELETE FROM checkpoint WHERE size = 215" "events 100-214 covered by none" 3
tampered "events cut at the end" "DELETE FROM event WHERE seq >= 150" "covers 215 events but the log has only 150"
expect_rc "no such exercise" 1 "$BIN" verify "$T/s.db" --exercise 7

# PostgreSQL: the same columns, edited there
if [ -n "${CAUCUS_TEST_PG:-}" ]; then
  # a schema of its own in the shared test database, dropped at the end
  SCH="verify_sh_$$"
  psql -q "$CAUCUS_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCH CASCADE; CREATE SCHEMA $SCH" > /dev/null
  case "$CAUCUS_TEST_PG" in *\?*) sep='&' ;; *) sep='?' ;; esac
  PG="${CAUCUS_TEST_PG}${sep}options=-csearch_path%3D$SCH"
  pgtampered() { # NAME SQL EXPECTED-TEXT
    "$BIN" import "$PG" --log "$T/a.jsonl" --scenario $S --name "verify.sh $1" > "$T/imp"
    id=$(sed -n 's/.*as exercise \([0-9]*\):.*/\1/p' "$T/imp")
    psql -q "$PG" -c "$(echo "$2" | sed "s/EX/${id:-0}/g")" > /dev/null
    expect_rc "pg: $1" 1 "$BIN" verify "$PG" --exercise "${id:-0}"
    expect_out "pg: $1: named" "$3"
  }
  pgtampered "the last row's hash column" "UPDATE event SET hash = repeat('0', 64) WHERE exercise = EX AND seq = 214" "event 214: its hash column"
  pgtampered "an event's line" "UPDATE event SET line = replace(line, '\"t\":', '\"t\":1') WHERE exercise = EX AND seq = 40" "event 40: hash does not match"
  pgtampered "the scenario swapped" "UPDATE exercise SET scenario = 'caucus: 1' WHERE id = EX" "the scenario was replaced"
  pgtampered "the scenario_hash column" "UPDATE exercise SET scenario_hash = repeat('1', 64) WHERE id = EX" "the scenario_hash column"
  pgtampered "the seed column" "UPDATE exercise SET seed = '8' WHERE id = EX" "the seed column 8"
  pgtampered "the variant column" "UPDATE exercise SET variant = 'other' WHERE id = EX" "the variant column other"
  pgtampered "a hash column mid-log" "UPDATE event SET hash = upper(hash) WHERE exercise = EX AND seq = 7" "event 7: its hash column"
  # (a gap in any exercise fails the store's own integrity check, which runs first)
  pgtampered "a seq column" "UPDATE event SET seq = 999 WHERE exercise = EX AND seq = 214" "has 215 events but its last seq is 999"
  psql -q "$CAUCUS_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA $SCH CASCADE" > /dev/null
else
  no "CAUCUS_TEST_PG is not set: tests/run.sh starts PostgreSQL"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
