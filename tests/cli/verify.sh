#!/bin/sh
# CLI tests of caucus verify, keygen and checkpoint: a sound log and store verify; every kind
# of tampering is named (flipped byte, deleted, inserted, reordered, truncated, forged tail,
# checkpoint from another log, truncation below a checkpoint, bad signature, wrong key), and
# inclusion and consistency proofs print and verify. Usage: tests/cli/verify.sh BUILD
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

expect_rc "a sound log" 0 "$BIN" verify "$T/a.jsonl" --key "$T/k.pub" --checkpoint "$T/cp100.txt" --checkpoint "$T/cpall.txt"
expect_out "both checkpoints verified" "2 signed checkpoints verified with key auditor.example"
expect_out "hash chain ok" "215 events, hash chain ok"

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
expect_rc "cut at a line: the chain alone cannot tell" 0 "$BIN" verify "$T/cut.jsonl"
expect_rc "cut at a line: the checkpoint tells" 1 "$BIN" verify "$T/cut.jsonl" --key "$T/k.pub" --checkpoint "$T/cpall.txt"
expect_out "cut named" "covers 215 events but the log has only 150: events were removed from its end"
python3 tests/tools/forge.py "$T/a.jsonl" "$T/forged.jsonl" 120
expect_rc "forged tail: the chain alone cannot tell" 0 "$BIN" verify "$T/forged.jsonl"
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

# proofs
expect_rc "inclusion proof" 0 "$BIN" verify "$T/a.jsonl" --inclusion 5 --size 100
expect_out "inclusion proof verifies" "proof verifies"
expect_rc "consistency proof" 0 "$BIN" verify "$T/a.jsonl" --consistency 100:215
expect_out "consistency proof verifies" "proof verifies"
expect_rc "no proof beyond the log" 1 "$BIN" verify "$T/a.jsonl" --inclusion 300
expect_rc "bad consistency sizes" 2 "$BIN" verify "$T/a.jsonl" --consistency 0:10

# stores
"$BIN" import "$T/s.db" --log "$T/a.jsonl" --scenario $S > /dev/null
expect_rc "a sound store" 0 "$BIN" verify "$T/s.db" --exercise 1
expect_out "store verified" "215 events, hash chain ok"
sqlite3 "$T/s.db" "UPDATE event SET line = replace(line, '\"t\":', '\"t\":1') WHERE seq = 40"
expect_rc "a tampered store row" 1 "$BIN" verify "$T/s.db" --exercise 1
expect_out "tampered row named" "event 40: hash does not match"
expect_rc "no such exercise" 1 "$BIN" verify "$T/s.db" --exercise 7
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
