#!/bin/sh
# CLI tests of `caucus report`: the after-action report of every sample log in every output
# form, the per-seat property over every seat of every sample (no text of an item the seat
# was not delivered), inert HTML injection, determinism, every refusal, the simulation report,
# golden values per section re-derived from the logs (tests/cli/report_golden.py), the Merkle
# tree and signed checkpoints, and the print layout in headless Chromium (A4 and Letter).
# Usage: tests/cli/report.sh BUILD_DIR.
. tests/cli/harness.inc

P=scenarios/ncg-policy-ttx.yaml
# people's inputs with hostile text, national-only messages, notes and ratings
cat > "$T/in.jsonl" <<'EOF'
{"t": "+2h", "seat": "usa-chair", "do": "message", "to": ["kor-chair"], "text": "<script>alert(1)</script> & \"q\" | *b* <img src=x onerror=alert(2)>", "label": "SECRET//REL TO KOR, USA"}
{"t": "+2h10m", "seat": "usa-nsc", "do": "message", "to": ["usa-chair"], "text": "US national message XYZZY", "label": "SECRET//NOFORN"}
{"t": "+3h", "do": "note", "text": "Evaluator note <b>PLUGH</b>"}
{"t": "+3h", "seat": "kor-chair", "do": "note", "text": "KOR chair note QWERTY"}
{"t": "+3h5m", "seat": "usa-state", "do": "note", "text": "State note for the press cell WOMBAT"}
{"t": "+3h10m", "seat": "usa-pa", "do": "note", "text": "Public affairs note NUMBAT"}
{"t": "+3h15m", "seat": "usa-intel", "do": "note", "text": "Intel note for the info-sharing cell QUOKKA"}
{"t": "+1d20h", "do": "rate", "objective": "O-consult", "rating": "M", "text": "Acknowledgement <i>slow</i>"}
{"t": "+1d20h", "do": "rate", "objective": "O-share", "rating": "S", "text": "Shared well"}
EOF
expect_rc "run with inputs" 0 "$BIN" run "$P" --inputs "$T/in.jsonl" --log "$T/p.jsonl"
for s in scenarios/*.yaml; do
  n=$(basename "$s" .yaml)
  # seed 1: in the interagency sample both joint decisions are then taken (by unanimity)
  "$BIN" run "$s" --auto all --seed 1 --log "$T/$n.jsonl" > /dev/null 2>&1 || no "run $n"
done

# a seat's report counts only what it may see (SECURITY.md item 15; issue 23 item 8): the same,
# but for event numbers, with and without another nation's national-only activity
: > "$T/v-none-in.jsonl"
for h in 1 2 3 4 5 6; do
  echo "{\"t\": \"+${h}h\", \"seat\": \"usa-chair\", \"do\": \"message\", \"text\": \"s $h\", \"to\": [\"usa-nsc\"], \"label\": \"SECRET//NOFORN\"}"
  echo "{\"t\": \"+${h}h\", \"seat\": \"usa-nsc\", \"do\": \"note\", \"text\": \"n $h\"}"
  echo "{\"t\": \"+${h}h5m\", \"seat\": \"usa-nsc\", \"do\": \"acknowledge\", \"inject\": \"I-03\"}"
done > "$T/v-extra-in.jsonl"
for k in none extra; do
  "$BIN" run "$P" --seed 3 --inputs "$T/v-$k-in.jsonl" --log "$T/v-$k.jsonl" > /dev/null 2>&1 || no "run $k"
  "$BIN" report "$T/v-$k.jsonl" --seat kor-chair --json "$T/v-$k.json" --html /dev/null > /dev/null 2>&1 || no "report $k"
done
if python3 - "$T/v-none.json" "$T/v-extra.json" <<'PY'
import json, re, sys
def load(p):  # event numbers (#N, and the event columns of evidence tables) are the log's
    d = json.load(open(p))
    for s in d["sections"]:
        for t in s.get("tables", []):
            cols = [i for i, c in enumerate(t.get("columns", [])) if "event" in c and c != "event type"]
            for row in t["rows"]:
                for i in cols:
                    row[i] = "N"
    return re.sub(r"#\d+", "#N", json.dumps(d, sort_keys=True))
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a == b, "the seat's report moved with activity it may not see"
d = json.load(open(sys.argv[2]))
facts = dict((f[0], f[1]) for f in d["sections"][0]["facts"])
assert "Events" not in facts and "merkle" not in d and "log_hash" not in d, facts
assert facts["Inputs (people and control)"] == 0, facts
PY
then ok; else no "a seat's report counts only what it may see"; fi

# every output form
expect_rc "report" 0 "$BIN" report "$T/p.jsonl" --html "$T/p.html" --md "$T/p.md" --json "$T/p.json" --csv "$T/csv"
expect_out "report summary" "12 sections, banner SECRET"
if python3 - "$T/p.json" "$T/p.html" "$T/csv" <<'PY'
import csv, json, os, re, sys
d = json.load(open(sys.argv[1]))
ids = [s["id"] for s in d["sections"]]
assert ids == ["overview", "summary", "objectives", "timeline", "consultations", "knowledge", "compliance", "decisions", "feedback", "scoring", "improvement", "integrity"], ids
h = open(sys.argv[2]).read()
# HSEEP order; no absolute path anywhere (docs/report.md)
assert "/work/" not in h and "/tmp/" not in h and "/tmp/" not in json.dumps(d), "an absolute path"
for i in ids:
    assert 'id="%s"' % i in h, i
# every section carries its banner in the HTML, above and below
for s in d["sections"]:
    b = s["banner"].replace("&", "&amp;")
    assert h.count(">%s</div>" % b) >= 2, s["banner"]
assert "<script" not in h and "<img" not in h and "<b>" not in h and "<i>" not in h
assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h
assert "@page" in h and "break-before:page" in h and "<svg" in h
# tables never wrap a heading letter by letter ("P O C", "st art"): headings break between words only
assert re.search(r"th\{[^}]*overflow-wrap:normal", h), "th may break inside a word"
assert not re.search(r'(src|href)="(https?:)?//', h), "external asset"
# ratings and notes
sec = {s["id"]: s for s in d["sections"]}
rat = {r[0]: r for r in next(t for t in sec["objectives"]["tables"] if t["id"] == "ratings")["rows"]}
assert rat["O-consult"][3] == "M" and rat["O-consult"][4] == "Acknowledgement <i>slow</i>", rat["O-consult"]
assert rat["O-share"][3] == "S"
plan = next(t for t in sec["improvement"]["tables"] if t["id"] == "plan")
assert plan["columns"] == ["capability", "issue", "corrective action", "capability element", "responsible organisation", "POC", "start", "due", "status"]
assert any("O-consult" in r[1] for r in plan["rows"]), "an objective rated M is in the plan"
# CSV: one file per table, RFC 4180, same rows as the JSON
idx = list(csv.reader(open(os.path.join(sys.argv[3], "banners.csv"), newline="")))
assert idx[0] == ["file", "section", "table", "title", "banner"]
n = 0
for row in idx[1:]:
    rows = list(csv.reader(open(os.path.join(sys.argv[3], row[0]), newline="", encoding="utf-8")))
    t = next((t for t in sec[row[1]]["tables"] if t["id"] == row[2]), None)
    if t is None:
        continue
    assert rows[0] == t["columns"], row
    assert len(rows) - 1 == len(t["rows"]), row
    n += 1
assert n >= 20, n
raw = open(os.path.join(sys.argv[3], "knowledge-messages.csv"), "rb").read()
assert b"\r\n" in raw and b'"<script>alert(1)</script> & ""q"" | *b* <img src=x onerror=alert(2)>"' in raw
PY
then ok; else no "report sections, banners, escaping and CSV"; fi
if grep -q '<script\|<img' "$T/p.md"; then no "markdown carries raw HTML from the log"; else ok; fi
# review rounds: the stage row counts the rounds and the objections still standing at its end
expect_rc "run with rounds" 0 "$BIN" run tests/scenarios/valid/engine-rounds.yaml --auto all --log "$T/r.jsonl"
expect_rc "report with rounds" 0 "$BIN" report "$T/r.jsonl" --json "$T/r.json"
if python3 - "$T/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = next(t for s in d["sections"] for t in s["tables"] if t["id"] == "stages")
c = t["columns"]
rows = {r[1]: dict(zip(c, r)) for r in t["rows"]}
assert rows["review"]["rounds"] == 3 and rows["review"]["objections standing"] == 1, rows["review"]
assert rows["close"]["rounds"] == 1 and rows["close"]["objections standing"] == 0, rows["close"]
PY
then ok; else no "report counts review rounds"; fi
expect_rc "report again" 0 "$BIN" report "$T/p.jsonl" --html "$T/p2.html" --json "$T/p2.json"
if cmp -s "$T/p.html" "$T/p2.html" && cmp -s "$T/p.json" "$T/p2.json"; then ok; else no "same log, same bytes"; fi
expect_rc "html to stdout" 0 sh -c "$BIN report $T/p.jsonl --html - > $T/p3.html"
if cmp -s "$T/p.html" "$T/p3.html"; then ok; else no "html on stdout equals the file"; fi

# the per-seat property, every seat of every sample log
cat > "$T/prop.py" <<'PY'
import html, json, sys, yaml
log, rep_json, rep_html, seat, scen = sys.argv[1:6]
ev = [json.loads(l) for l in open(log)]
# the notes pad (docs/scenario-format.md, "Who sees what"): the writer, and each seat that shares a
# cell with it, is of its party, holds a clearance at least the writer's and every caveat it holds
sc = yaml.safe_load(open(scen))
rank = {c["name"]: i for i, c in enumerate(sc["label_policy"]["classifications"])}
seats = {x["id"]: x for x in sc["seats"]}
def pad(writer, reader):
    w, r = seats.get(writer), seats[reader]
    if not w:
        return False
    return writer == reader or (w["party"] == r["party"] and set(w.get("cells") or []) & set(r.get("cells") or [])
                                and rank[r["clearance"]] >= rank[w["clearance"]]
                                and set(w.get("caveats") or []) <= set(r.get("caveats") or []))
texts = {}     # (kind, id) -> texts
labels = {}    # (kind, id) -> the labels of the events that carry its texts
evaluator = seats[seat].get("kind") == "evaluator"
# a control-cell seat reads the evaluators' observations its clearance admits (as control's console)
ctl_cells = {c["id"] for c in sc.get("cells") or [] if c.get("kind") == "control"}
control_seat = bool(set(seats[seat].get("cells") or []) & ctl_cells)
groups = sc["label_policy"].get("groups") or {}
def permits(banner, s):
    """Whether seat s's clearance reads the canonical banner: True, False, or None for an
    originator-only banner (no REL TO), which this script does not decide."""
    if not banner:
        return True
    parts = banner.split("//")
    rel, cav = None, set()
    for x in parts[1:]:
        if x.startswith("REL TO "):
            rel = set()
            for q in x[7:].split(","):
                rel |= set(groups.get(q.strip(), [q.strip()]))
        elif x == "NOFORN":
            return None
        else:
            cav.add(x)
    if rel is None:
        return None
    return rank[s["clearance"]] >= rank[parts[0]] and cav <= set(s.get("caveats") or []) and s["party"] in rel
maybe = set()  # what the seat may or may not see by a label this script does not read
cur = None  # the event whose texts add() takes
def add(k, i, t):
    if t and len(t) >= 4:
        texts.setdefault((k, i), set()).add(t)
        labels.setdefault((k, i), []).append(cur.get("label"))
got = set()
for e in ev:
    cur = e
    p, ty = e["payload"], e["type"]
    if ty == "inject.release":
        add("inject", p["inject"], p.get("title")); add("inject", p["inject"], p.get("body"))
    elif ty == "decision.open":
        add("decision", p["decision"], p["question"])
        for o in p["options"]:
            add("decision", p["decision"], o["text"])
    elif ty == "decision.propose":
        add("decision", p["decision"], p["text"])
    elif ty == "consult.request":
        add("consultation", p["consultation"], p["topic"])
        if e["actor"] == seat:
            got.add(("consultation", p["consultation"]))
    elif ty in ("consult.position", "consult.ack") and p.get("text"):
        add("consultation", p["consultation"], p["text"])
    elif ty == "message" and p["kind"] == "message":
        add("message", p["message"], p["text"])
        if e["actor"] == seat:
            got.add(("message", p["message"]))
    elif ty == "note":
        add("note", str(e["seq"]), p["text"])
        if pad(e["actor"], seat):
            got.add(("note", str(e["seq"])))
    elif ty == "delivery" and p["seat"] == seat:
        got.add((p["kind"], p["item"]))
    # evaluation (docs/scenario-format.md, "Evaluation"): a player sees its own answers and
    # scores and no observation; an evaluator its own, and others' by their label (below)
    elif ty == "eval.observation":
        for k in ("text", "root_cause", "recommendation"):
            add("observation", p["observation"], p.get(k))
        if e["actor"] == seat:
            got.add(("observation", p["observation"]))
        elif evaluator:
            maybe.add(("observation", p["observation"]))
        elif control_seat and permits(e.get("label"), seats[seat]) is not False:
            maybe.add(("observation", p["observation"]))
    elif ty == "feedback.answer":
        kinds = {k["id"]: k["kind"] for q in sc.get("questionnaires", []) if q["id"] == p["questionnaire"] for k in q["questions"]}
        for q, a in p["answers"].items():
            if kinds.get(q) == "text":
                add("answer", str(e["seq"]), a)
        (got if e["actor"] == seat else maybe if evaluator else set()).add(("answer", str(e["seq"])))
    elif ty == "score.submit" and p.get("text"):
        add("score", str(e["seq"]), p["text"])
        (got if e["actor"] == seat else maybe if evaluator else set()).add(("score", str(e["seq"])))
if evaluator:
    # an evaluator reads the record of play, other evaluators' observations, answers and scores by
    # their labels, not by deliveries: an item every one of whose labels its clearance does not read
    # is forbidden; one it may read (or whose originator-only label is not decided here) may appear
    for k in texts:
        if k not in got and k[0] in ("inject", "decision", "consultation", "message", "observation", "answer", "score"):
            if any(permits(l, seats[seat]) is not False for l in labels.get(k, [None])):
                maybe.add(k)
allowed = set().union(*[v for k, v in texts.items() if k in got or k in maybe]) if got or maybe else set()
forbidden = set().union(*[v for k, v in texts.items() if k not in got and k not in maybe]) - allowed if texts else set()
def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, list):
        for y in x:
            yield from strings(y)
    elif isinstance(x, dict):
        for y in x.values():
            yield from strings(y)
blob = "\n".join(strings(json.load(open(rep_json))))
page = html.unescape(open(rep_html).read())
bad = [t for t in forbidden if t in blob or t in page]
assert not bad, "%s sees %s" % (seat, bad[:3])
# not vacuous: what the seat received is there
for k in got:
    if k[0] in ("inject", "note"):
        for t in texts.get(k, ()):
            assert t in blob, (seat, k, t)
print(len(forbidden))
PY
total=0; seats=0
for n in p ncg-policy-ttx ncg-mil-ttx ncg-interagency-sim; do
  sc=$P; [ "$n" = p ] || sc=scenarios/$n.yaml
  for seat in $(python3 -c 'import sys,re; print(" ".join(re.findall(r"^  - id: ([a-z0-9-]+)\n    party:", open(sys.argv[1]).read(), re.M)))' "$sc"); do
    seats=$((seats + 1))
    if "$BIN" report "$T/$n.jsonl" --seat "$seat" --json "$T/s.json" --html "$T/s.html" > /dev/null 2>&1 &&
       c=$(python3 "$T/prop.py" "$T/$n.jsonl" "$T/s.json" "$T/s.html" "$seat" "$sc" 2>"$T/prop.err"); then
      ok; total=$((total + c))
    else
      no "seat $seat of $n: $(tail -n 1 "$T/prop.err")"
    fi
  done
done
# and every seat, evaluators included (by the label rule above), of the evaluation fixtures
"$BIN" run tests/scenarios/valid/evaluation.yaml --inputs tests/inputs/evaluation.jsonl --log "$T/evaluation.jsonl" > /dev/null
"$BIN" run tests/scenarios/valid/flood-consultation.yaml --inputs tests/inputs/flood-consultation.jsonl --log "$T/flood.jsonl" > /dev/null
"$BIN" run tests/scenarios/valid/harbour-evaluation.yaml --inputs tests/inputs/harbour-evaluation.jsonl --log "$T/harbour.jsonl" > /dev/null
for n in evaluation flood harbour; do
  sc=tests/scenarios/valid/$n.yaml; [ $n = flood ] && sc=tests/scenarios/valid/flood-consultation.yaml
  [ $n = harbour ] && sc=tests/scenarios/valid/harbour-evaluation.yaml
  for seat in $(python3 -c 'import sys, yaml; print(" ".join(s["id"] for s in yaml.safe_load(open(sys.argv[1]))["seats"]))' "$sc"); do
    seats=$((seats + 1))
    if "$BIN" report "$T/$n.jsonl" --seat "$seat" --json "$T/s.json" --html "$T/s.html" > /dev/null 2>&1 &&
       c=$(python3 "$T/prop.py" "$T/$n.jsonl" "$T/s.json" "$T/s.html" "$seat" "$sc" 2>"$T/prop.err"); then
      ok; total=$((total + c))
    else
      no "seat $seat of $n: $(tail -n 1 "$T/prop.err")"
    fi
  done
done
if [ "$seats" -ge 51 ] && [ "$total" -gt 0 ]; then ok; else no "property ran over $seats seats, $total withheld texts"; fi
# team scoring on the evaluation fixture, by hand (weights 3, 2, 1; maximum 5: 30 points):
# USA 3x4+2x3+5 = 23 -> 76.7%; KOR's own 3x2+2x4+3 = 17 -> 56.7%; control's assessment of KOR
# 3x3+2x4+3 = 20 -> 66.7%; reference 3x5+2x4+4 = 27 -> 90.0%; mean of the teams' own 66.7
expect_rc "evaluation fixture report" 0 "$BIN" report "$T/evaluation.jsonl" --json "$T/evr.json"
if python3 - "$T/evr.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for s in d["sections"] if s["id"] == "scoring" for t in s["tables"] if t["id"] == "SC-move"][0]
p1 = {r[1]: (r[5], r[8], r[9]) for r in t["rows"] if r[0] == "p1"}
assert p1 == {"party:USA": ("76.7%", "-13.3", "+10.0"), "party:KOR": ("56.7%", "-33.3", "-10.0"),
              "party:KOR (control's assessment)": ("66.7%", "-23.3", "+0.0"),
              "control's reference": ("90.0%", "", "")}, p1
PY
then ok; else no "team scoring of the evaluation fixture"; fi
# and the control view holds those texts (the property can fail)
expect_rc "control view" 0 "$BIN" report "$T/p.jsonl" --json "$T/c.json" --html "$T/c.html"
if python3 "$T/prop.py" "$T/p.jsonl" "$T/c.json" "$T/c.html" usa-state "$P" > /dev/null 2>&1; then no "control view passes a seat's check"; else ok; fi
expect_rc "seat report" 0 "$BIN" report "$T/p.jsonl" --seat kor-chair --md "$T/k.md" --json "$T/k.json"
if grep -q QWERTY "$T/k.md" && ! grep -q 'XYZZY\|PLUGH' "$T/k.md"; then ok; else no "kor-chair sees its note, not US-only or evaluator text"; fi
# the notes pad: usa-state (SECRET) reads its press cell-mate usa-pa's note; usa-pa (CONFIDENTIAL)
# does not read usa-state's; usa-mil reads its info-sharing cell-mate usa-intel's
"$BIN" report "$T/p.jsonl" --seat usa-state --md "$T/st.md" > /dev/null 2>&1
"$BIN" report "$T/p.jsonl" --seat usa-pa --md "$T/pa.md" > /dev/null 2>&1
"$BIN" report "$T/p.jsonl" --seat usa-mil --md "$T/mil.md" > /dev/null 2>&1
if grep -q WOMBAT "$T/st.md" && grep -q NUMBAT "$T/st.md" && grep -q NUMBAT "$T/pa.md" && ! grep -q WOMBAT "$T/pa.md" &&
   grep -q QUOKKA "$T/mil.md" && ! grep -q 'QWERTY\|WOMBAT' "$T/mil.md"; then ok; else no "the notes pad in seat reports"; fi
expect_out "seat report banner" "banner SECRET"

# refusals
expect_rc "no input" 2 "$BIN" report --html "$T/x.html"
expect_rc "no output" 2 "$BIN" report "$T/p.jsonl"
expect_out "no output message" "no output: give --html, --md, --json, --docx or --csv"
expect_rc "unknown option" 2 "$BIN" report "$T/p.jsonl" --pdf x
expect_rc "missing log" 1 "$BIN" report "$T/none.jsonl" --html "$T/x.html"
expect_out "missing log message" "cannot read $T/none.jsonl"
sed '7s/"seq":6/"seq":7/' "$T/p.jsonl" > "$T/broken.jsonl"
expect_rc "broken chain" 1 "$BIN" report "$T/broken.jsonl" --html "$T/x.html"
expect_out "broken chain line" "broken.jsonl:7:1: error:"
expect_out "broken chain why" "hash does not match"
sed '9d' "$T/p.jsonl" > "$T/gap.jsonl"
expect_rc "deleted event" 1 "$BIN" report "$T/gap.jsonl" --html "$T/x.html"
expect_out "deleted event message" "gap.jsonl:9:1: error: sequence number is 9, expected 8"
head -n 20 "$T/p.jsonl" > "$T/trunc.jsonl"
# a log without run.end (an exercise running, or stopped with Ctrl-C): an interim report that says so
expect_rc "log without run.end" 0 "$BIN" report "$T/trunc.jsonl" --html "$T/x.html"
expect_out "interim message" "interim report"
if grep -q "Interim after-action report (the log has no run.end" "$T/x.html"; then ok; else no "the interim report says so"; fi
rm -f "$T/x.html"
printf 'not json\n' > "$T/junk.jsonl"
expect_rc "junk" 1 "$BIN" report "$T/junk.jsonl" --html "$T/x.html"
expect_out "junk message" "junk.jsonl:1:1: error:"
if [ -e "$T/x.html" ]; then no "no output written on a refused log"; else ok; fi
expect_rc "unknown seat" 1 "$BIN" report "$T/p.jsonl" --seat usa-chiar --html "$T/x.html"
expect_out "unknown seat message" "no seat 'usa-chiar'"
expect_rc "wrong scenario" 1 "$BIN" report "$T/p.jsonl" --scenario scenarios/ncg-mil-ttx.yaml --html "$T/x.html"
expect_out "wrong scenario message" "was run on scenario ncg-policy-ttx"
cp "$P" "$T/edited.yaml"; echo "# edited" >> "$T/edited.yaml"
expect_rc "edited scenario" 1 "$BIN" report "$T/p.jsonl" --scenario "$T/edited.yaml" --html "$T/x.html"
expect_out "edited scenario hint" "pass the scenario file the log was run on with --scenario"
expect_rc "explicit scenario" 0 "$BIN" report "$T/p.jsonl" --scenario "$P" --json "$T/e.json"
cp "$P" "$T/moved.yaml"
"$BIN" run "$T/moved.yaml" --log "$T/moved.jsonl" > /dev/null 2>&1
rm "$T/moved.yaml"
expect_rc "recorded scenario missing" 1 "$BIN" report "$T/moved.jsonl" --html "$T/x.html"
expect_out "recorded scenario message" "pass --scenario FILE"
expect_rc "unwritable output" 1 "$BIN" report "$T/p.jsonl" --html /nonexistent/dir/r.html
expect_out "unwritable message" "cannot write /nonexistent/dir/r.html"
: > "$T/file"
expect_rc "csv dir is a file" 1 "$BIN" report "$T/p.jsonl" --csv "$T/file"
expect_rc "two stdouts" 2 "$BIN" report "$T/p.jsonl" --html - --md -

# simulation report
expect_rc "sim" 0 "$BIN" sim scenarios/ncg-interagency-sim.yaml --reps 60 --seed 3 --json "$T/sim.json"
expect_rc "sim report" 0 "$BIN" report "$T/sim.json" --html "$T/sim.html" --json "$T/simr.json" --csv "$T/simcsv"
expect_rc "sim report verified" 0 "$BIN" report "$T/sim.json" --scenario scenarios/ncg-interagency-sim.yaml --html "$T/sim2.html" --json "$T/simr2.json"
# a comparison report in another language (no scenario given: the catalogue only; was a crash)
expect_rc "sim report --lang ko" 0 "$BIN" report "$T/sim.json" --lang ko --md "$T/simko.md" --json "$T/simko.json"
if grep -q '"lang": "ko"' "$T/simko.json" && grep -q '시나리오' "$T/simko.md"; then ok; else no "sim report --lang ko is not marked Korean"; fi
# its sections, introductions, headings and metric names come from the catalogue (the plots' SVG
# text stays English): no English sentence of the comparison report is left
if python3 - "$T/simko.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
texts = [d["title"]]
for s in d["sections"]:
    texts += [s["title"]] + list(s.get("intro") or []) + [x for f in s.get("facts", []) for x in f if isinstance(x, str)]
    for t in s.get("tables", []):
        texts += [t["title"]] + list(t.get("headings") or []) + [c for r in t["rows"] for c in r if isinstance(c, str)]
english = ["Simulation", "Metrics by variant", "request to end of", "Differences", "restricted mean", "Replications",
           "decided at", "every item delivered", "release to first delivery", "Times in hours", "Plots"]
left = [t for t in texts if any(e in t for e in english)]
assert not left, left[:5]
assert "시뮬레이션 비교: ncg-interagency-sim" == d["title"], d["title"]
PY
then ok; else no "the Korean comparison report has English sentences left"; fi
expect_rc "sim report --lang ko verified" 0 "$BIN" report "$T/sim.json" --scenario scenarios/ncg-interagency-sim.yaml --lang ko --md "$T/simko2.md"
if python3 - "$T/simr.json" "$T/simr2.json" "$T/sim2.html" <<'PY'
import json, re, sys, xml.dom.minidom as m
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["kind"] == "sim" and [s["id"] for s in a["sections"]] == ["overview", "metrics", "differences", "plots"]
assert [s["id"] for s in b["sections"]] == ["overview", "metrics", "differences", "plots"]
times = next(t for t in a["sections"][1]["tables"] if t["id"] == "times")["rows"]
assert {r[1] for r in times} == {"sequential", "parallel", "silence"}
h = open(sys.argv[3]).read()
svg = re.findall(r"<svg.*?</svg>", h, re.S)
assert len(svg) == 1 and m.parseString(svg[0]).getElementsByTagName("polyline")
PY
then ok; else no "sim report sections and plots"; fi
sed 's/"reps": 60/"reps": 61/' "$T/sim.json" > "$T/sim-bad.json"
expect_rc "sim result not reproduced" 1 "$BIN" report "$T/sim-bad.json" --scenario scenarios/ncg-interagency-sim.yaml --html "$T/x.html"
expect_out "sim not reproduced message" "does not reproduce the result"
expect_rc "sim wrong scenario" 1 "$BIN" report "$T/sim.json" --scenario "$P" --html "$T/x.html"
expect_rc "sim with seat" 2 "$BIN" report "$T/sim.json" --seat usa-chair --html "$T/x.html"

# from a store: the same report as from the exported log
"$BIN" run "$P" --seed 3 --log "$T/db.jsonl" > /dev/null
"$BIN" import "$T/r.db" --log "$T/db.jsonl" --scenario "$P" > /dev/null
expect_rc "report from a store" 0 "$BIN" report "$T/r.db" --exercise 1 --json "$T/db1.json"
expect_rc "report from the log" 0 "$BIN" report "$T/db.jsonl" --json "$T/db2.json"
# the same but for the store's improvement plan, which a store report includes (carried over)
if python3 -c "
import json,sys
a=json.load(open('$T/db1.json')); b=json.load(open('$T/db2.json'))
for s in a['sections']:
    s['tables'] = [t for t in s['tables'] if t['id'] != 'carried']
sys.exit(0 if a['log_hash']==b['log_hash'] and a['merkle']==b['merkle'] and a['sections']==b['sections'] else 1)"; then ok; else no "store and log reports differ"; fi
expect_rc "a store needs --exercise" 2 "$BIN" report "$T/r.db" --json "$T/x.json"
expect_rc "a store without that exercise" 1 "$BIN" report "$T/r.db" --exercise 9 --json "$T/x.json"
expect_out "missing exercise named" "no exercise 9"
expect_rc "--exercise with a log file" 2 "$BIN" report "$T/db.jsonl" --exercise 1 --json "$T/x.json"

# golden checks per section on the sample logs (fixed seeds), against values re-derived from
# each log and scenario by tests/cli/report_golden.py alone
for n in p ncg-policy-ttx ncg-mil-ttx ncg-interagency-sim; do
  sc=$P; [ "$n" = p ] || sc=scenarios/$n.yaml
  if "$BIN" report "$T/$n.jsonl" --json "$T/g.json" --html "$T/g.html" --md "$T/g.md" > /dev/null 2>&1 &&
     c=$(python3 tests/cli/report_golden.py "$T/$n.jsonl" "$sc" "$T/g.json" "$T/g.html" "$T/g.md" 2> "$T/g.err"); then
    ok; echo "$c" > "$T/golden-$n"
  else
    no "golden sections of $n: $(tail -n 3 "$T/g.err")"
  fi
done
# not vacuous: off-hours waiting, proposals or votes, notes and ratings were checked somewhere
if grep -q "off-hours waiting > 0=[1-9]" "$T/golden-ncg-interagency-sim" 2> /dev/null &&
   grep -q "ratings=[1-9]" "$T/golden-p" 2> /dev/null && grep -q "notes=[1-9]" "$T/golden-p" 2> /dev/null &&
   grep -q "findings=[1-9]" "$T/golden-ncg-mil-ttx" 2> /dev/null &&
   grep -q "options=[1-9]" "$T/golden-ncg-interagency-sim" 2> /dev/null; then ok; else no "golden checks were vacuous: $(cat "$T"/golden-* 2> /dev/null)"; fi

# evaluation on a flood consultation (tests/inputs/flood-consultation.jsonl works the scores out by
# hand): observations under the objective and in the plan, feedback by party, team scores against
# control's reference; a team's seat sees its own score only, the evaluator its observation
FS=tests/scenarios/valid/flood-consultation.yaml
expect_rc "flood run" 0 "$BIN" run $FS --inputs tests/inputs/flood-consultation.jsonl --log "$T/fl.jsonl"
expect_rc "flood report" 0 "$BIN" report "$T/fl.jsonl" --json "$T/fl.json" --md "$T/fl.md"
expect_rc "flood report rba-lead" 0 "$BIN" report "$T/fl.jsonl" --seat rba-lead --json "$T/fl-rba.json"
expect_rc "flood report evaluator" 0 "$BIN" report "$T/fl.jsonl" --seat evaluator --json "$T/fl-ev.json"
expect_rc "flood report ctl" 0 "$BIN" report "$T/fl.jsonl" --seat ctl --json "$T/fl-ctl.json"
if python3 - "$T/fl.json" "$T/fl-rba.json" "$T/fl-ev.json" "$T/fl-ctl.json" <<'PY'
import json, sys
def sec(path):
    return {s["id"]: s for s in json.load(open(path))["sections"]}
def tab(s, sid, tid):
    return next(t for t in s[sid]["tables"] if t["id"] == tid)
d = sec(sys.argv[1])
rows = tab(d, "scoring", "SC-move")["rows"]
by = {r[1]: r for r in rows}
# by hand: RBA 2x3+2+4 = 12 of 16, PHO 2x4+4+2 = 14 of 16, reference 2x4+3+3 = 14 of 16
assert by["party:RBA"][5] == "75.0%" and by["party:RBA"][8] == "-12.5", by["party:RBA"]
assert by["party:PHO"][5] == "87.5%" and by["party:PHO"][8] == "+0.0", by["party:PHO"]
assert by["control's reference"][5] == "87.5%", rows
h1 = {r[0]: r for r in tab(d, "feedback", "Q-end-h1")["rows"]}
assert h1["4"][1:] == [1, 1, 0, 0] and h1["2"][1:] == [1, 0, 1, 0], h1
assert tab(d, "feedback", "Q-end-h1")["note"] == "Mean 3.00 of 5 (2 answers).", tab(d, "feedback", "Q-end-h1")
obs = tab(d, "objectives", "observations")["rows"]
assert len(obs) == 1 and obs[0][0] == "O-advise" and obs[0][1] == "OB1" and obs[0][6] == "improvement", obs
plan = tab(d, "improvement", "plan")["rows"]
assert any(r[2] == "Name a duty officer for flood consultations." for r in plan), plan
ov = dict(d["overview"]["facts"])
assert ov["Sponsor"] == "Fictional Riverside Regional Council" and ov["Mission areas"] == "Response", ov
assert [r[0] for r in tab(d, "overview", "contacts")["rows"]] == ["Exercise director"]
rba = sec(sys.argv[2])
assert [r[1] for r in tab(rba, "scoring", "SC-move")["rows"]] == ["party:RBA"], "only its own score"
assert not tab(rba, "objectives", "observations")["rows"], "a player reads no observation"
ev = sec(sys.argv[3])
assert len(tab(ev, "objectives", "observations")["rows"]) == 1
# the evidence the observation cites, as the evaluator may see it; the guide's targets and tasks
evid = [(r[1], r[3], r[4]) for r in tab(ev, "objectives", "observation-evidence")["rows"]]
assert evid == [(5, "consult.request", "rba-lead"), (12, "consult.ack", "pho-lead")], evid
g = tab(ev, "objectives", "guides")["rows"]
assert [r[3].split(":")[0] for r in g] == ["", "CT-1.1"] and g[1][5] == "consultation C-1, stage ack" and g[1][6] == 1, g
assert not tab(rba, "objectives", "guides")["rows"], "a player's report has no evaluation guide"
assert tab(d, "objectives", "ratings")["rows"][0][8] == "evaluator S"
# the control seat's report (control's without the bypass) has the observation and the guides
ctl = sec(sys.argv[4])
co = tab(ctl, "objectives", "observations")["rows"]
assert len(co) == 1 and co[0][1] == "OB1", co
assert [r[3].split(":")[0] for r in tab(ctl, "objectives", "guides")["rows"]] == ["", "CT-1.1"]
PY
then ok; else no "flood consultation: evaluation in the report"; fi

# the executive summary control wrote replaces the draft for readers of its label only
printf 'The two bodies agree quickly once the right people are reached.\n\nName a duty officer.\n' > "$T/sum.txt"
for who in control rba-lead pho-lead; do
  seat=; [ $who = control ] || seat="--seat $who"
  expect_rc "summary for $who" 0 "$BIN" report "$T/fl.jsonl" $seat --summary "$T/sum.txt" --summary-label "OFFICIAL//REL TO RBA" --json "$T/sum-$who.json"
done
if python3 - "$T" <<'PY'
import json, sys
def intro(who):
    d = json.load(open("%s/sum-%s.json" % (sys.argv[1], who)))
    return next(s for s in d["sections"] if s["id"] == "summary")["intro"]
assert intro("control") == ["The two bodies agree quickly once the right people are reached.", "Name a duty officer."]
assert intro("rba-lead") == intro("control")
assert not any("duty officer" in p for p in intro("pho-lead")) and "played from" in intro("pho-lead")[0], intro("pho-lead")
PY
then ok; else no "control's summary under its label"; fi
expect_rc "summary: a label not of the policy" 1 "$BIN" report "$T/fl.jsonl" --summary "$T/sum.txt" --summary-label BOGUS --json "$T/x.json"
expect_out "summary label named" "the summary's label 'BOGUS' is not valid"

# DOCX: read back with python3-docx (Debian's; tools/deps.sh): the sections as headings in order,
# the banner in the page header and footer, the improvement plan matrix with the observation's
# corrective action and no column narrower than its longest heading word; the same bytes twice
PYD=/usr/bin/python3; "$PYD" -c "import docx" 2> /dev/null || PYD=python3
expect_rc "flood report docx" 0 "$BIN" report "$T/fl.jsonl" --docx "$T/fl.docx" --json "$T/fl.json"
expect_rc "flood report docx again" 0 "$BIN" report "$T/fl.jsonl" --docx "$T/fl2.docx"
if cmp -s "$T/fl.docx" "$T/fl2.docx"; then ok; else no "docx is not deterministic"; fi
if "$PYD" - "$T/fl.docx" "$T/fl.json" <<'PY'
import json, sys, docx
from docx.shared import Twips
d = docx.Document(sys.argv[1]); j = json.load(open(sys.argv[2]))
heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
assert heads == [s["title"] for s in j["sections"]], heads
sec = d.sections[0]
assert sec.header.paragraphs[0].text == j["banner"] and sec.footer.paragraphs[0].text == j["banner"]
plan = [t for t in d.tables if [c.text for c in t.rows[0].cells][:3] == ["capability", "issue", "corrective action"]]
assert len(plan) == 1, len(plan)
assert any(r.cells[2].text == "Name a duty officer for flood consultations." for r in plan[0].rows[1:])
ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
grid = [int(g.get(ns + "w")) for g in plan[0]._tbl.tblGrid.findall(ns + "gridCol")]
for head, w in zip([c.text for c in plan[0].rows[0].cells], grid):
    longest = max(len(x) for x in head.split())
    assert w >= longest * 100, (head, w)  # ~100 twips a character at 8 pt: never letter by letter
PY
then ok; else no "docx read back with python3-docx"; fi

# Merkle tree and signed checkpoints: the integrity appendix ties the report to them
S7=scenarios/ncg-policy-ttx.yaml
"$BIN" run $S7 --seed 7 --auto all --log "$T/ck.jsonl" > /dev/null
"$BIN" keygen auditor.example --out "$T/k" > /dev/null
"$BIN" checkpoint "$T/ck.jsonl" --key "$T/k" --size 100 > "$T/cp100.txt"
"$BIN" checkpoint "$T/ck.jsonl" --key "$T/k" > "$T/cpall.txt"
"$BIN" verify "$T/ck.jsonl" > "$T/verify.out"
root=$(sed -n 's/^  Merkle root *//p' "$T/verify.out")
expect_rc "report with a checkpoint of all events" 0 "$BIN" report "$T/ck.jsonl" --checkpoint "$T/cpall.txt" --key "$T/k.pub" --json "$T/ck.json" --html "$T/ck.html" --md "$T/ck.md"
expect_out "consistent, all events" "consistent: the signed checkpoint covers all"
if python3 - "$T/ck.json" "$T/ck.html" "$T/ck.md" "$root" "$T/cpall.txt" <<'PY2'
import base64, html, json, sys
d = json.load(open(sys.argv[1])); root = sys.argv[4]
cp = open(sys.argv[5]).read().split("\n")
f = dict(next(s for s in d["sections"] if s["id"] == "integrity")["facts"])
n = int(cp[1])
assert d["merkle"] == {"size": n, "root": root}, d["merkle"]
c = d["checkpoint"]
assert c["status"] == "consistent" and c["covers"] == n and c["events"] == n and c["origin"] == cp[0], c
assert c["root"] == base64.b64decode(cp[2]).hex() == root and c["signature"] == "verified with key auditor.example", c
assert f["Merkle root"] == root and f["Checkpoint origin"] == cp[0] and f["Checkpoint tree size"] == n
assert "alerts" not in d
for page in (html.unescape(open(sys.argv[2]).read()), open(sys.argv[3]).read()):
    assert root in page and cp[0] in page and "covers all %d events" % n in page
PY2
then ok; else no "checkpoint facts in the JSON, HTML and Markdown"; fi
expect_rc "report with a checkpoint of a prefix" 0 "$BIN" report "$T/ck.jsonl" --checkpoint "$T/cp100.txt" --key "$T/k.pub" --json "$T/ck.json"
expect_out "covers N of M" "covers the first 100 of the log's"
python3 tests/tools/forge.py "$T/ck.jsonl" "$T/forged.jsonl" 60
expect_rc "forged log: mismatch is an error" 1 "$BIN" report "$T/forged.jsonl" --scenario $S7 --checkpoint "$T/cp100.txt" --key "$T/k.pub" --json "$T/fj.json" --html "$T/fj.html" --md "$T/fj.md"
expect_out "mismatch said" "MISMATCH: the log does not match the signed checkpoint"
if python3 - "$T/fj.json" "$T/fj.html" "$T/fj.md" <<'PY2'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["checkpoint"]["status"] == "mismatch" and d["alerts"] and "differs from the signed checkpoint" in d["alerts"][0]
h = open(sys.argv[2]).read()
assert '<div class="alert" role="alert">MISMATCH' in h and h.index('class="alert"') < h.index("<section")
assert "> **ALERT: MISMATCH" in open(sys.argv[3]).read()
PY2
then ok; else no "a mismatch is shown loudly"; fi
head -n 80 "$T/ck.jsonl" > "$T/cut.jsonl"
expect_rc "in-progress cut below the checkpoint" 1 "$BIN" report "$T/cut.jsonl" --scenario $S7 --checkpoint "$T/cp100.txt" --key "$T/k.pub" --json "$T/x.json"
"$BIN" run $S7 --seed 8 --auto all --log "$T/other.jsonl" > /dev/null
expect_rc "checkpoint of another log" 1 "$BIN" report "$T/other.jsonl" --checkpoint "$T/cpall.txt" --key "$T/k.pub" --json "$T/x.json"
expect_out "another log named" "checkpoint from another log"
"$BIN" keygen other.example --out "$T/o" > /dev/null
expect_rc "checkpoint by another key" 1 "$BIN" report "$T/ck.jsonl" --checkpoint "$T/cpall.txt" --key "$T/o.pub" --json "$T/x.json"
expect_out "another key named" "not a valid checkpoint signed by this key"
expect_rc "--checkpoint without --key" 2 "$BIN" report "$T/ck.jsonl" --checkpoint "$T/cpall.txt" --json "$T/x.json"
expect_rc "--key without a checkpoint" 2 "$BIN" report "$T/ck.jsonl" --key "$T/k.pub" --json "$T/x.json"
# a store's latest stored checkpoint is used (signature checked with --key, or said unchecked)
"$BIN" import "$T/ck.db" --log "$T/ck.jsonl" --scenario $S7 > /dev/null
n100=$(sed -n 2p "$T/cp100.txt")
# (keeping the write-ahead log, as every writer of a caucus store must: docs/store.md)
sqlite3 -cmd ".filectrl persist_wal 1" "$T/ck.db" "INSERT INTO checkpoint(exercise,size,note) VALUES (1,$n100,readfile('$T/cp100.txt'))" > /dev/null 2>&1
expect_rc "store report with its stored checkpoint" 0 "$BIN" report "$T/ck.db" --exercise 1 --key "$T/k.pub" --json "$T/st.json"
expect_out "the stored one" "checkpoint store (latest stored checkpoint, size 100)"
expect_rc "store report, no key" 0 "$BIN" report "$T/ck.db" --exercise 1 --json "$T/st.json"
if python3 -c "import json,sys; c=json.load(open('$T/st.json'))['checkpoint']; sys.exit(0 if c['signature'].startswith('NOT CHECKED') and c['covers']==100 else 1)"; then ok; else no "unchecked signature said"; fi
expect_rc "store report with --checkpoint" 0 "$BIN" report "$T/ck.db" --exercise 1 --key "$T/k.pub" --checkpoint "$T/cpall.txt" --json "$T/st.json"
expect_out "the file wins" "covers all"

# print layout: the HTML in headless Chromium on A4 and Letter; pdftotext's word boxes show that
# the page banners sit in the margins and cover no body text, and that no text runs off a page
if ! command -v chromium > /dev/null 2>&1; then
  echo "SKIP: print layout (chromium is not installed)"
elif ! command -v pdftotext > /dev/null 2>&1; then
  no "print layout: pdftotext (Debian poppler-utils, in make deps) is not installed"
else
  for n in p ncg-interagency-sim; do
    "$BIN" report "$T/$n.jsonl" --html "$T/pr.html" --json "$T/pr.json" > /dev/null 2>&1
    for size in A4 letter; do
      # test-only variant: the paper size (the report itself leaves it to the printer)
      sed "s|</style>|@page{size:$size}</style>|" "$T/pr.html" > "$T/pr-$size.html"
      rm -f "$T/pr.pdf"
      timeout 120 chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --user-data-dir="$T/chrome" --print-to-pdf="$T/pr.pdf" "file://$T/pr-$size.html" > /dev/null 2>&1
      if [ -s "$T/pr.pdf" ] && pdftotext -bbox "$T/pr.pdf" "$T/pr.bbox" 2> /dev/null &&
         python3 - "$T/pr.bbox" "$size" "$T/pr.json" <<'PY2'
import re, sys
want = {"A4": (595.0, 842.0), "letter": (612.0, 792.0)}[sys.argv[2]]
import json
banner = json.load(open(sys.argv[3]))["banner"].split()
pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', open(sys.argv[1]).read(), re.S)
assert len(pages) >= 5, len(pages)
MM = 72 / 25.4
for i, (w, h, body) in enumerate(pages):
    w, h = float(w), float(h)
    assert abs(w - want[0]) < 2 and abs(h - want[1]) < 2, (i, w, h)
    words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', body)]
    top, bottom = 20 * MM, h - 20 * MM  # @page margins: the body lives between them
    head = [x for x in words if x[3] <= top + 0.5]
    foot = [x for x in words if x[1] >= bottom - 0.5]
    inside = [x for x in words if x not in head and x not in foot]
    # the banner, whole, in both margins of every page; nothing else there
    assert [x[4] for x in head] == banner and [x[4] for x in foot] == banner, (i, [x[4] for x in head], banner)
    # no body word crosses into a margin or off the page's sides
    for x in inside:
        assert x[1] >= top - 0.5 and x[3] <= bottom + 0.5, (i, x)
        assert x[0] >= 12 * MM - 1 and x[2] <= w - 12 * MM + 1, (i, x)
pass  # every page checked
PY2
      then ok; else no "print layout of $n on $size"; fi
    done
  done
fi

# the report in Korean (docs/report.md, "Languages"): section titles and headings from the
# catalogue, the scenario's Korean texts with the authoritative English beside them; English as
# before byte for byte; --lang en of an English scenario is the English report
bi=tests/scenarios/valid/river-commission-bilingual.yaml
expect_rc "bilingual run for the report" 0 "$BIN" run "$bi" --log "$T/bi.jsonl"
expect_rc "report --lang ko" 0 "$BIN" report "$T/bi.jsonl" --lang ko --html "$T/bi-ko.html" --md "$T/bi-ko.md" --json "$T/bi-ko.json"
if grep -q '^## 연습 개요$' "$T/bi-ko.md" && grep -q '^## 지침 준수$' "$T/bi-ko.md"; then ok; else no "Korean section titles (md)"; fi
if grep -q '^# 사후 강평 보고서: 공동 하천위원회 홍수기 협의$' "$T/bi-ko.md"; then ok; else no "the Korean title with the scenario's Korean title"; fi
if grep -q '<html lang="ko">' "$T/bi-ko.html" && grep -q '<h2>협의 지표</h2>' "$T/bi-ko.html"; then ok; else no "Korean HTML"; fi
if grep -q '| 상류 관측소 수위 경보 수준 초과 | Upstream gauge above the warning level |' "$T/bi-ko.md"; then ok; else no "the authoritative text beside the Korean"; fi
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["lang"]=="ko" and d["authoritative_language"]=="en"; s=[x for x in d["sections"] if x["id"]=="knowledge"][0]; t=[x for x in s["tables"] if x["id"]=="authoritative"][0]; assert ["상류 관측소 수위 경보 수준 초과","Upstream gauge above the warning level"] in t["rows"]; assert t["columns"]==["text","authoritative text"]' "$T/bi-ko.json"; then ok; else no "the JSON document in Korean keeps the authoritative texts and the column keys"; fi
expect_rc "report in English" 0 "$BIN" report "$T/bi.jsonl" --md "$T/bi-en.md"
expect_rc "report --lang en" 0 "$BIN" report "$T/bi.jsonl" --lang en --md "$T/bi-en2.md"
if cmp -s "$T/bi-en.md" "$T/bi-en2.md" && ! grep -q '연습' "$T/bi-en.md"; then ok; else no "--lang en is the English report"; fi
expect_rc "report --lang xx" 2 "$BIN" report "$T/bi.jsonl" --lang xx --md "$T/bi-xx.md"
expect_out "report --lang xx: why" "caucus report: --lang xx: no report catalogue for language 'xx' (built in: en, ko)"
expect_rc "report --lang ko of the policy sample" 0 "$BIN" report "$T/p.jsonl" --lang ko --md "$T/p-ko.md"
if grep -q '^## 결정$' "$T/p-ko.md" && grep -q '| 제3국의 공개 성명 | Third-country public statement |' "$T/p-ko.md"; then ok; else no "the policy sample in Korean"; fi
expect_rc "a scenario in one language: run" 0 "$BIN" run tests/scenarios/valid/minimal.yaml --log "$T/min.jsonl"
expect_rc "a scenario in one language: report --lang ko" 0 "$BIN" report "$T/min.jsonl" --lang ko --md "$T/min-ko.md"
if grep -q '^## 결정$' "$T/min-ko.md" && grep -q 'Request to consult' "$T/min-ko.md" && ! grep -q '기준 언어 원문' "$T/min-ko.md"; then ok; else no "a scenario in one language: Korean headings, its own texts, no authoritative tables"; fi

# no English generated sentence in the Korean report of each sample: every string of the report
# (JSON) and the Markdown scanned against the English catalogue (tests/cli/report_lang_scan.py);
# the English reports stay byte for byte the goldens' (tests/cli/golden.sh)
for smp in ncg-policy-ttx ncg-mil-ttx ncg-interagency-sim; do
  expect_rc "$smp: run for the Korean report" 0 "$BIN" run "scenarios/$smp.yaml" --log "$T/k-$smp.jsonl"
  expect_rc "$smp: report --lang ko" 0 "$BIN" report "$T/k-$smp.jsonl" --lang ko --json "$T/k-$smp.json" --md "$T/k-$smp.md"
  if python3 tests/cli/report_lang_scan.py src/report/lang/en.json src/report/lang/ko.json "$T/k-$smp.json" "$T/k-$smp.md" > "$T/k-$smp.scan"; then ok
  else no "$smp: English generated text in the Korean report"; head -10 "$T/k-$smp.scan"; fi
done
# the scan finds the English of an English report (it can fail)
expect_rc "the English report to scan" 0 "$BIN" report "$T/k-ncg-policy-ttx.jsonl" --json "$T/k-en.json" --md "$T/k-en.md"
if ! python3 tests/cli/report_lang_scan.py src/report/lang/en.json src/report/lang/ko.json "$T/k-en.json" "$T/k-en.md" > /dev/null; then ok
else no "the scan finds no English in an English report"; fi

# report --threads N: the log's lines checked on N threads (docs/event-log.md, "Checking lines on
# several threads"): stdout, stderr, exit status and every output the same as on one thread. A 600 KB
# log spans three 256 KiB batches; spoiled at the last line of the first batch, the line named is the
# one-thread reader's. (Kept small: the suite also runs under Valgrind; tests/test_report.c compares
# many more cases, thread counts and batch sizes, a log cut inside a line among them.) The log is
# written by the build itself, not $BIN: what is tested here is the reading.
python3 bench/gen_scenario.py 120 20 > "$T/tg.yaml"
"$B/caucus" run "$T/tg.yaml" --auto all --log "$T/tg.jsonl" > /dev/null
last0=$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.count(b"\n", 0, d.rfind(b"\n", 0, 262144) + 1))' "$T/tg.jsonl")
sed "${last0}s/\"t\":/\"t\":1/" "$T/tg.jsonl" > "$T/tg-last.jsonl"
rm -rf "$T/th1" "$T/th2"
mkdir "$T/th1" "$T/th2"
for n in 1 2; do
  "$BIN" report "$T/tg.jsonl" --scenario "$T/tg.yaml" --threads $n --html "$T/th$n/r.html" --md "$T/th$n/r.md" \
    --json "$T/th$n/r.json" > "$T/th$n/out" 2> "$T/th$n/err"
  echo $? > "$T/th$n/rc"
done
if [ "$(cat "$T/th1/rc")" = 0 ] && diff -r "$T/th1" "$T/th2" > /dev/null; then ok; else no "report --threads 2 differs from 1"; fi
expect_rc "report --threads: a batch's last line refused" 1 "$BIN" report "$T/tg-last.jsonl" --scenario "$T/tg.yaml" --threads 2 --json "$T/x.json"
expect_out "report --threads: its line" "tg-last.jsonl:$last0:1: error: hash does not match"
expect_rc "report --threads 0: usage" 2 "$BIN" report "$T/tg.jsonl" --threads 0 --json "$T/x.json"
expect_rc "report --threads 65 for a log: usage" 2 "$BIN" report "$T/tg.jsonl" --threads 65 --json "$T/x.json"
expect_out "report --threads 65: why" 'caucus report: --threads takes 1 to 64, not "65"'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
