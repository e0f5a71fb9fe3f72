#!/bin/sh
# bench_sse.sh BUILD [BASE_CAUCUS]: the "Live server: event-stream fan-out" section of
# bench/RESULTS.md: bench/bench_sse.py with SSE_CLIENTS idle streams (default 10,000), SSE_RUNS
# runs (default 3) of this build and, when given, of BASE_CAUCUS (a caucus binary of an earlier
# commit), alternating.
set -u
B=${1:-build}
BASE=${2:-}
N=${SSE_CLIENTS:-10000}
RUNS=${SSE_RUNS:-3}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat << EOT
## Live server: event-stream fan-out

\`bench/bench_sse.py\` (run by \`bench/bench_sse.sh\`): $N idle Server-Sent Events clients on loopback
spread over the 16 seats of the policy TTX sample; control adds 7 injects, alternating one for the
whole alliance (14 seats) and a USA-only NOFORN one (7 seats), and every client's deliveries are
checked against its seat's label rights (missed, leaked to a seat not given it, in another seat's
frame, twice) and against \`GET /api/items/ID\` for every seat. Latency: from sending the POST to the
delivery's arrival on each entitled client's socket, stamped by the kernel (SO_TIMESTAMPNS), so the
one Python client reading $N sockets in turn does not count its own reading time. The client shares
the machine's cores with the server, and reading 8,750 sockets costs it about as much CPU as the server's
fan-out: after each POST it stays off the CPU until the server's CPU time stops growing (20 ms
with less than 1 ms of it), then reads what arrived (\`--reading-client\` reads during the fan-out instead).
Server CPU: the CPU time of all the server's threads (/proc, schedstat) from each POST until its
deliveries were read, over the deliveries; it does not depend on what else runs on the machine,
the latencies do. Memory: the server's RSS with the clients idle minus its RSS
before they connected, per client. Control actions/s: sequential notes, each committed (SQLite,
FULL) before the answer, with the $N streams open. Targets: p99 under 100 ms, under 32 KiB per idle
client. bench_sse.py raises its own and the server's open-file limit to N + 512 (within the hard
limit) and gives the server \`--max-conns\`.
$RUNS runs per build, alternating; "before" is \`BENCH_BASE\`. This machine is shared: other jobs
use its 2 cores meanwhile, so latencies vary from run to run; medians below the rows.

| build | clients | injects | deliveries | missed | wrong (leaked, other seat, twice) | fan-out p50 ms | p99 ms | max ms | alliance rounds p50 / p99 ms | USA-only rounds p50 / p99 ms | KiB per idle client | control actions/s | server CPU µs per delivery | server / client CPU ms per alliance round |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
EOT
bins="new"
[ -n "$BASE" ] && [ -x "$BASE" ] && bins="new base"
i=0
while [ $i -lt "$RUNS" ]; do
  for b in $bins; do
    bin="$B/caucus"
    name="this build"
    [ $b = base ] && bin="$BASE" && name="before (BENCH_BASE)"
    row=$(python3 bench/bench_sse.py "$bin" "$N" 7 --row 2> "$W/err") || row="$row (failed: $(tail -c 300 "$W/err"))"
    echo "| $name $row"
    echo "$b $row" >> "$W/rows"
  done
  i=$((i + 1))
done
echo
# medians per build of p50 (field 7), p99 (8), KiB per client (12), actions/s (13) and server CPU
# per delivery (14) of "b | N | ..."
for b in $bins; do
  name="this build"
  [ $b = base ] && name="before"
  grep "^$b " "$W/rows" | awk -F'|' -v n="$name" '
    function med(v, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return v[int((k + 1) / 2)] }
    { p50[NR] = $7 + 0; p99[NR] = $8 + 0; kib[NR] = $12 + 0; act[NR] = $13 + 0; cpu[NR] = $14 + 0 }
    END { if (NR) printf "%s, medians of %d runs: fan-out p50 %.1f ms, p99 %.1f ms, %.1f KiB per idle client, %.0f control actions/s, server CPU %.1f µs per delivery.\n",
      n, NR, med(p50, NR), med(p99, NR), med(kib, NR), med(act, NR), med(cpu, NR) }'
done
