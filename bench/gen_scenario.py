#!/usr/bin/env python3
"""Writes a large synthetic, lint-clean scenario: bench/gen_scenario.py INJECTS SEATS > out.yaml.
Fictional and content-free (numbered items); used by `make bench` to time `caucus lint`.

With --full [--inputs FILE] (bench/bench_report.sh) the scenario also exercises every section of
the after-action report: one consultation (with its decision, open to proposals) per 20 injects
under a seven-stage mechanism, guidelines with machine-checked rules (acknowledgement deadline,
sharing of warnings, consult before deciding), agents on every seat (working hours on the desks,
so waiting falls out of hours), warning injects the desks share; FILE receives people's inputs:
messages between seats (--messages M of them; default INJECTS / 4), notes and objective ratings.
Without --full the output is unchanged."""
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
full = "--full" in sys.argv
inputs = sys.argv[sys.argv.index("--inputs") + 1] if "--inputs" in sys.argv else None
n_msg = int(sys.argv[sys.argv.index("--messages") + 1]) if "--messages" in sys.argv else None
for v in (inputs, None if n_msg is None else str(n_msg)):
    if v in args:
        args.remove(v)
n_inj = int(args[0]) if len(args) > 0 else 10000
n_seat = int(args[1]) if len(args) > 1 else 500
w = sys.stdout.write
w("caucus: 1\nexercise:\n  id: bench\n  title: Synthetic benchmark scenario\n"
  "  start: 2026-03-02T09:00:00-05:00\n  zone: America/New_York\n  duration: 30d\n")
w("label_policy:\n  id: bench-policy\n  classifications:\n    - {name: UNCLASSIFIED, short: U}\n"
  "    - {name: CONFIDENTIAL, short: C}\n    - {name: SECRET, short: S}\n  caveats: [NCG]\n"
  "  groups:\n    ALLIANCE: [USA, KOR]\n")
w("parties:\n  - {id: USA, name: United States, zone: America/New_York}\n"
  "  - {id: KOR, name: Republic of Korea, zone: Asia/Seoul}\n"
  "  - {id: EXCON, name: Exercise control, kind: organisation, zone: UTC}\n")
w("cells:\n  - {id: control, name: Control cell, kind: control}\n")
for c in range(10):
    w("  - {id: cell-%d, name: Cell %d, kind: workstream}\n" % (c, c))
w("seats:\n  - {id: ctl, party: EXCON, role: Controller, clearance: SECRET, cells: [control]}\n")
for s in range(n_seat):
    party = "USA" if s % 2 == 0 else "KOR"
    agent = "" if not full else ", agent: %s" % ("chair" if s < 2 else "desk")
    w("  - {id: seat-%d, party: %s, role: Desk %d, clearance: SECRET, caveats: [NCG], cells: [cell-%d]%s}\n"
      % (s, party, s, s % 10, agent))
w("objectives:\n  - {id: obj-1, title: Share information promptly}\n")
w("injects:\n")
labels = ["SECRET//REL TO USA, KOR", "UNCLASSIFIED//REL TO ALLIANCE", "CONFIDENTIAL//NCG//REL TO ALLIANCE"]
for i in range(n_inj):
    w("  - id: I-%d\n    title: Synthetic inject %d\n    body: Numbered synthetic item for timing.\n" % (i, i))
    w("    label: %s\n    from: control\n" % labels[i % 3])
    w("    to: [seat-%d, seat-%d, cell:cell-%d, party:KOR]\n" % (i % n_seat, (i * 7 + 1) % n_seat, i % 10))
    w("    channel: cable\n    objectives: [obj-1]\n")
    if full and i % 5 == 1:
        w("    class: [warning]\n")
    if i % 4 == 0 or i == 0:
        w("    at: +%dm\n" % (i % 40000))
    else:
        w("    trigger: {after: I-%d, delay: 5m}\n" % (i - 1))
w("decisions:\n  - id: D-1\n    question: Synthetic decision\n    label: SECRET//REL TO USA, KOR\n"
  "    options: [{id: a, text: A}, {id: b, text: B}]\n    deciders: [seat-0, seat-1]\n"
  "    rule: unanimity\n    at: +1h\n")
if full:
    n_cons = max(1, n_inj // 20)
    for k in range(n_cons):
        w("  - id: D-C%d\n    question: Synthetic consultation decision %d\n    label: SECRET//REL TO USA, KOR\n"
          "    options: [{id: a, text: Option A}, {id: b, text: Option B}]\n    proposals: true\n"
          "    deciders: [seat-0, seat-1]\n    rule: unanimity\n    deadline: 12h\n"
          "    trigger: {after: I-%d, delay: 6h}\n" % (k, k, k * 20))
    w("mechanisms:\n  - id: std\n    title: Synthetic seven-stage mechanism\n    stages:\n"
      "      - {id: notify, kind: notify, participants: [seat-2, seat-3], deadline: 30m}\n"
      "      - {id: acknowledge, kind: acknowledge, participants: [seat-0, seat-1], deadline: 30m}\n"
      "      - {id: assess, kind: assess, participants: [seat-2, seat-3, seat-4, seat-5], mode: all, deadline: 4h}\n"
      "      - {id: convene, kind: convene, participants: [seat-0, seat-1], deadline: 2h}\n"
      "      - {id: positions, kind: positions, participants: [seat-0, seat-1], mode: all}\n"
      "      - {id: decide, kind: decide, participants: [seat-0, seat-1], rule: unanimity, deadline: 2h}\n"
      "      - {id: communicate, kind: communicate, participants: [seat-2, seat-3]}\n")
    w("consultations:\n")
    for k in range(n_cons):
        w("  - id: C-%d\n    topic: Synthetic consultation %d\n    requested_by: seat-%d\n    decision: D-C%d\n"
          "    label: SECRET//REL TO USA, KOR\n    trigger: {after: I-%d, delay: 20m}\n"
          % (k, k, k % 2, k, k * 20))
    w("guidelines:\n"
      "  - {id: G-ack, text: Requests are acknowledged within 30 minutes., objectives: [obj-1],"
      " rule: {kind: stage_deadline, stage: acknowledge, within: 30m}}\n"
      "  - {id: G-share, text: Warnings are shared with the ally within one hour., objectives: [obj-1],"
      " rule: {kind: share, class: warning, with: party:KOR, within: 1h}}\n")
    for k in range(min(n_cons, 50)):
        w("  - {id: G-consult-%d, text: Consult before deciding %d., objectives: [obj-1],"
          " rule: {kind: consult_before_decision, decision: D-C%d}}\n" % (k, k, k))
    w("agents:\n  - id: chair\n    availability: {hours: always}\n    rules:\n"
      "      - {on: request, do: acknowledge, delay: {dist: lognormal, median: 20m, sigma: 0.9}}\n"
      "      - {on: stage, stage: convene, do: acknowledge, delay: {dist: gamma, shape: 2, scale: 30m}}\n"
      "      - {on: stage, stage: positions, do: position, text: Synthetic position., delay: 30m}\n"
      "      - {on: stage, stage: decide, do: vote, option: a, probability: 0.9, delay: 20m}\n"
      "      - {on: decision_open, do: propose, text: Synthetic proposal., probability: 0.3, delay: 10m}\n"
      "      - {on: decision_open, do: vote, option: a, probability: 0.8, delay: 40m}\n"
      "  - id: desk\n    availability: {hours: working}\n    rules:\n"
      "      - {on: stage, stage: notify, do: acknowledge, delay: 10m}\n"
      "      - {on: stage, stage: assess, do: position, text: Synthetic assessment., delay: {dist: gamma, shape: 2, scale: 1h}}\n"
      "      - {on: stage, stage: communicate, do: acknowledge, delay: 30m}\n"
      "      - {on: inject, class: warning, do: share, to: [seat-1, seat-3], probability: 0.2,"
      " delay: {dist: uniform, min: 10m, max: 90m}}\n")
    if inputs:
        with open(inputs, "w") as f:
            n = n_inj // 4 if n_msg is None else n_msg
            step = max(1, min(300, 2000000 // max(n, 1)))  # seconds; all within 25 days
            for m in range(n):
                t = 1800 + m * step
                a, b = (m * 2) % n_seat, (m * 2 + 3) % n_seat
                f.write('{"t": "+%ds", "seat": "seat-%d", "do": "message", "to": ["seat-%d"], "text": '
                        '"Synthetic message %d", "label": "SECRET//REL TO USA, KOR"}\n' % (t, a, b, m))
                if m % 50 == 0:
                    f.write('{"t": "+%ds", "do": "note", "text": "Synthetic evaluator note %d"}\n' % (t, m))
            f.write('{"t": "+%ds", "do": "rate", "objective": "obj-1", "rating": "S", "text": "Synthetic rating"}\n'
                    % (1800 + n * step))
