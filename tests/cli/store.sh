#!/bin/sh
# CLI tests of the store: import, export (byte for byte), exercises, backup, their errors, and
# the kill test: a writer appending to a SQLite store is SIGKILLed at random moments
# (CAUCUS_KILL_ROUNDS, default 200); after each kill every acknowledged event must be there
# with no gap, the chain intact and integrity_check ok. Usage: tests/cli/store.sh BUILD
. tests/cli/harness.inc
W="$B/tests/store_writer"

"$BIN" run scenarios/ncg-policy-ttx.yaml --seed 7 --log "$T/p.jsonl" > /dev/null
DB="$T/s.db"
expect_rc "import" 0 "$BIN" import "$DB" --log "$T/p.jsonl" --scenario scenarios/ncg-policy-ttx.yaml --name "Policy TTX"
expect_out "import says what it did" "as exercise 1:"
expect_rc "exercises" 0 "$BIN" exercises "$DB"
expect_out "exercises lists it" "Policy TTX"
expect_out "exercises shows the state" "ended"
expect_rc "export" 0 "$BIN" export "$DB" --exercise 1 --log "$T/back.jsonl" --scenario "$T/back.yaml" --checkpoints "$T/cps"
if cmp -s "$T/p.jsonl" "$T/back.jsonl"; then ok; else no "export is not byte-identical to the imported log"; fi
if cmp -s scenarios/ncg-policy-ttx.yaml "$T/back.yaml"; then ok; else no "exported scenario differs"; fi
expect_rc "the exported log replays" 0 "$BIN" replay "$T/back.jsonl"
expect_rc "export to stdout" 0 "$BIN" export "$DB" --exercise 1 --log -
if cmp -s "$T/p.jsonl" "$T/out"; then ok; else no "export to stdout differs"; fi
expect_rc "backup" 0 "$BIN" backup "$DB" "$T/b.db"
expect_rc "the backup exports the same log" 0 "$BIN" export "$T/b.db" --exercise 1 --log "$T/b.jsonl"
if cmp -s "$T/p.jsonl" "$T/b.jsonl"; then ok; else no "backup's log differs"; fi
expect_rc "backup never overwrites" 1 "$BIN" backup "$DB" "$T/b.db"
expect_out "backup says why" "never overwrites"

# a refused import leaves nothing behind (one transaction), whatever refuses it
sed '150s/"seq":149/"seq":150/' "$T/p.jsonl" > "$T/late.jsonl"
expect_rc "import: a bad line late in the log" 1 "$BIN" import "$DB" --log "$T/late.jsonl" --scenario scenarios/ncg-policy-ttx.yaml
expect_out "import: names the line" "line 150 of the append"
expect_out "import: says nothing was imported" "nothing was imported"
"$BIN" exercises "$DB" > "$T/ex.txt"
if [ "$(grep -c '^[0-9]' "$T/ex.txt")" = 1 ]; then ok; else no "a refused import left an exercise behind: $(cat "$T/ex.txt")"; fi
# a line over the 1 MiB limit is refused as soon as the limit is passed, in bounded memory
{ head -n 3 "$T/p.jsonl"; head -c 50000000 /dev/zero | tr '\0' x; echo; } > "$T/giant.jsonl"
# (measured on the binary itself, also when the suite runs under Valgrind)
expect_rc "import: a giant line" 1 /usr/bin/time -f "%M" -o "$T/rss" "$B/caucus" import "$DB" --log "$T/giant.jsonl" --scenario scenarios/ncg-policy-ttx.yaml
expect_out "import: names the giant line" "line 4 is longer than 1048576 bytes"
rss=$(tail -n 1 "$T/rss")
if [ "${rss:-999999}" -lt 40000 ]; then ok; else no "import of a 50 MB line took ${rss} KiB (more than 40 MiB)"; fi
echo "import of a 50 MB line: refused, max RSS ${rss} KiB"

# a store's main file copied without its write-ahead log is refused, naming caucus backup
cp "$DB" "$T/alone.db"
expect_rc "a main file without its -wal" 1 "$BIN" exercises "$T/alone.db"
expect_out "names caucus backup" "copy a store with \`caucus backup\`"
expect_rc "verify refuses it too" 1 "$BIN" verify "$T/alone.db"
expect_rc "a backup stands alone" 0 "$BIN" backup "$DB" "$T/alone2.db"
cp "$T/alone2.db" "$T/alone3.db"
expect_rc "a copy of a backup opens" 0 "$BIN" exercises "$T/alone3.db"

# errors
expect_rc "export: no such exercise" 1 "$BIN" export "$DB" --exercise 9 --log "$T/x.jsonl"
expect_out "export: names it" "no exercise 9"
expect_rc "export: bad id" 2 "$BIN" export "$DB" --exercise abc --log "$T/x.jsonl"
expect_rc "export: missing --log" 2 "$BIN" export "$DB" --exercise 1
expect_rc "export: no store" 1 "$BIN" export "$T/none.db" --exercise 1 --log "$T/x.jsonl"
expect_out "export: says no store" "no such store"
expect_rc "import: wrong scenario" 1 "$BIN" import "$DB" --log "$T/p.jsonl" --scenario scenarios/ncg-mil-ttx.yaml
expect_out "import: says it is not the scenario" "is not the scenario of"
sed '5s/"seq":4/"seq":5/' "$T/p.jsonl" > "$T/bad.jsonl"
expect_rc "import: tampered line" 1 "$BIN" import "$DB" --log "$T/bad.jsonl" --scenario scenarios/ncg-policy-ttx.yaml
expect_out "import: names the line" "line 5 of the append"
head -c 1000 "$T/p.jsonl" > "$T/trunc.jsonl"
expect_rc "import: truncated log" 1 "$BIN" import "$DB" --log "$T/trunc.jsonl" --scenario scenarios/ncg-policy-ttx.yaml
expect_out "import: says truncated" "truncated"
printf 'not json\n' > "$T/junk.jsonl"
expect_rc "import: junk" 1 "$BIN" import "$DB" --log "$T/junk.jsonl" --scenario scenarios/ncg-policy-ttx.yaml
expect_out "import: junk names line 1" "junk.jsonl:1:"
expect_rc "import: usage" 2 "$BIN" import "$DB" --log "$T/p.jsonl"
printf 'plain text, not a database, long enough for SQLite to read a whole header from it, surely....\n' > "$T/text.db"
expect_rc "exercises: not a store" 1 "$BIN" exercises "$T/text.db"
expect_out "exercises: says so" "not a caucus store"

# PostgreSQL: the same import/export round trip
if [ -n "${CAUCUS_TEST_PG:-}" ]; then
  PG="$CAUCUS_TEST_PG"
  expect_rc "pg import" 0 "$BIN" import "$PG" --log "$T/p.jsonl" --scenario scenarios/ncg-policy-ttx.yaml --name "PG round trip"
  id=$(sed -n 's/.*as exercise \([0-9]*\):.*/\1/p' "$T/out")
  expect_rc "pg export" 0 "$BIN" export "$PG" --exercise "${id:-0}" --log "$T/pg.jsonl"
  if cmp -s "$T/p.jsonl" "$T/pg.jsonl"; then ok; else no "PostgreSQL export differs"; fi
  expect_rc "pg backup is for SQLite" 1 "$BIN" backup "$PG" "$T/pg.db"
else
  no "CAUCUS_TEST_PG is not set: tests/run.sh starts PostgreSQL"
fi

# the kill test
rounds=${CAUCUS_KILL_ROUNDS:-200}
K="$T/kill.db"; A="$T/acks"
i=0; bad=0
while [ $i -lt "$rounds" ]; do
  "$W" "$K" "$A" "$i" 2> "$T/werr" &
  pid=$!
  # 5..34 ms of appending, then SIGKILL
  sleep "0.0$(( (i * 7919) % 30 + 5 ))" 2>/dev/null || sleep 0.03
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if ! "$W" --check "$K" "$A" "$T/state" > "$T/check"; then
    bad=$((bad + 1)); echo "kill round $i: $(cat "$T/check")"; cat "$T/werr"
  fi
  i=$((i + 1))
done
if [ $bad = 0 ]; then ok; else no "kill test: $bad of $rounds rounds lost data"; fi
# and once more over the whole log from event 0
if "$W" --check "$K" "$A" > "$T/check"; then ok; else no "kill test, full check: $(cat "$T/check")"; fi
echo "kill test: $rounds rounds, $(cat "$T/check")"
# the check itself can fail: a deleted event is a gap, dropped tail events are a loss
"$BIN" backup "$K" "$T/gap.db" > /dev/null; sqlite3 "$T/gap.db" "DELETE FROM event WHERE seq = 3"
if "$W" --check "$T/gap.db" "$A" > "$T/check"; then no "the kill-test check missed a gap"; else ok; fi
grep -q "gap: expected seq 3" "$T/check" && ok || no "gap not named: $(cat "$T/check")"
"$BIN" backup "$K" "$T/lost.db" > /dev/null; sqlite3 "$T/lost.db" "DELETE FROM event WHERE seq >= $(tail -n 1 "$A") - 5"
if "$W" --check "$T/lost.db" "$A" > "$T/check"; then no "the kill-test check missed lost events"; else ok; fi
grep -q "^lost:" "$T/check" && ok || no "loss not named: $(cat "$T/check")"
n=$(tail -n 1 "$A" 2>/dev/null || echo 0)
if [ "${n:-0}" -gt 0 ]; then ok; else no "kill test: the writer never acknowledged anything"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
