#!/usr/bin/python3
"""CONSULT-N, the simulator's reference model, in SimPy (Debian python3-simpy, the classic
SimPy 2.x API: SimPy.Simulation), and the generator of its caucus scenario.

A lead agency circulates a proposal to N reviewers. A review takes lognormal(mu = ln 5 h,
sigma = 0.5); it approves with p = 0.8; an objector re-reviews after a revision delay
gamma(k = 2, theta = 2 h); at most 5 reviews. Times are in hours.

Two models (docs/sim.md):
  rounds  the issue's synchronised rounds, the default: in each round the remaining objectors
          review (parallel: all at once, the round ends with the slowest; sequential: one after
          another), one revision per round when anyone objected, stop at the first round with
          no objection or after round 5. This is what the caucus scenario states
          (bench/consult-N.yaml, a stage with `rounds` and a reviewer agent doing `review`).
  chain   every objection is revised on its own: each reviewer's clearance time is a chain
          review [+ revision + review]... (at most 5 reviews), the reviewers' chains are
          independent; parallel: decision when the last chain ends; sequential: the reviewers
          clear one after another (sum of the chains). For comparison only.

usage:
  simpy_consult.py run N REPS parallel|sequential [rounds|chain] [SEED]
      prints one line: "reps_per_s MEAN CI_LO CI_HI" (mean time to decision in hours, 95% CI)
  simpy_consult.py yaml N
      prints the caucus scenario bench/consult-N.yaml
"""
import math
import random
import sys
import time

P_APPROVE = 0.8
MU, SIGMA = math.log(5.0), 0.5
GAMMA_K, GAMMA_THETA = 2.0, 2.0
MAX_REVIEWS = 5


def _simpy():
    from SimPy import Simulation  # classic API (SimPy 2.x, as Debian ships it)
    return Simulation


class Model:
    """One SimPy environment per replication (SimPy 2 keeps its clock in module state)."""

    def __init__(self, n, variant, model, rng):
        self.S = _simpy()
        self.n, self.variant, self.model, self.rng = n, variant, model, rng
        self.done_at = None

    # -- chain model ------------------------------------------------------------------------
    def chain(self, proc):
        """Generator: one reviewer's reviews and revisions (used inside a SimPy process)."""
        S, r = self.S, self.rng
        for k in range(MAX_REVIEWS):
            yield S.hold, proc, r.lognormvariate(MU, SIGMA)
            if r.random() < P_APPROVE or k == MAX_REVIEWS - 1:
                return
            yield S.hold, proc, r.gammavariate(GAMMA_K, GAMMA_THETA)

    # -- rounds model -----------------------------------------------------------------------
    def review(self, proc):
        yield self.S.hold, proc, self.rng.lognormvariate(MU, SIGMA)

    def run(self):
        S = self.S
        S.initialize()
        m = self
        finished = S.SimEvent("reviewer done")

        class Reviewer(S.Process):
            def go(self, body):
                for step in body(self):
                    yield step
                finished.signal()

        class Lead(S.Process):
            def go(self):
                if m.model == "chain" and m.variant == "parallel":
                    for _ in range(m.n):
                        rv = Reviewer()
                        S.activate(rv, rv.go(m.chain))
                    for _ in range(m.n):
                        yield S.waitevent, self, finished
                elif m.model == "chain":
                    for _ in range(m.n):
                        rv = Reviewer()
                        S.activate(rv, rv.go(m.chain))
                        yield S.waitevent, self, finished
                else:
                    active = m.n
                    for rnd in range(MAX_REVIEWS):
                        objectors = 0
                        if m.variant == "parallel":
                            for _ in range(active):
                                rv = Reviewer()
                                S.activate(rv, rv.go(m.review))
                            for _ in range(active):
                                yield S.waitevent, self, finished
                        else:
                            for _ in range(active):
                                rv = Reviewer()
                                S.activate(rv, rv.go(m.review))
                                yield S.waitevent, self, finished
                        for _ in range(active):
                            objectors += m.rng.random() >= P_APPROVE
                        if objectors == 0 or rnd == MAX_REVIEWS - 1:
                            break
                        yield S.hold, self, m.rng.gammavariate(GAMMA_K, GAMMA_THETA)
                        active = objectors
                m.done_at = S.now()

        lead = Lead()
        S.activate(lead, lead.go())
        S.simulate(until=1e9)
        return self.done_at


def run(n, reps, variant, model, seed):
    rng = random.Random(seed)
    xs = []
    t0 = time.perf_counter()
    for _ in range(reps):
        xs.append(Model(n, variant, model, rng).run())
    el = time.perf_counter() - t0
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 else 0.0
    half = 1.96 * math.sqrt(var / len(xs))
    print("%.1f %.4f %.4f %.4f" % (reps / el, mean, mean - half, mean + half))

def yaml(n):
    """The caucus scenario of the rounds model: one assess stage over the reviewers (mode all /
    sequential) with review rounds (at most 5, revision gamma(2, 2 h) between rounds); each
    reviewer's agent reviews after lognormal(median 5 h, sigma 0.5) and approves with p = 0.8."""
    out = []
    w = out.append
    w("# CONSULT-%d: the simulator's reference model as a caucus scenario (generated by" % n)
    w("# `bench/simpy_consult.py yaml %d`; docs/sim.md explains the model)." % n)
    w("# A lead agency circulates a proposal to %d reviewers; a review takes lognormal(median 5 h," % n)
    w("# sigma 0.5) and approves with p = 0.8; after a round with objections the lead revises")
    w("# (gamma(2, 2 h)) and the objectors review again; the stage ends at the first round without")
    w("# objection or after round 5. Fictional, staff level only.")
    w("caucus: 1")
    w("exercise:")
    w("  id: consult-%d" % n)
    w("  title: CONSULT-%d reference model" % n)
    w("  start: 2026-03-02T00:00:00Z")
    w("  duration: 3650d")
    w("  default_mechanism: parallel")
    w("label_policy:")
    w("  id: consult-policy")
    w("  classifications:")
    w("    - {name: UNCLASSIFIED, short: U}")
    w("parties:")
    w("  - id: AGENCY")
    w("    name: Lead agency and reviewing offices")
    w("    kind: organisation")
    w("    zone: UTC")
    w("    working_hours: {days: [mon, tue, wed, thu, fri, sat, sun], start: \"00:00\", end: \"24:00\"}")
    w("cells:")
    w("  - {id: reviewers, name: Reviewing offices}")
    w("seats:")
    w("  - {id: lead, party: AGENCY, role: Lead agency, clearance: UNCLASSIFIED}")
    for i in range(1, n + 1):
        w("  - {id: rev-%03d, party: AGENCY, role: Reviewing office %d, clearance: UNCLASSIFIED, "
          "cells: [reviewers], agent: reviewer}" % (i, i))
    w("mechanisms:")
    for mech, mode in (("parallel", "all"), ("sequential", "sequential")):
        w("  - id: %s" % mech)
        w("    title: %s review" % mech.capitalize())
        w("    stages:")
        w("      - id: review")
        w("        kind: assess")
        w("        participants: [cell:reviewers]")
        w("        mode: %s" % mode)
        w("        rounds: {max: %d, revision: {dist: gamma, shape: %g, scale: %dh}}" % (MAX_REVIEWS, GAMMA_K, GAMMA_THETA))
    w("consultations:")
    w("  - id: C-1")
    w("    topic: Proposal circulated for review")
    w("    requested_by: lead")
    w("    label: UNCLASSIFIED")
    w("    at: +0s")
    w("agents:")
    w("  - id: reviewer")
    w("    availability: {hours: always}")
    w("    rules:")
    w("      - on: stage")
    w("        stage: assess")
    w("        do: review")
    w("        approve: %g" % P_APPROVE)
    w("        delay: {dist: lognormal, median: %dh, sigma: %g}" % (round(math.exp(MU)), SIGMA))
    print("\n".join(out))


def main(argv):
    if len(argv) == 3 and argv[1] == "yaml":
        yaml(int(argv[2]))
        return 0
    if len(argv) >= 5 and argv[1] == "run" and argv[4] in ("parallel", "sequential"):
        model = argv[5] if len(argv) > 5 else "rounds"
        if model not in ("chain", "rounds"):
            print("model must be chain or rounds", file=sys.stderr)
            return 2
        run(int(argv[2]), int(argv[3]), argv[4], model, int(argv[6]) if len(argv) > 6 else 1)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
