#!/usr/bin/env python3
"""Writes a large synthetic, lint-clean scenario: bench/gen_scenario.py INJECTS SEATS > out.yaml.
Fictional and content-free (numbered items); used by `make bench` to time `caucus lint`."""
import sys

n_inj = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
n_seat = int(sys.argv[2]) if len(sys.argv) > 2 else 500
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
    w("  - {id: seat-%d, party: %s, role: Desk %d, clearance: SECRET, caveats: [NCG], cells: [cell-%d]}\n"
      % (s, party, s, s % 10))
w("objectives:\n  - {id: obj-1, title: Share information promptly}\n")
w("injects:\n")
labels = ["SECRET//REL TO USA, KOR", "UNCLASSIFIED//REL TO ALLIANCE", "CONFIDENTIAL//NCG//REL TO ALLIANCE"]
for i in range(n_inj):
    w("  - id: I-%d\n    title: Synthetic inject %d\n    body: Numbered synthetic item for timing.\n" % (i, i))
    w("    label: %s\n    from: control\n" % labels[i % 3])
    w("    to: [seat-%d, seat-%d, cell:cell-%d, party:KOR]\n" % (i % n_seat, (i * 7 + 1) % n_seat, i % 10))
    w("    channel: cable\n    objectives: [obj-1]\n")
    if i % 4 == 0 or i == 0:
        w("    at: +%dm\n" % (i % 40000))
    else:
        w("    trigger: {after: I-%d, delay: 5m}\n" % (i - 1))
w("decisions:\n  - id: D-1\n    question: Synthetic decision\n    label: SECRET//REL TO USA, KOR\n"
  "    options: [{id: a, text: A}, {id: b, text: B}]\n    deciders: [seat-0, seat-1]\n"
  "    rule: unanimity\n    at: +1h\n")
