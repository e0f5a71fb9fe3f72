#!/bin/sh
# CLI tests of `caucus sim`: output, CSV, JSON, SVG and HTML files, thread invariance, usage errors.
# Usage: tests/cli/sim.sh BUILD_DIR. Prints "N passed, N failed".
. tests/cli/harness.inc
S=scenarios/ncg-interagency-sim.yaml
expect_rc "sim" 0 "$BIN" sim "$S" --reps 300 --threads 1 --csv "$T/a.csv" --json "$T/a.json"
expect_out "sim header" "sim ncg-interagency-sim: 300 replications per variant, seed 1, 3 variants"
expect_out "sim metric" "C-1: request to completion (h)"
expect_out "sim difference" "silence - sequential:"
cp "$T/out" "$T/a.txt"
expect_rc "sim threads" 0 "$BIN" sim "$S" --reps 300 --threads 2 --csv "$T/b.csv"
if cmp -s "$T/a.csv" "$T/b.csv" && cmp -s "$T/a.txt" "$T/out"; then ok; else no "results depend on --threads"; fi
if [ "$(wc -l < "$T/a.csv")" = 901 ]; then ok; else no "csv has a header and 3 x 300 rows"; fi
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["reps"]==300 and len(d["variants"])==3; m=d["variants"][0]["metrics"]["C-1: completed"]; assert m["rate"] and m["total"]==300' "$T/a.json"; then ok; else no "json summary"; fi
# the CSV keeps every value at full precision and marks censored times; the JSON has every summary
# and every pairwise difference, paired
if python3 - "$T/a.csv" "$T/a.json" <<'PY'
import csv, json, sys, math
rows = list(csv.reader(open(sys.argv[1])))
head = rows[0]
i = head.index("C-1: request to completion (h)")
assert head[i + 1] == "C-1: request to completion (h) [censored]", head[i + 1]
cens = [r for r in rows[1:] if r[i + 1] == "1"]
done = [r for r in rows[1:] if r[i + 1] == "0"]
assert cens and done
assert all(abs(float(r[i]) - (72 - 1 - 50 / 60)) < 1e-9 for r in cens), "censored at the end of the run"
assert any(len(r[i].split(".")[-1]) > 6 for r in done), "full precision"
d = json.load(open(sys.argv[2]))
m = d["variants"][0]["metrics"]["C-1: request to completion (h)"]
for k in ("n", "applicable", "censored", "done", "done_ci", "mean", "mean_ci", "sd", "median_ci", "p90_ci",
          "p99_ci", "max", "tau", "restricted_mean", "restricted_mean_ci"):
    assert k in m, k
seq = [r for r in rows[1:] if r[0] == "sequential"]
assert m["applicable"] == len(seq) and m["n"] == sum(1 for r in seq if r[i + 1] == "0")
diffs = [x for x in d["differences"] if x["metric"] == "C-1: request to completion (h)"]
assert len(diffs) == 3 and all(x["method"].startswith("paired") for x in diffs)
# the paired interval of silence - sequential, recomputed from the CSV rows of the same replication
tau = m["tau"]
a = {r[1]: min(float(r[i]), tau) for r in rows[1:] if r[0] == "sequential"}
b = {r[1]: min(float(r[i]), tau) for r in rows[1:] if r[0] == "silence"}
dd = [b[k] - a[k] for k in a]
n = len(dd); mean = sum(dd) / n; sd = math.sqrt(sum((x - mean) ** 2 for x in dd) / (n - 1))
x = [x for x in diffs if x["a"] == "sequential" and x["b"] == "silence"][0]
assert abs(x["difference"] - mean) < 1e-9, (x["difference"], mean)
half = (x["ci"][1] - x["ci"][0]) / 2
assert abs(half - 1.9679 * sd / math.sqrt(n)) < 1e-3 * half, (half, sd)
PY
then ok; else no "csv and json: censoring, precision, every summary and paired differences"; fi
expect_rc "sim all variants" 0 "$BIN" sim "$S" --reps 300
expect_out "a rule that never applies" "silence          - (never applied in 300 replications)"
expect_out "a stage the variant lacks" "silence          - (it could not happen in any of 300 replications)"
expect_out "restricted means name their horizon" "restricted mean to 70.17 h"
expect_out "differences are paired" "(paired, 300 replications, r = "
if grep -q "nan" "$T/out"; then no "no nan in the report"; else ok; fi
expect_rc "sim logs a replication" 0 "$BIN" sim "$S" --reps 50 --variant silence --log-rep 7 --log-prefix "$T/rep"
expect_out "sim log message" "log of replication 7, variant silence: $T/rep-silence-rep7.jsonl"
expect_rc "the replication's log replays" 0 "$BIN" replay "$T/rep-silence-rep7.jsonl"
expect_rc "sim keep-logs" 0 "$BIN" sim "$S" --reps 50 --variant parallel --keep-logs 2 --log-prefix "$T/k"
if [ -f "$T/k-parallel-rep0.jsonl" ] && [ -f "$T/k-parallel-rep1.jsonl" ]; then ok; else no "keep-logs writes reps 0 and 1"; fi
expect_rc "sim log-rep out of range" 2 "$BIN" sim "$S" --reps 50 --log-rep 50
expect_out "sim log-rep message" "replications are numbered 0 to 49"
expect_rc "sim svg" 0 "$BIN" sim "$S" --reps 200 --svg "$T/p.svg"
if python3 -c 'import sys, xml.dom.minidom as m; d=m.parse(sys.argv[1]); t=[x.firstChild.data for x in d.getElementsByTagName("text") if x.firstChild]; assert "C-1: request to completion (h): share done (Kaplan-Meier)" in t and "silence" in t; assert len(d.getElementsByTagName("polyline")) > 10' "$T/p.svg"; then ok; else no "svg is well-formed with Kaplan-Meier panels"; fi
if python3 -c 'import sys, xml.dom.minidom as m; d=m.parse(sys.argv[1]); t=[x.firstChild.data for x in d.getElementsByTagName("text") if x.firstChild]; assert "C-1: request to completion (h): histogram" in t and "C-1: request to completion (h): share done (Kaplan-Meier)" in t; assert len(d.getElementsByTagName("polygon")) % 3 == 0 and len(d.getElementsByTagName("polygon")) >= 9' "$T/p.svg"; then ok; else no "svg has a histogram per variant"; fi
expect_rc "sim html" 0 "$BIN" sim "$S" --reps 200 --html "$T/p.html" --json "$T/p.json"
if python3 -c '
import sys, json, html.parser
src = open(sys.argv[1]).read()
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.tags = {}; s.attrs = []
    def handle_starttag(s, tag, attrs):
        s.tags[tag] = s.tags.get(tag, 0) + 1; s.attrs += [k for k, v in attrs]
p = P(); p.feed(src)
d = json.load(open(sys.argv[2]))
nmet = len(d["variants"][0]["metrics"])
assert p.tags.get("section") == nmet and p.tags.get("h2") == nmet, p.tags
assert p.tags.get("svg", 0) >= 5 and p.tags.get("table", 0) >= nmet
assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
assert "src" not in p.attrs and "href" not in p.attrs
m = d["variants"][0]["metrics"]["C-1: request to completion (h)"]
assert ("<td>%.2f</td>" % m["mean"]) in src, "the table shows the JSON mean"
' "$T/p.html" "$T/p.json"; then ok; else no "html page: a section, table and plot per metric, no external asset"; fi
expect_rc "sim html unwritable" 1 "$BIN" sim "$S" --reps 20 --html "$T/no/such/dir/p.html"
expect_out "sim html unwritable message" "cannot write $T/no/such/dir/p.html"
expect_rc "sim svg unwritable" 1 "$BIN" sim "$S" --reps 20 --svg "$T/no/such/dir/p.svg"
expect_out "sim svg unwritable message" "cannot write $T/no/such/dir/p.svg"
# the plain binary never links MPI (build/caucus-mpi does: tests/cli/mpi.sh)
expect_rc "sim --mpi in a build without MPI" 2 "$BIN" sim "$S" --reps 20 --mpi
expect_out "sim --mpi message" "this caucus was built without MPI"
expect_rc "sim consult-10" 0 "$BIN" sim bench/consult-10.yaml --reps 2000 --threads 2
expect_out "sim consult-10 variants" "sequential - parallel:"
expect_rc "sim few replications" 0 "$BIN" sim "$S" --reps 20 --variant parallel
expect_out "a warning under 30 replications" "20 replications: the intervals of means rest on the mean being close to normal"
expect_rc "sim one variant" 0 "$BIN" sim "$S" --reps 50 --variant parallel
expect_out "sim one variant header" ", 1 variant"
expect_rc "sim unknown variant" 2 "$BIN" sim "$S" --variant nope
expect_out "sim unknown variant message" "scenario has no mechanism 'nope'"
expect_rc "sim bad reps" 2 "$BIN" sim "$S" --reps 0
expect_rc "sim bad threads" 2 "$BIN" sim "$S" --threads 0
expect_rc "sim no scenario" 2 "$BIN" sim
expect_rc "sim no mechanisms" 1 "$BIN" sim tests/scenarios/valid/minimal.yaml
expect_out "sim no mechanisms message" "has no consultation mechanisms to compare"
expect_rc "sim invalid scenario" 1 "$BIN" sim tests/scenarios/invalid/044-label-unknown-classification.yaml
# --- sweeps (docs/sim.md, "Exploring a mechanism") ---
SW=mechanisms.silence.stages.decide.deadline
expect_rc "sweep" 0 "$BIN" sim "$S" --reps 200 --threads 2 --sweep "$SW=1h..4h/1h" --baseline 3h --variant silence \
  --metric "D-1" --json "$T/sw.json" --csv "$T/sw.csv" --svg "$T/sw.svg" --html "$T/sw.html"
expect_out "sweep header" "sweep mechanisms.silence.stages.decide.deadline over 4 values (1h ... 4h), baseline 3h: 200 replications per value and variant, seed 1, 1 variant"
expect_out "sweep curve" "D-1: adopted by silence: probability"
expect_out "sweep baseline row" "3h (baseline)"
if grep -q "C-1: request to completion" "$T/out"; then no "--metric D-1 shows only D-1's metrics"; else ok; fi
cp "$T/out" "$T/sw.txt"
expect_rc "sweep one thread" 0 "$BIN" sim "$S" --reps 200 --threads 1 --sweep "$SW=1h..4h/1h" --baseline 3h --variant silence \
  --metric "D-1" --csv "$T/sw1.csv"
if cmp -s "$T/sw.csv" "$T/sw1.csv" && cmp -s "$T/sw.txt" "$T/out"; then ok; else no "a sweep depends on --threads"; fi
# each point equals the scenario run alone with that value (a copy with the deadline edited)
sed 's/^        deadline: 3h$/        deadline: 2h/' "$S" > "$T/two.yaml"
if ! cmp -s "$S" "$T/two.yaml"; then ok; else no "the copy edits the silence deadline"; fi
expect_rc "sim alone at 2h" 0 "$BIN" sim "$T/two.yaml" --reps 200 --variant silence --json "$T/two.json"
if python3 - "$T/sw.json" "$T/sw.csv" "$T/two.json" "$T/sw.svg" "$T/sw.html" <<'PY'
import csv, json, sys, xml.dom.minidom
sw = json.load(open(sys.argv[1]))
assert sw["sweep"]["path"] == "mechanisms.silence.stages.decide.deadline"
assert sw["sweep"]["values"] == ["1h", "2h", "3h", "4h"] and sw["sweep"]["x"] == [1, 2, 3, 4]
assert sw["sweep"]["baseline"] == "3h" and sw["sweep"]["baseline_index"] == 2 and sw["variants"] == ["silence"]
names = [m["name"] for m in sw["metrics"]]
assert names and all(n.startswith("D-1") for n in names), names
alone = json.load(open(sys.argv[3]))["variants"][0]["metrics"]
for m in sw["metrics"]:
    pt = m["curves"][0]["points"][1]
    assert pt["value"] == "2h"
    a, b = alone[m["name"]], pt["summary"]
    for k in a:
        assert a[k] == b[k], (m["name"], k, a[k], b[k])
    base = m["curves"][0]["points"][2]["vs_baseline"]
    assert base["difference"] == 0 and base["ci"] == [None, None]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 4 * len(names)
t = [r for r in rows if r["metric"] == "D-1: decided at (h after start)"]
assert [r["value"] for r in t] == ["1h", "2h", "3h", "4h"]
assert float(t[3]["vs_baseline"]) > 0 > float(t[0]["vs_baseline"]), "a later deadline decides later, paired"
assert t[2]["vs_baseline_lo"] == "" and float(t[3]["vs_baseline_lo"]) > 0
xml.dom.minidom.parse(sys.argv[4])
h = open(sys.argv[5]).read()
assert "<script" not in h and h.count("<section") == len(names) and "3h (baseline)" in h
PY
then ok; else no "sweep json, csv, svg and html"; fi
expect_rc "sweep bad spec" 2 "$BIN" sim "$S" --sweep "$SW=3h..1h/1h"
expect_out "sweep bad spec message" "--sweep: the range ends before it starts"
expect_rc "sweep bad path" 1 "$BIN" sim "$S" --reps 10 --sweep "mechanisms.silence.stages.decide.dedline=1h,2h"
expect_out "sweep bad path message" "'dedline' is not one of: deadline"
expect_rc "sweep bad value" 1 "$BIN" sim "$S" --reps 10 --sweep "agents.co-chair.channel_failure=0.5,2"
expect_out "sweep bad value message" "--sweep agents.co-chair.channel_failure=2: the scenario does not load with that value"
expect_rc "sweep baseline not a value" 2 "$BIN" sim "$S" --sweep "$SW=1h,2h" --baseline 90m
expect_out "sweep baseline message" "--baseline 90m is not one of the sweep's values"
expect_rc "sweep metric matches nothing" 2 "$BIN" sim "$S" --reps 10 --sweep "$SW=1h,2h" --metric "no such"
expect_out "sweep metric message" "no metric's name contains 'no such'"
expect_rc "two sweeps" 2 "$BIN" sim "$S" --sweep "$SW=1h,2h" --sweep "$SW=3h"
expect_rc "sweep with logs" 2 "$BIN" sim "$S" --sweep "$SW=1h,2h" --log-rep 0
expect_rc "baseline without sweep" 2 "$BIN" sim "$S" --baseline 1h
expect_rc "report refuses a sweep result" 1 "$BIN" report "$T/sw.json" --md "$T/sw.md"
expect_out "report sweep message" "this is the result of a sweep"
expect_rc "lint sweep" 0 "$BIN" lint "$S" --sweep "$SW=1h..24h/1h" --sweep "agents.co-chair.rules.1.delay.median=5m,1h"
# every path docs/sim.md lists as a field of the sample
for p in mechanisms.silence.stages.decide.deadline=1h mechanisms.sequential.stages.assess.deadline=6h \
  agents.co-chair.rules.5.probability=0.2 agents.co-chair.rules.1.delay.median=10m \
  agents.co-chair.availability.absence=0.1 agents.co-chair.channel_failure=0.05 decisions.D-1.deadline=12h; do
  expect_rc "lint sweep $p" 0 "$BIN" lint -q "$S" --sweep "$p"
done
expect_rc "lint bad sweep value" 1 "$BIN" lint "$S" --sweep "agents.co-chair.rules.1.probability=0.5,1.5"
expect_out "lint bad sweep value message" "agent rule 'probability' is 1.5; it must be between 0 and 1"
expect_rc "lint bad sweep path" 1 "$BIN" lint "$S" --sweep "agents.co-chair.rules.1.delay=1h"
expect_out "lint bad sweep path message" "'delay' is a map, not a value"
# every consultation names its mechanism: one variant, "as written"; --metric without --sweep
expect_rc "sim as written" 0 "$BIN" sim tests/validity/unstick.yaml --reps 50 --metric "C-remind: completed" --log-rep 0 --log-prefix "$T/aw"
expect_out "sim as written header" "50 replications per variant, seed 1, 1 variant"
expect_out "sim as written variant" "  as written       "
if grep -q "C-plain" "$T/out"; then no "--metric keeps only the metrics named"; else ok; fi
if [ -s "$T/aw-as-written-rep0.jsonl" ]; then ok; else no "--log-rep names the as-written run's file"; fi
expect_rc "sim metric matches nothing" 2 "$BIN" sim "$S" --reps 10 --metric "no such"
expect_out "sim metric message" "no metric's name contains 'no such'"
# no allocation per replication (or per event): the heap allocation count does not grow with --reps
# (under Valgrind, so not for the sanitizer build nor when the tests already run under Valgrind)
if [ -z "${CAUCUS_BIN_OVERRIDE:-}" ] && ! nm "$BIN" 2> /dev/null | grep -q __asan_init && command -v valgrind > /dev/null 2>&1; then
  a1=$(valgrind "$BIN" sim bench/consult-10.yaml --reps 200 --threads 1 2>&1 > /dev/null | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p')
  a2=$(valgrind "$BIN" sim bench/consult-10.yaml --reps 4000 --threads 1 2>&1 > /dev/null | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p')
  if [ -n "$a1" ] && [ "$a1" = "$a2" ]; then ok; else no "allocations grow with replications: $a1 at 200, $a2 at 4000"; fi
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
