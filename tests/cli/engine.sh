#!/bin/sh
# CLI tests of `caucus run` and `caucus replay`: deterministic logs, verification, and every
# kind of tampering named by its first bad event. Usage: tests/cli/engine.sh BUILD_DIR.
. tests/cli/harness.inc

S=scenarios/ncg-policy-ttx.yaml
expect_rc "run" 0 "$BIN" run "$S" --seed 42 --log "$T/a.jsonl"
expect_out "run summary" "run ncg-policy-ttx: seed 42, variant standard, scenario time 2d (end of exercise)"
expect_rc "run again" 0 "$BIN" run "$S" --seed 42 --log "$T/b.jsonl"
if cmp -s "$T/a.jsonl" "$T/b.jsonl"; then ok; else no "same seed, same bytes"; fi
# a sanitizer build and the normal build write the same bytes: compared with another build of
# the tree (CAUCUS_OTHER_BUILD, else build/ or build-asan/, whichever is not $B); a visible SKIP
# line, counted, when there is none
skipped=0
skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }
OTHER=${CAUCUS_OTHER_BUILD:-}
if [ -z "$OTHER" ]; then
  for d in build build-asan; do
    if [ "$d" != "$B" ] && [ -x "$d/caucus" ]; then OTHER=$d; break; fi
  done
fi
if [ -n "$OTHER" ] && [ -x "$OTHER/caucus" ]; then
  "$OTHER/caucus" run "$S" --seed 42 --log "$T/normal.jsonl" > /dev/null 2>&1
  if cmp -s "$T/a.jsonl" "$T/normal.jsonl"; then ok; else no "$B and $OTHER write different logs"; fi
  "$BIN" run scenarios/ncg-interagency-sim.yaml --auto all --seed 5 --log "$T/x1.jsonl" > /dev/null 2>&1
  "$OTHER/caucus" run scenarios/ncg-interagency-sim.yaml --auto all --seed 5 --log "$T/x2.jsonl" > /dev/null 2>&1
  if cmp -s "$T/x1.jsonl" "$T/x2.jsonl"; then ok; else no "$B and $OTHER differ with agents"; fi
else
  skip "no other build to compare $B's logs with (set CAUCUS_OTHER_BUILD=DIR)"
fi
expect_rc "every sample runs and replays" 0 sh -c "for f in scenarios/*.yaml; do $BIN run \$f --log $T/s.jsonl > /dev/null && $BIN replay $T/s.jsonl > /dev/null || exit 1; done"
expect_rc "replay" 0 "$BIN" replay "$T/a.jsonl"
expect_out "replay verdict" "events verified: hash chain intact, engine reproduces every event"
expect_rc "replay --until" 0 "$BIN" replay "$T/a.jsonl" --until 10
expect_out "replay --until state" "state after event 10:"
expect_out "replay --until seats" "  seat usa-chair holds"
expect_out "replay --until open decisions" "  open decisions:"
expect_out "replay --until findings" "  findings: "
last=$(($(wc -l < "$T/a.jsonl") - 1))
expect_rc "replay --until past the end" 2 "$BIN" replay "$T/a.jsonl" --until $((last + 1))
expect_out "replay --until past the end message" "--until $((last + 1)): the log's last event is $last"
expect_rc "replay --until the last event" 0 "$BIN" replay "$T/a.jsonl" --until "$last"
expect_rc "replay --format json" 0 "$BIN" replay "$T/a.jsonl" --until 10 --format json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["seq"]==10 and d["verified"] and "seats" in d and "open_decisions" in d' "$T/out"; then ok; else no "replay --format json is the state at SEQ"; fi
expect_rc "replay --format bad" 2 "$BIN" replay "$T/a.jsonl" --format xml
expect_rc "run --until" 0 "$BIN" run "$S" --until +6h --log "$T/u.jsonl"
expect_out "until summary" "scenario time 6h (stopped by --until)"
expect_rc "replay of a stopped run" 0 "$BIN" replay "$T/u.jsonl"
expect_rc "run to stdout" 0 sh -c "$BIN run $S --log - > $T/stdout.jsonl"
if cmp -s "$T/stdout.jsonl" "$T/a.jsonl"; then no "stdout log equals seed 42 log"; else ok; fi
expect_rc "variant" 0 "$BIN" run scenarios/ncg-interagency-sim.yaml --variant parallel --log "$T/v.jsonl"
expect_out "variant summary" "variant parallel"
expect_rc "auto all" 0 "$BIN" run scenarios/ncg-interagency-sim.yaml --auto all --seed 3 --log "$T/auto.jsonl"
expect_out "auto summary" "consultations requested 2, completed"
expect_rc "auto replays" 0 "$BIN" replay "$T/auto.jsonl"
expect_rc "auto list" 0 "$BIN" run scenarios/ncg-interagency-sim.yaml --auto usa-chair,kor-chair --log "$T/auto2.jsonl"
expect_rc "auto list replays" 0 "$BIN" replay "$T/auto2.jsonl"
expect_rc "auto unknown seat" 2 "$BIN" run scenarios/ncg-interagency-sim.yaml --auto usa-chiar
expect_out "auto unknown message" "--auto: no seat 'usa-chiar' in the scenario"
expect_rc "auto seat without agent" 2 "$BIN" run tests/scenarios/valid/minimal.yaml --auto usa-chair
expect_out "auto no agent message" "has no agent policy"
expect_rc "unknown variant" 2 "$BIN" run "$S" --variant nope
expect_out "unknown variant message" "scenario has no mechanism 'nope'"
expect_rc "bad seed" 2 "$BIN" run "$S" --seed -3
expect_rc "bad until" 2 "$BIN" run "$S" --until 6h
expect_out "bad until message" "a relative time starts with '+'"
expect_rc "no scenario" 2 "$BIN" run
expect_rc "invalid scenario" 1 "$BIN" run tests/scenarios/invalid/044-label-unknown-classification.yaml
expect_out "invalid scenario message" "does not load; fix it first"

# people's and control's inputs
C=tests/scenarios/valid/engine-consult.yaml
expect_rc "inputs" 0 "$BIN" run "$C" --inputs tests/inputs/engine-consult.jsonl --log "$T/in.jsonl"
expect_out "inputs summary" "decisions opened 1, made 1, expired undecided 0"
expect_rc "inputs replay" 0 "$BIN" replay "$T/in.jsonl"
expect_rc "replay --until mid-consultation" 0 "$BIN" replay "$T/in.jsonl" --until 20
expect_out "consultation stage and since" "  consultation C-1: requested at +1h, in progress, stage positions since +1h20m"
expect_out "findings so far" "    G-ack met at +1h20m"
if grep -q '"type":"input.refused"' "$T/in.jsonl"; then ok; else no "refused inputs are logged"; fi
printf '{"t": "+1h", "seat": "usa-chair", "do": "acknowledge", "consultation": "C-1"}\n{"t": "+1h", "seat": "nobody"\n' > "$T/bad1.jsonl"
expect_rc "inputs bad json" 1 "$BIN" run "$C" --inputs "$T/bad1.jsonl"
expect_out "inputs bad json message" "bad1.jsonl:2:"
printf '# comment\n\n{"seat": "usa-chair", "do": "acknowledge", "consultation": "C-1"}\n' > "$T/bad2.jsonl"
expect_rc "inputs no time" 1 "$BIN" run "$C" --inputs "$T/bad2.jsonl"
expect_out "inputs no time message" "bad2.jsonl:3: error: missing \"t\""
printf '{"t": "+2h", "seat": "usa-chair", "do": "acknowledge", "consultation": "C-1"}\n{"t": "+1h", "seat": "usa-chair", "do": "acknowledge", "consultation": "C-1"}\n' > "$T/bad3.jsonl"
expect_rc "inputs out of order" 1 "$BIN" run "$C" --inputs "$T/bad3.jsonl"
expect_out "inputs order message" "bad3.jsonl:2: error: inputs must be in time order"
printf '{"t": "+1h", "seat": "usa-chiar", "do": "acknowledge", "consultation": "C-1"}\n' > "$T/bad4.jsonl"
expect_rc "inputs unknown seat" 1 "$BIN" run "$C" --inputs "$T/bad4.jsonl"
expect_out "inputs seat message" "bad4.jsonl:1: error: \"seat\" must name a seat of the scenario"
expect_rc "inputs missing file" 1 "$BIN" run "$C" --inputs "$T/none.jsonl"

# a fork differs from its parent by its origin (control's note "fork of ...", docs/cli.md "Forks"):
# same_but_origin PARENT FORK: the same events but for that note and its input (hashes aside, and
# findings' evidence, which names events by seq: the note's two events shift them)
same_but_origin() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def events(path, drop):
    out = []
    for line in open(path):
        r = json.loads(line)
        p = r["payload"]
        if drop and (p.get("do") == "note" or r["type"] == "note") and str(p.get("text", "")).startswith("fork of "):
            continue
        p.pop("evidence", None)
        out.append((r["type"], r["t"], r.get("wall"), r["actor"], r["label"], json.dumps(p, sort_keys=True)))
    return out
sys.exit(0 if events(sys.argv[1], False) == events(sys.argv[2], True) else 1)
PY
}
# fork: replay up to an event, then other choices
printf '{"t": "+2h10m", "seat": "kor-chair", "do": "vote", "decision": "D-1", "option": "hold"}\n' > "$T/alt.jsonl"
expect_rc "fork" 0 "$BIN" replay "$T/in.jsonl" --fork 35 --inputs "$T/alt.jsonl" --log "$T/fork.jsonl"
expect_out "fork summary" "forked at event 35;"
head -n 36 "$T/in.jsonl" > "$T/in36"; head -n 36 "$T/fork.jsonl" > "$T/fork36"
if cmp -s "$T/in36" "$T/fork36"; then ok; else no "fork equals the original up to SEQ"; fi
if cmp -s "$T/in.jsonl" "$T/fork.jsonl"; then no "fork differs after SEQ"; else ok; fi
if grep -q '"option":"hold"' "$T/fork.jsonl"; then ok; else no "fork carries the new input"; fi
expect_rc "fork replays" 0 "$BIN" replay "$T/fork.jsonl"
expect_rc "fork with no new inputs equals the original" 0 "$BIN" replay "$T/a.jsonl" --fork 50 --log "$T/fork2.jsonl"
if same_but_origin "$T/a.jsonl" "$T/fork2.jsonl"; then ok; else no "fork without inputs reproduces the run (but for its origin)"; fi
if grep '"type":"note"' "$T/fork2.jsonl" | grep -q '"text":"fork of [^"]* at event 50: event hash [0-9a-f]\{64\}, Merkle root of events 0..50 [0-9a-f]\{64\}"'; then ok; else no "the fork records its origin"; fi
printf '{"t": "+1h", "seat": "kor-chair", "do": "acknowledge", "consultation": "C-1"}\n' > "$T/early.jsonl"
expect_rc "fork input before the fork point" 1 "$BIN" replay "$T/in.jsonl" --fork 35 --inputs "$T/early.jsonl" --log "$T/f3.jsonl"
expect_out "fork early message" "before the fork point"
expect_rc "fork beyond the log" 2 "$BIN" replay "$T/in.jsonl" --fork 9999 --log "$T/f4.jsonl"
expect_rc "fork without log" 2 "$BIN" replay "$T/in.jsonl" --fork 3
cp "$T/in.jsonl" "$T/in-copy.jsonl"
expect_rc "fork onto its own log" 2 "$BIN" replay "$T/in-copy.jsonl" --fork 3 --log "$T/in-copy.jsonl"
expect_out "fork onto its own log message" "is the log being read"
if cmp -s "$T/in.jsonl" "$T/in-copy.jsonl"; then ok; else no "the log is left as it was"; fi
ln -s in-copy.jsonl "$T/in-link.jsonl"
expect_rc "fork onto its own log by another name" 2 "$BIN" replay "$T/in-copy.jsonl" --fork 3 --log "$T/in-link.jsonl"
if cmp -s "$T/in.jsonl" "$T/in-copy.jsonl"; then ok; else no "the log is left as it was (link)"; fi

# fork from here with every seat on its agent (docs/cli.md, "Forks"; tests/scenarios/valid/harbour-debrief.yaml):
# nobody acts in the parent, so C-1 waits at its acknowledge stage; forked at event 10 (+1h, C-1
# delivered), both harbour masters acknowledge at +1h10m (4,200,000 ms), the decide stage opens D-1,
# both vote share-berths at +1h30m (5,400,000 ms): D-1 made, C-1 completed, 4 agent actions
H=tests/scenarios/valid/harbour-debrief.yaml
expect_rc "harbour parent" 0 "$BIN" run "$H" --auto none --log "$T/hp.jsonl"
expect_out "harbour parent: nothing decided" "decision D-1: pending"
expect_rc "harbour fork --auto all" 0 "$BIN" replay "$T/hp.jsonl" --fork 10 --auto all --log "$T/hf.jsonl"
expect_out "harbour fork outcome" "decisions made 1, expired 0; consultations completed 1; findings 0 met, 0 missed; agent actions 4"
expect_out "harbour fork origin" "origin: event hash 62302e12a2bd9da779e8eba5e00c77a63708c6cbdb43dd041479b623e481d37d"
head -n 11 "$T/hp.jsonl" > "$T/hp11"; head -n 11 "$T/hf.jsonl" > "$T/hf11"
if cmp -s "$T/hp11" "$T/hf11"; then ok; else no "harbour fork equals the parent up to event 10"; fi
if grep -q '"t":4200000,.*"type":"consult.stage_done"' "$T/hf.jsonl"; then ok; else no "acknowledge stage done at +1h10m"; fi
if grep -q '"outcome":"share-berths".*"t":5400000,.*"type":"decision.made"' "$T/hf.jsonl"; then ok; else no "D-1 share-berths at +1h30m"; fi
n=$(grep -c '"type":"seat.play"' "$T/hf.jsonl"); [ "$n" = 3 ] && ok || no "3 seats handed to agents, got $n"
expect_rc "harbour fork replays" 0 "$BIN" replay "$T/hf.jsonl"
expect_rc "harbour fork --auto one seat" 0 "$BIN" replay "$T/hp.jsonl" --fork 10 --auto xna-harbour --log "$T/hf1.jsonl"
expect_out "one seat on its agent: nothing decided" "decisions made 0, expired 0; consultations completed 0"
expect_rc "fork --auto unknown seat" 2 "$BIN" replay "$T/hp.jsonl" --fork 10 --auto xna-harbor --log "$T/hf2.jsonl"
expect_rc "fork at run.end" 2 "$BIN" replay "$T/hp.jsonl" --fork 12 --auto all --log "$T/hf3.jsonl"
expect_out "fork at run.end message" "event 12 is the run's end: fork from an earlier event"
expect_rc "--auto without --fork" 2 "$BIN" replay "$T/hp.jsonl" --auto all

# the control clock: inputs timed by wall time (tests/inputs/clock-wall.jsonl)
K=tests/inputs/clock.yaml
W=tests/inputs/clock-wall.jsonl
expect_rc "wall run" 0 "$BIN" run "$K" --inputs "$W" --log "$T/w.jsonl"
expect_out "wall run to the end" "scenario time 6h (end of exercise)"
expect_out "added inject counted" "injects released 6 of 6"
expect_rc "wall run again" 0 "$BIN" run "$K" --inputs "$W" --log "$T/w2.jsonl"
if cmp -s "$T/w.jsonl" "$T/w2.jsonl"; then ok; else no "wall run: same inputs, same bytes"; fi
if [ -n "$OTHER" ] && "$OTHER/caucus" run "$K" --inputs "$W" --log "$T/w3.jsonl" > /dev/null 2>&1; then
  if cmp -s "$T/w.jsonl" "$T/w3.jsonl"; then ok; else no "$B and $OTHER differ with the control clock"; fi
else
  skip "control clock: no other build to compare with"
fi
expect_rc "wall replay" 0 "$BIN" replay "$T/w.jsonl"
expect_out "wall replay verdict" "events verified: hash chain intact, engine reproduces every event"
for ty in run.start clock.start clock.pause clock.resume clock.speed clock.jump inject.add inject.edit input.refused; do
  if grep -q "\"type\":\"$ty\"" "$T/w.jsonl"; then ok; else no "wall log has $ty"; fi
done
if grep '"type":"clock.pause"' "$T/w.jsonl" | grep -q '"actor":"control"'; then ok; else no "clock events are by control"; fi
if grep '"type":"run.start"' "$T/w.jsonl" | grep -q '"clock":"wall"'; then ok; else no "run.start records the clock"; fi
if grep -q '"clock":"wall"' "$T/a.jsonl"; then no "a headless run records no clock"; else ok; fi
# I-1 (+30m) paused across: released once, at scenario +30m: resumed at wall +55m (scenario +20m),
# speed 2 from wall +1h (scenario +25m), so at wall +1h02m30s = 10:02:30
n1=$(grep -c '"inject":"I-1".*"type":"inject.release"' "$T/w.jsonl")
[ "$n1" = 1 ] && ok || no "I-1 released $n1 times"
if grep '"inject":"I-1".*"type":"inject.release"' "$T/w.jsonl" | grep -q '"t":1800000,.*"wall":1772445750000'; then ok; else no "I-1 at +30m, wall 10:02:30"; fi
if grep '"type":"input.refused"' "$T/w.jsonl" | grep -q "whose clearance can never read"; then ok; else no "refused add names the reason"; fi
if grep '"inject":"N-1".*"type":"inject.release"' "$T/w.jsonl" | grep -q '"title":"Live news item (revised)"'; then ok; else no "added inject edited, then released"; fi
expect_rc "wall replay --until" 0 "$BIN" replay "$T/w.jsonl" --until 12
expect_out "wall replay --until state" "state after event 12:"
seq_speed=$(grep -n '"type":"clock.speed"' "$T/w.jsonl" | head -1 | cut -d: -f1)
fk=$((seq_speed - 1))
printf '{"wall": "+1h05m", "do": "pause"}\n{"wall": "+1h40m", "do": "resume"}\n' > "$T/walt.jsonl"
expect_rc "wall fork" 0 "$BIN" replay "$T/w.jsonl" --fork "$fk" --inputs "$T/walt.jsonl" --log "$T/wf.jsonl"
head -n "$seq_speed" "$T/w.jsonl" > "$T/wa"; head -n "$seq_speed" "$T/wf.jsonl" > "$T/wb"
if cmp -s "$T/wa" "$T/wb"; then ok; else no "wall fork equals the original up to SEQ"; fi
if grep -q '"type":"clock.pause".*"wall":1772445900000' "$T/wf.jsonl"; then ok; else no "wall fork carries the new pause"; fi
expect_rc "wall fork replays" 0 "$BIN" replay "$T/wf.jsonl"
# forking before the release of I-3 and giving the same inputs from there reproduces the run
fr=$(grep -n '"do":"release".*"type":"input"' "$T/w.jsonl" | head -1 | cut -d: -f1)
grep -v '^#' "$W" | sed -n '6,$p' > "$T/rest.jsonl"
expect_rc "wall fork with the original inputs" 0 "$BIN" replay "$T/w.jsonl" --fork $((fr - 2)) --inputs "$T/rest.jsonl" --log "$T/wf2.jsonl"
if same_but_origin "$T/w.jsonl" "$T/wf2.jsonl"; then ok; else no "wall fork with the original inputs reproduces the run (but for its origin)"; fi
printf '{"t": "+5h", "do": "note", "text": "x"}\n' > "$T/tfork.jsonl"
expect_rc "wall fork with scenario-timed inputs" 1 "$BIN" replay "$T/w.jsonl" --fork 20 --inputs "$T/tfork.jsonl" --log "$T/wf3.jsonl"
expect_out "wall fork timing message" "must be timed by \"wall\""
printf '{"wall": "+0s", "do": "start"}\n{"wall": "+10m", "do": "pause"}\n' > "$T/paused.jsonl"
expect_rc "paused at the end" 0 "$BIN" run "$K" --inputs "$T/paused.jsonl" --log "$T/p.jsonl"
expect_out "paused summary" "scenario time 10m (clock paused after the last input)"
expect_rc "paused replays" 0 "$BIN" replay "$T/p.jsonl"
printf '{"wall": "+0s", "do": "note", "text": "never started"}\n' > "$T/nostart.jsonl"
expect_rc "never started" 0 "$BIN" run "$K" --inputs "$T/nostart.jsonl"
expect_out "never started summary" "(clock never started)"
printf '{"wall": "+0s", "do": "start"}\n{"wall": "+10m", "do": "speed", "factor": 4}\n' > "$T/fast.jsonl"
expect_rc "until on the clock" 0 "$BIN" run "$K" --inputs "$T/fast.jsonl" --until +1h --log "$T/fu.jsonl"
expect_out "until on the clock summary" "scenario time 1h (stopped by --until)"
expect_rc "until on the clock replays" 0 "$BIN" replay "$T/fu.jsonl"
printf '{"wall": "+0s", "do": "start"}\n{"t": "+1h", "do": "note", "text": "x"}\n' > "$T/mix.jsonl"
expect_rc "t and wall mixed" 1 "$BIN" run "$K" --inputs "$T/mix.jsonl"
expect_out "mixed message" "mix.jsonl:2: error: every input of a file is timed the same way"
printf '{"t": "+1h", "do": "pause"}\n' > "$T/tclock.jsonl"
expect_rc "clock control in scenario time" 1 "$BIN" run "$K" --inputs "$T/tclock.jsonl"
expect_out "clock control message" "tclock.jsonl:1: error: \"pause\" drives the control clock"
printf '{"wall": "+1h", "t": "+1h", "do": "note", "text": "x"}\n' > "$T/both.jsonl"
expect_rc "t and wall on one line" 1 "$BIN" run "$K" --inputs "$T/both.jsonl"
expect_out "both message" "give \"t\" or \"wall\", not both"
printf '{"wall": "+0s", "do": "start"}\n{"wall": "+1m", "do": "speed", "factor": 0.5}\n' > "$T/real.jsonl"
expect_rc "fractional factor" 1 "$BIN" run "$K" --inputs "$T/real.jsonl"
expect_out "fractional factor message" "real.jsonl:2: error: numbers in an input must be integers"
printf '{"wall": "+0s", "do": "start"}\n{"wall": "+1m", "do": "jump", "to": "+1h"}\n{"wall": "+2m", "do": "jump", "to": "+30m"}\n' > "$T/back.jsonl"
expect_rc "jump backwards is refused in the log" 0 "$BIN" run "$K" --inputs "$T/back.jsonl" --log "$T/back.log"
if grep -q '"reason":"the clock only jumps forward: +30m is before the current scenario time +1h' "$T/back.log"; then ok; else no "backwards jump refused with its reason"; fi
printf '{"wall": "+0s", "do": "release", "inject": "N-7"}\n' > "$T/unk.jsonl"
expect_rc "unknown added inject" 1 "$BIN" run "$K" --inputs "$T/unk.jsonl"
expect_out "unknown added inject message" "unk.jsonl:1: error: \"release\" needs \"inject\""
printf '{"wall": "+0s", "do": "add", "inject": {"id": "N-7", "title": "x", "label": "UNCLASSIFIED", "from": "control", "to": ["all"]}}\n{"wall": "+1m", "do": "release", "inject": "N-7"}\n' > "$T/known.jsonl"
expect_rc "inject added earlier in the file" 0 "$BIN" run "$K" --inputs "$T/known.jsonl" --log "$T/known.log"
if grep '"type":"input.refused"' "$T/known.log" | grep -q "already released"; then ok; else no "added without a time: released at once"; fi
# a clock event's wall time edited and the chain rebuilt: the re-run catches it
python3 - "$T/w.jsonl" "$T/wt.jsonl" <<'PY'
import hashlib, json, sys
lines = open(sys.argv[1]).read().splitlines()
out, prev, hit = [], None, None
for i, l in enumerate(lines):
    r = json.loads(l)
    if hit is None and r["type"] == "clock.resume":
        r["wall"] += 60000
        hit = i
    if prev is not None:
        r["prev"] = prev
    r.pop("hash")
    canon = json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    r["hash"] = hashlib.sha256(canon.encode()).hexdigest()
    prev = r["hash"]
    out.append(json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
expect_rc "forged clock event" 1 "$BIN" replay "$T/wt.jsonl"
expect_out "forged clock event named" "differs from what the engine produces"

# tampering: each is named by its first bad event
n=$(wc -l < "$T/a.jsonl")
sed '5s/"seq":4/"seq":4 /' "$T/a.jsonl" > "$T/t1.jsonl"
expect_rc "whitespace" 1 "$BIN" replay "$T/t1.jsonl"
expect_out "whitespace names event" "event 4: not in canonical form"
sed '7s/"t":/"t":1/' "$T/a.jsonl" > "$T/t2.jsonl"
expect_rc "edited value" 1 "$BIN" replay "$T/t2.jsonl"
expect_out "edited names event" "event 6: hash does not match"
sed '9d' "$T/a.jsonl" > "$T/t3.jsonl"
expect_rc "deleted" 1 "$BIN" replay "$T/t3.jsonl"
expect_out "deleted names event" "event 8: sequence number is 9"
awk 'NR == 11 { held = $0; next } NR == 12 { print; print held; next } { print }' "$T/a.jsonl" > "$T/t4.jsonl"
expect_rc "reordered" 1 "$BIN" replay "$T/t4.jsonl"
expect_out "reordered names event" "event 10: sequence number is 11"
head -c $(( $(wc -c < "$T/a.jsonl") - 20 )) "$T/a.jsonl" > "$T/t5.jsonl"
expect_rc "truncated" 1 "$BIN" replay "$T/t5.jsonl"
expect_out "truncated message" "the log is truncated"
head -n 20 "$T/a.jsonl" > "$T/t6.jsonl"
expect_rc "cut at a line end" 1 "$BIN" replay "$T/t6.jsonl"
expect_out "cut message" "event 19: the log ends without run.end (truncated?)"
# a forged tail: valid records re-chained after an edit are still caught by the re-run
python3 - "$T/a.jsonl" "$T/t7.jsonl" <<'PY'
import hashlib, json, sys
lines = open(sys.argv[1]).read().splitlines()
out, prev = [], None
for i, l in enumerate(lines):
    r = json.loads(l)
    if i == 30 and r["type"] == "delivery":
        r["payload"]["seat"] = "usa-cochair-x"
    if prev is not None:
        r["prev"] = prev
    r.pop("hash")
    canon = json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    r["hash"] = hashlib.sha256(canon.encode()).hexdigest()
    prev = r["hash"]
    out.append(json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
sed -n 31p "$T/a.jsonl" | grep -q '"type":"delivery"' || no "fixture: event 30 is a delivery"
expect_rc "forged and re-chained" 1 "$BIN" replay "$T/t7.jsonl"
expect_out "forged names event" "event 30: differs from what the engine produces"
printf '{"v":2}\n' > "$T/t8.jsonl"
expect_rc "not a log" 1 "$BIN" replay "$T/t8.jsonl"
expect_out "not a log message" "t8.jsonl: event 0: unsupported event log version 2 (this caucus reads version 1)"
sed '1s/"v":1/"v":2/' "$T/a.jsonl" > "$T/t10.jsonl"
expect_rc "a whole record of another version" 1 "$BIN" replay "$T/t10.jsonl"
expect_out "another version message" "event 0: unsupported event log version 2"
: > "$T/t9.jsonl"
expect_rc "empty log" 1 "$BIN" replay "$T/t9.jsonl"
expect_out "empty message" "the log is empty"
cp tests/scenarios/valid/minimal.yaml "$T/other.yaml"
expect_rc "wrong scenario" 1 "$BIN" replay "$T/a.jsonl" --scenario "$T/other.yaml"
expect_out "wrong scenario message" "is not the scenario this log was run on"
cp "$S" "$T/moved.yaml"
expect_rc "run on a scenario moved later" 0 "$BIN" run "$T/moved.yaml" --seed 42 --log "$T/moved.jsonl"
rm "$T/moved.yaml"
expect_rc "scenario named in the log is gone" 1 "$BIN" replay "$T/moved.jsonl"
expect_out "scenario gone hint" "give its path with --scenario FILE"
expect_rc "scenario given again" 0 "$BIN" replay "$T/moved.jsonl" --scenario "$S"
expect_rc "replay no args" 2 "$BIN" replay
expect_rc "missing log" 1 "$BIN" replay "$T/nope.jsonl"

# a seat requests a consultation now: only its requester, only once; replay reproduces it
printf '%s\n' '{"t":"+10m","do":"request","seat":"kor-chair","consultation":"C-1"}' \
  '{"t":"+11m","do":"request","seat":"kor-chair","consultation":"C-1"}' \
  '{"t":"+12m","do":"request","seat":"kor-chair","consultation":"C-2"}' > "$T/req.jsonl"
expect_rc "request a consultation" 0 "$BIN" run scenarios/ncg-policy-ttx.yaml --seed 1 --inputs "$T/req.jsonl" --log "$T/req.log"
if grep -q '"t":600000,"type":"consult.request"' "$T/req.log"; then ok; else no "C-1 requested at +10m"; fi
if grep -q '"reason":"the consultation was already requested"' "$T/req.log"; then ok; else no "second request refused"; fi
if grep -q '"reason":"only usa-chair, its requester, may request consultation C-2"' "$T/req.log"; then ok; else no "request by another seat refused"; fi
expect_rc "a log with requests replays" 0 "$BIN" replay "$T/req.log"
printf '%s\n' '{"t":"+10m","do":"request","seat":"kor-chair"}' > "$T/req2.jsonl"
expect_rc "request without a consultation" 1 "$BIN" run scenarios/ncg-policy-ttx.yaml --inputs "$T/req2.jsonl"
expect_out "request without a consultation: why" "\"request\" needs \"consultation\""
# people's derived items and control-only inputs from a seat (tests/inputs/engine-derived.jsonl)
D=tests/scenarios/valid/all-features.yaml
expect_rc "derived items and refusals" 0 "$BIN" run "$D" --inputs tests/inputs/engine-derived.jsonl --log "$T/d.jsonl"
if grep '"type":"input.refused"' "$T/d.jsonl" | grep -q '"reason":"only control may downgrade"'; then ok; else no "a seat's downgrade is a logged refusal"; fi
if grep '"message":"M2"' "$T/d.jsonl" | grep '"type":"message"' | grep -q '"label":"SECRET//REL TO KOR, USA"'; then ok; else no "a reply to a message joins its label"; fi
if grep '"kind":"forward","message":"M1"' "$T/d.jsonl" | grep -q '"type":"message"'; then ok; else no "a person forwards a message"; fi
if grep -q '"type":"label.downgrade"' "$T/d.jsonl"; then ok; else no "the run goes on to control's downgrade"; fi
expect_rc "derived items replay" 0 "$BIN" replay "$T/d.jsonl"
# control's edit of an inject's recipients names things of the scenario (docs/cli.md, "Control edits an inject")
printf '%s\n' '{"t": "+2h", "do": "edit", "inject": "I-2", "to": ["cell:technical", "cell:nowhere"]}' > "$T/edit-to.jsonl"
expect_rc "edit to an unknown cell" 1 "$BIN" run tests/scenarios/valid/river-basin.yaml --inputs "$T/edit-to.jsonl"
expect_out "edit to an unknown cell: where and why" "\"to\" entry 2: 'cell:nowhere' names nothing of the scenario"
expect_rc "relabel and new recipients after the release" 0 "$BIN" run tests/scenarios/valid/river-basin.yaml --inputs tests/inputs/river-basin-relabel.jsonl --log "$T/relabel.jsonl"
if [ "$(grep -c '"type":"inject.withdraw"' "$T/relabel.jsonl")" = 6 ]; then ok; else no "six withdrawals in the relabel timeline"; fi
expect_rc "a relabelled run replays" 0 "$BIN" replay "$T/relabel.jsonl"
# a scenario in two languages: the log holds ids and the authoritative (English) text only, so it
# is the same whatever language anyone reads; run.start's scenario hash pins every language (a
# change to a Korean text alone changes it)
bi=tests/scenarios/valid/river-commission-bilingual.yaml
expect_rc "bilingual run" 0 "$BIN" run "$bi" --log "$T/bi.jsonl"
if grep -q '"title":"Upstream gauge above the warning level"' "$T/bi.jsonl" && ! grep -q '관측' "$T/bi.jsonl"; then ok; else no "the log of a bilingual run holds the authoritative text only"; fi
sed 's/ko: 상류 관측소 수위 경보 수준 초과/ko: 상류 관측소 수위 경보 수준 돌파/' "$bi" > "$T/bi2.yaml"
expect_rc "bilingual run, a Korean text changed" 0 "$BIN" run "$T/bi2.yaml" --log "$T/bi2.jsonl"
h1=$(head -1 "$T/bi.jsonl" | sed 's/.*"scenario":"\([0-9a-f]*\)".*/\1/'); h2=$(head -1 "$T/bi2.jsonl" | sed 's/.*"scenario":"\([0-9a-f]*\)".*/\1/')
if [ ${#h1} = 64 ] && [ "$h1" != "$h2" ]; then ok; else no "run.start's scenario hash pins the Korean text ($h1 $h2)"; fi
if [ "$(tail -n +2 "$T/bi.jsonl" | sed 's/"prev":"[0-9a-f]*",//; s/"hash":"[0-9a-f]*",//; s/"digest":"[0-9a-f]*",//')" = "$(tail -n +2 "$T/bi2.jsonl" | sed 's/"prev":"[0-9a-f]*",//; s/"hash":"[0-9a-f]*",//; s/"digest":"[0-9a-f]*",//')" ]; then ok; else no "the events after run.start do not depend on a Korean text"; fi
# a message is stored as written, marked with the language it is written in ("lang"); "lang"
# elsewhere, or one that is no language tag, is refused with the input
printf '%s\n' '{"t": "+31m", "do": "message", "seat": "kor-chair", "to": ["usa-chair"], "text": "정오에 통화합시다.", "label": "UNCLASSIFIED//REL TO USA, KOR", "lang": "ko"}' > "$T/lang.jsonl"
expect_rc "a message marked with its language" 0 "$BIN" run tests/scenarios/valid/minimal.yaml --inputs "$T/lang.jsonl" --log "$T/lang-log.jsonl"
if grep -q '"payload":{"kind":"message","lang":"ko","message":"M1","text":"정오에 통화합시다.","to":\["usa-chair"\]}' "$T/lang-log.jsonl"; then ok; else no "the message's language in its event"; fi
expect_rc "a marked message replays" 0 "$BIN" replay "$T/lang-log.jsonl" --scenario tests/scenarios/valid/minimal.yaml
# notes, positions (one held for its stage) and proposals too: the worked timeline of
# docs/event-log.md ("Event types"), times computed by hand
fc=tests/scenarios/valid/fisheries-council-written-lang.yaml
cat > "$T/wl.jsonl" << 'EOF'
{"t": "+30m", "do": "note", "seat": "xsa-head", "text": "회의 준비 완료", "lang": "ko"}
{"t": "+31m", "do": "note", "seat": "xna-head", "text": "Ready"}
{"t": "+1h5m", "do": "position", "seat": "xsa-head", "consultation": "C-1", "stage": "positions", "text": "6주 금어에 동의합니다.", "lang": "ko"}
{"t": "+1h6m", "do": "acknowledge", "seat": "xna-head", "consultation": "C-1"}
{"t": "+1h7m", "do": "acknowledge", "seat": "xsa-head", "consultation": "C-1"}
{"t": "+1h10m", "do": "position", "seat": "xna-head", "consultation": "C-1", "text": "We agree to six weeks.", "lang": "en"}
{"t": "+1h20m", "do": "propose", "seat": "xsa-head", "decision": "D-1", "text": "4주 금어 후 재검토", "lang": "ko"}
EOF
expect_rc "written texts marked with their language" 0 "$BIN" run "$fc" --inputs "$T/wl.jsonl" --log "$T/wl-log.jsonl"
for want in '"payload":{"lang":"ko","text":"회의 준비 완료"},"prev":"[0-9a-f]*","seq":[0-9]*,"t":1800000,"type":"note"' \
  '"payload":{"text":"Ready"},"prev":"[0-9a-f]*","seq":[0-9]*,"t":1860000,"type":"note"' \
  '"payload":{"consultation":"C-1","held_since":3900000,"lang":"ko","stage":"positions","text":"6주 금어에 동의합니다."},"prev":"[0-9a-f]*","seq":[0-9]*,"t":4020000,"type":"consult.position"' \
  '"payload":{"consultation":"C-1","lang":"en","stage":"positions","text":"We agree to six weeks."},"prev":"[0-9a-f]*","seq":[0-9]*,"t":4200000,"type":"consult.position"' \
  '"payload":{"decision":"D-1","lang":"ko","option":"P1","text":"4주 금어 후 재검토"},"prev":"[0-9a-f]*","seq":[0-9]*,"t":4800000,"type":"decision.propose"'; do
  if grep -q "$want" "$T/wl-log.jsonl"; then ok; else no "in the log: $want"; fi
done
expect_rc "the marked texts replay" 0 "$BIN" replay "$T/wl-log.jsonl" --scenario "$fc"
printf '%s\n' '{"t": "+1h6m", "do": "acknowledge", "seat": "xna-head", "consultation": "C-1", "lang": "ko"}' > "$T/lang-bad.jsonl"
expect_rc "lang on an acknowledgement" 1 "$BIN" run "$fc" --inputs "$T/lang-bad.jsonl" --log "$T/lang-bad-log.jsonl"
expect_out "lang on an acknowledgement: why" "\"lang\" only applies to \"message\", \"note\", \"position\" and \"propose\""
printf '%s\n' '{"t": "+30m", "do": "note", "seat": "xsa-head", "text": "x", "lang": "not a tag"}' > "$T/lang-bad2.jsonl"
expect_rc "a note's lang that is no tag" 1 "$BIN" run "$fc" --inputs "$T/lang-bad2.jsonl" --log "$T/lang-bad-log2.jsonl"
expect_out "a bad tag: why" "the language its text is written in, a tag such as \"ko\""
# replay --threads N: the lines checked on N threads, the same output and exit status for every N
# (docs/event-log.md, "Checking lines on several threads"); a 1.5 MB log spans about six of the
# 256 KiB batches, tampered at the last line of the first and the first line of the second
python3 bench/gen_scenario.py 300 20 > "$T/g.yaml"
"$BIN" run "$T/g.yaml" --auto all --log "$T/g.jsonl" > /dev/null
last0=$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.count(b"\n", 0, d.rfind(b"\n", 0, 262144) + 1))' "$T/g.jsonl")
sed "${last0}s/\"t\":/\"t\":1/" "$T/g.jsonl" > "$T/g-last.jsonl"
sed "$((last0 + 1))d" "$T/g.jsonl" > "$T/g-first.jsonl"
for f in g g-last g-first; do
  "$BIN" replay "$T/$f.jsonl" --scenario "$T/g.yaml" --threads 1 > "$T/r1" 2>&1
  r1=$?
  for n in 2 3; do
    "$BIN" replay "$T/$f.jsonl" --scenario "$T/g.yaml" --threads $n > "$T/rn" 2>&1
    if [ $? = $r1 ] && cmp -s "$T/r1" "$T/rn"; then ok; else no "replay --threads $n differs from 1: $f"; fi
  done
done
expect_rc "replay --threads: a batch's last line named" 1 "$BIN" replay "$T/g-last.jsonl" --scenario "$T/g.yaml" --threads 2
expect_out "replay --threads: its number" "event $((last0 - 1)): hash does not match"
expect_rc "replay --threads 0: usage" 2 "$BIN" replay "$T/g.jsonl" --threads 0
[ "$skipped" = 0 ] || echo "$skipped skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
