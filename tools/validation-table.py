#!/usr/bin/env python3
"""Turns a `caucus sim --csv` file into the day-by-day table of docs/validation.md: for each
consultation, the time from its request to the end of its convene stage (or, without one, of its
decide stage) as median, p10 and p90 in hours (a replication where it had not ended when the run
did counts as later than any), the share of replications ending within each of the hours given
after the request (default 12, 24, 48, 96, 144 and 192), and the share ending on each local day of
the exercise zone, with the clock times by which 10%, 50% and 90% of that day's ones had ended. The
request times come from the event log of one replication (`caucus sim ... --log-rep 0`): they are
fixed in the validation pack, so one log gives them all.

Usage: validation-table.py SCENARIO.yaml SIM.csv REP0.jsonl [H,H,...]"""
import csv
import datetime
import json
import sys
import zoneinfo

import yaml


def quantile(sorted_values, q):
    """The order statistic of rank floor(q (n - 1)), as a reader would count it."""
    return sorted_values[int(q * (len(sorted_values) - 1))]


def clock(hours):
    minutes = round(hours * 60)
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def main(scenario_path, csv_path, log_path, within="12,24,48,96,144,192"):
    exercise = yaml.safe_load(open(scenario_path, encoding="utf-8"))["exercise"]
    zone = zoneinfo.ZoneInfo(exercise.get("zone", "UTC"))
    start = exercise["start"]  # PyYAML reads an RFC 3339 time as a datetime
    if not isinstance(start, datetime.datetime):
        start = datetime.datetime.fromisoformat(str(start))
    requested = {}
    for line in open(log_path, encoding="utf-8"):
        event = json.loads(line)
        if event["type"] == "consult.request":
            requested[event["payload"]["consultation"]] = event["t"] / 3600000.0
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    for cid, at in requested.items():
        metric = None
        for kind in ("convene", "decide"):
            name = "%s: request to end of %s (h)" % (cid, kind)
            if name in rows[0] and any(r[name] for r in rows):
                metric = name
                break
        if not metric:
            continue
        when = start + datetime.timedelta(hours=at)
        print("%s, requested %s; %s" % (cid, when.astimezone(zone).strftime("%a %d %b %H:%M"), metric))
        values, days, late = [], {}, 0
        for r in rows:
            if r[metric] == "":
                continue
            if r[metric + " [censored]"] == "1":
                late += 1
                values.append(float("inf"))
                continue
            v = float(r[metric])
            values.append(v)
            local = (start + datetime.timedelta(hours=at + v)).astimezone(zone)
            days.setdefault(local.date(), []).append(local.hour + local.minute / 60.0)
        values.sort()
        n = len(values)
        print("  n %d, median %.2f h, p10 %.2f h, p90 %.2f h" % (
            n, quantile(values, 0.5), quantile(values, 0.1), quantile(values, 0.9)))
        print("  within " + ", ".join("%g h %.1f%%" % (float(h), 100.0 * sum(v <= float(h) for v in values) / n)
                                      for h in within.split(",")))
        for day in sorted(days):
            times = sorted(days[day])
            print("  %s %6.1f%%  (%d runs; 10%% by %s, 50%% by %s, 90%% by %s)" % (
                day.strftime("%a %d %b"), 100.0 * len(times) / n, len(times),
                clock(quantile(times, 0.1)), clock(quantile(times, 0.5)), clock(quantile(times, 0.9))))
        if late:
            print("  not by the end %5.1f%%  (%d runs)" % (100.0 * late / n, late))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
