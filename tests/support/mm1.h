/* mm1 — test support: the M/M/1 queue as a scenario (docs/scenario-format.md, "Capacity"), for
 * tests/test_engine_capacity.c and bench/bench_mm1_engine.c. */
#ifndef CC_TEST_MM1_H
#define CC_TEST_MM1_H

#include <stdio.h>

/* Writes to f a scenario of `customers` requests from a front office to one desk of one clerk
 * (capacity 1): the first at +0s, each next one released an exponential time of mean
 * interarrival_s seconds after the one before; the clerk acknowledges each after an exponential
 * time of mean service_s seconds. 0 ok, -1 when writing failed. */
int mm1_write(FILE *f, long customers, double interarrival_s, double service_s);

#endif
