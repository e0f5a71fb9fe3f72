#!/usr/bin/python3
"""M/M/1 in SimPy (Debian python3-simpy, the classic SimPy 2.x API): arrivals at rate RHO, one
server with service rate 1, FIFO, the textbook SimPy way (a source process, a customer process
per arrival, a Resource). Prints "customers_per_s mean_wait" (mean wait in the queue in mean
service times; exact: rho / (1 - rho)). Usage: simpy_mm1.py CUSTOMERS [RHO] [SEED]"""
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    n = int(argv[1])
    rho = float(argv[2]) if len(argv) > 2 else 0.9
    rng = random.Random(int(argv[3]) if len(argv) > 3 else 1)
    stats = {"served": 0, "wait": 0.0}
    initialize()
    server = Resource(capacity=1)

    class Customer(Process):
        def visit(self):
            arrived = now()
            yield request, self, server
            stats["wait"] += now() - arrived
            yield hold, self, rng.expovariate(1.0)
            yield release, self, server
            stats["served"] += 1

    class Source(Process):
        def generate(self):
            for _ in range(n):
                c = Customer()
                activate(c, c.visit())
                yield hold, self, rng.expovariate(rho)

    t0 = time.process_time()
    src = Source()
    activate(src, src.generate())
    simulate(until=1e12)
    dt = time.process_time() - t0
    print("%.0f %.4f" % (stats["served"] / dt, stats["wait"] / stats["served"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
