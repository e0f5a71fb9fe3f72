#!/bin/sh
# CLI tests of co-signed checkpoints and witnesses (docs/tamper-evidence.md): two parties'
# auditors cosign a store's checkpoints as it grows (caucus cosign), `verify --require USA,KOR`
# demands both cosignatures; a rollback (a genuine older checkpoint with a truncated log) and a
# split view (another tree of the same size, signed by the log's own key) are refused by the
# parties and by a witness (caucus witness, one request at a time and over HTTP), and a witness
# state never moves on a refusal. Usage: tests/cli/cosign.sh BUILD
. tests/cli/harness.inc
S=scenarios/ncg-policy-ttx.yaml
"$BIN" run $S --seed 7 --log "$T/a.jsonl" > /dev/null
"$BIN" keygen caucus.example/log --out "$T/log" > /dev/null
expect_rc "keygen --cosigner" 0 "$BIN" keygen usa.ncg.example/auditor --cosigner --out "$T/usa"
expect_out "a cosigner key (type 0x04)" "usa.ncg.example/auditor+"
"$BIN" keygen kor.ncg.example/auditor --cosigner --out "$T/kor" > /dev/null
"$BIN" keygen witness.example/w1 --cosigner --out "$T/wit" > /dev/null
"$BIN" checkpoint "$T/a.jsonl" --key "$T/log" --size 100 > "$T/cp100.txt"
"$BIN" checkpoint "$T/a.jsonl" --key "$T/log" > "$T/cp215.txt"
expect_rc "a cosigner key cannot sign checkpoints" 1 "$BIN" checkpoint "$T/a.jsonl" --key "$T/usa"
expect_rc "a log key cannot cosign" 1 "$BIN" cosign "$T/a.jsonl" --checkpoint "$T/cp100.txt" --key "$T/log" --state "$T/x" --log-key "$T/log.pub"
expect_out "says what to use" "is not a cosigner key"

# a store that grows: its checkpoint of 100 events, cosigned by both parties
"$BIN" import "$T/s.db" --log "$T/a.jsonl" --scenario $S > /dev/null
sq() { sqlite3 -cmd ".filectrl persist_wal 1" "$@" > /dev/null; }
sq "$T/s.db" "INSERT INTO checkpoint(exercise,size,note) VALUES (1,100,readfile('$T/cp100.txt')); UPDATE exercise SET log_key = '$(cat "$T/log.pub")'"
expect_rc "USA cosigns the first checkpoint" 0 "$BIN" cosign "$T/s.db" --key "$T/usa" --state "$T/usa-state" --log-key "$T/log.pub"
expect_out "says so" "cosigned the checkpoint of size 100"
expect_out "the first for this log" "the first it cosigns for this log"
expect_rc "KOR cosigns it (the log key from the store, said)" 0 "$BIN" cosign "$T/s.db" --key "$T/kor" --state "$T/kor-state"
expect_out "trust on first use said" "taken from the store (trust on first use)"
CO="--cosigner USA=$T/usa.pub --cosigner KOR=$T/kor.pub"
expect_rc "100 of 215 events covered: not provable" 3 "$BIN" verify "$T/s.db" --key "$T/log.pub" $CO --require USA,KOR
expect_out "coverage names both parties" "events 0-99 covered by a checkpoint signed by caucus.example/log+"
expect_out "cosigned by both" ", cosigned by USA at "
expect_out "and the rest" "; events 100-214 covered by none"
# the store grows to 215: USA cosigns it (consistent with its 100), KOR not yet
sq "$T/s.db" "INSERT INTO checkpoint(exercise,size,note) VALUES (1,215,readfile('$T/cp215.txt'))"
expect_rc "USA cosigns the grown tree" 0 "$BIN" cosign "$T/s.db" --key "$T/usa" --state "$T/usa-state"
expect_out "consistent with its last" "consistent with the last one it cosigned"
expect_rc "--require USA: proven" 0 "$BIN" verify "$T/s.db" --key "$T/log.pub" $CO --require USA
expect_rc "--require USA,KOR without KOR's cosignature: not provable" 3 "$BIN" verify "$T/s.db" --key "$T/log.pub" $CO --require USA,KOR
expect_out "only 100 events have both" "events 0-99 covered by a checkpoint"
expect_rc "KOR cosigns the grown tree" 0 "$BIN" cosign "$T/s.db" --key "$T/kor" --state "$T/kor-state" --log-key "$T/log.pub"
expect_rc "--require USA,KOR: proven" 0 "$BIN" verify "$T/s.db" --key "$T/log.pub" $CO --require USA,KOR
expect_out "every event, both parties" "every event covered"
if grep -q ", KOR at " "$T/out"; then ok; else no "the coverage line lacks KOR's cosignature time"; fi
expect_rc "--require of a party without its key" 2 "$BIN" verify "$T/s.db" --key "$T/log.pub" --require JPN
sqlite3 -readonly "$T/s.db" "SELECT note FROM checkpoint WHERE size = 215" > "$T/cosigned.txt"
if [ "$(grep -c '^— ' "$T/cosigned.txt")" = 3 ]; then ok; else no "the stored checkpoint does not carry three signature lines: $(cat "$T/cosigned.txt")"; fi
# a cosignature edited in the store: tampered
"$BIN" backup "$T/s.db" "$T/t.db" > /dev/null
python3 - "$T/t.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
note = c.execute("SELECT CAST(note AS TEXT) FROM checkpoint WHERE size = 215").fetchone()[0]
i = note.index("kor.ncg.example/auditor ") + len("kor.ncg.example/auditor ") + 40  # inside the signature
note = note[:i] + ("B" if note[i] == "A" else "A") + note[i + 1:]
c.execute("UPDATE checkpoint SET note = ? WHERE size = 215", (note,))
c.commit()
PY
expect_rc "an edited cosignature" 1 "$BIN" verify "$T/t.db" --key "$T/log.pub" $CO --require USA,KOR
expect_out "named" "stored checkpoint at size 215: a cosignature does not verify"

# rollback: the genuine checkpoint of 100 with the log cut back to it
"$BIN" backup "$T/s.db" "$T/r.db" > /dev/null
sqlite3 "$T/r.db" "DELETE FROM checkpoint WHERE size = 215; DELETE FROM event WHERE seq >= 100"
expect_rc "the rolled-back store verifies as far as it goes" 0 "$BIN" verify "$T/r.db" --key "$T/log.pub"
expect_rc "USA refuses to cosign the rollback" 1 "$BIN" cosign "$T/r.db" --key "$T/usa" --state "$T/usa-state" --log-key "$T/log.pub"
expect_out "a rollback named" "refused (400): the old size 215 is larger than the checkpoint's 100 (a rollback)"
# split view: the log's own key signs another tree of 215 events (a forged tail)
python3 tests/tools/forge.py "$T/a.jsonl" "$T/forged.jsonl" 150
"$BIN" checkpoint "$T/forged.jsonl" --key "$T/log" > "$T/cpforged.txt"
expect_rc "USA refuses the split view" 1 "$BIN" cosign "$T/forged.jsonl" --checkpoint "$T/cpforged.txt" --key "$T/usa" --state "$T/usa-state" --log-key "$T/log.pub"
expect_out "split view named" "(a split view)"
expect_rc "a checkpoint the log does not match" 1 "$BIN" cosign "$T/a.jsonl" --checkpoint "$T/cpforged.txt" --key "$T/usa" --state "$T/x2" --log-key "$T/log.pub"
expect_out "named" "the log does not match the checkpoint"
cp "$T/usa-state"/*.checkpoint "$T/usa-after"
if cmp -s "$T/usa-after" "$T/cp215.txt"; then ok; else no "the USA state is not the last checkpoint it cosigned"; fi

# a witness, one request at a time: add-checkpoint bodies (old size, proof, checkpoint)
W="--key $T/wit --state $T/wit-state --log-key $T/log.pub"
{ echo "old 0"; echo; cat "$T/cp100.txt"; } > "$T/req100"
expect_rc "witness: the first checkpoint" 0 "$BIN" witness $W --request "$T/req100"
expect_out "a cosignature line" "— witness.example/w1 "
"$BIN" verify "$T/a.jsonl" --consistency 100:215 --key "$T/log.pub" --checkpoint "$T/cp215.txt" > "$T/proof.txt"
python3 - "$T/proof.txt" "$T/cp215.txt" "$T/req215" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split("proof (")[1].splitlines()[1:]
hashes = [l.strip() for l in lines if len(l.strip()) == 64]
body = "old 100\n" + "".join(base64.b64encode(bytes.fromhex(h)).decode() + "\n" for h in hashes) + "\n"
open(sys.argv[3], "w").write(body + open(sys.argv[2]).read())
PY
expect_rc "witness: the grown tree, with its consistency proof" 0 "$BIN" witness $W --request "$T/req215"
{ echo "old 100"; echo; cat "$T/cp100.txt"; } > "$T/rollback"
expect_rc "witness: rollback refused" 1 "$BIN" witness $W --request "$T/rollback"
expect_out "409 with the latest size" "409: the latest checkpoint cosigned"
if grep -qx 215 "$T/out"; then ok; else no "the 409 body is not the latest size"; fi
{ echo "old 215"; echo; cat "$T/cpforged.txt"; } > "$T/split"
expect_rc "witness: split view refused" 1 "$BIN" witness $W --request "$T/split"
expect_out "named" "409: another tree of size 215 than the one cosigned (a split view)"
"$BIN" keygen other.example/log --out "$T/other" > /dev/null
"$BIN" checkpoint "$T/a.jsonl" --key "$T/other" > "$T/cpother.txt"
{ echo "old 0"; echo; cat "$T/cpother.txt"; } > "$T/unknown"
expect_rc "witness: an unknown log" 1 "$BIN" witness $W --request "$T/unknown"
expect_out "404" "404: unknown log"
printf 'old x\n\n' > "$T/junk"
expect_rc "witness: a malformed request" 1 "$BIN" witness $W --request "$T/junk"
expect_out "400" "400: line 1"
expect_rc "witness: usage" 2 "$BIN" witness --key "$T/wit" --state "$T/wit-state"

# the same over HTTP
python3 - "$BIN" "$T" <<'PY' > "$T/http.out" 2>&1
import os, subprocess, sys, time, urllib.request, urllib.error
sys.path.insert(0, "tests/http")
from harness import free_port
binary, t = sys.argv[1], sys.argv[2]
port = free_port()
p = subprocess.Popen([binary, "witness", "--key", t + "/wit", "--state", t + "/wit-http", "--log-key", t + "/log.pub",
                      "--listen", "127.0.0.1:%d" % port], stdout=subprocess.PIPE, text=True)
p.stdout.readline(); p.stdout.readline()
def post(name, path="/add-checkpoint"):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=open(t + "/" + name, "rb").read(), method="POST")
    try:
        r = urllib.request.urlopen(req, timeout=10)
        return r.status, r.read().decode(), r.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Content-Type")
res = [post("req100"), post("req215"), post("rollback"), post("split"), post("unknown"), post("junk"), post("req100", "/other")]
p.terminate(); p.wait(timeout=10)
print("STATUSES", " ".join(str(r[0]) for r in res))
print("TYPE409", res[2][2], repr(res[2][1]))
print("COSIG", res[0][1].startswith("\u2014 witness.example/w1 "))
PY
if grep -q "STATUSES 200 200 409 409 404 400 404" "$T/http.out"; then ok; else no "witness over HTTP: $(cat "$T/http.out")"; fi
if grep -q "TYPE409 text/x.tlog.size '215\\\\n'" "$T/http.out"; then ok; else no "witness over HTTP, 409 body: $(cat "$T/http.out")"; fi
if grep -q "COSIG True" "$T/http.out"; then ok; else no "witness over HTTP, the cosignature: $(cat "$T/http.out")"; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
