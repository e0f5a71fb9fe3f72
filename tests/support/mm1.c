/* mm1 — see mm1.h. */
#include "mm1.h"

int mm1_write(FILE *f, long customers, double interarrival_s, double service_s)
{
    fprintf(f,
            "caucus: 1\nexercise: {id: mm1, title: One desk, start: 2026-01-05T00:00:00Z, duration: 3650d}\n"
            "label_policy: {id: p, classifications: [{name: PUBLIC, short: P}]}\n"
            "parties: [{id: OFFICE, name: Office, kind: organisation, zone: UTC}]\n"
            "seats:\n  - {id: front, party: OFFICE, role: Front office, clearance: PUBLIC}\n"
            "  - {id: desk, party: OFFICE, role: Desk, clearance: PUBLIC, agent: clerk, duty: watch, "
            "capacity: 1}\n"
            "agents:\n  - id: clerk\n    rules: [{on: inject, do: acknowledge, delay: {dist: exponential, "
            "mean: %.0fs}}]\n"
            "injects:\n",
            service_s);
    for (long i = 0; i < customers; i++) {
        fprintf(f, "  - {id: C-%ld, title: Request, label: PUBLIC, from: front, to: [desk], ", i);
        if (i == 0)
            fprintf(f, "at: +0s}\n");
        else
            fprintf(f, "trigger: {after: C-%ld, delay: {dist: exponential, mean: %.0fs}}}\n", i - 1,
                    interarrival_s);
    }
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
