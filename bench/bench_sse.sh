#!/bin/sh
# bench_sse.sh BUILD [BASE_CAUCUS]: the "Live server: event-stream fan-out" section of
# bench/RESULTS.md: bench/bench_sse.py with SSE_CLIENTS idle streams (default 10,000), SSE_RUNS
# runs (default 3) of this build at each of SSE_THREADS (default "1 default": `--threads 1`, then
# no --threads, the server's default) and, when given, of BASE_CAUCUS (a caucus binary of an
# earlier commit, at its default), alternating: BASE, this build at each setting, BASE, ...
# Below the rows: medians per build and setting, and the ratios to BASE taken run by run.
set -u
B=${1:-build}
BASE=${2:-}
N=${SSE_CLIENTS:-10000}
RUNS=${SSE_RUNS:-3}
THREADS=${SSE_THREADS:-1 default}
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
the latencies do. Server syscalls: the system calls of all the server's threads from the first
POST to the last round's deliveries (\`perf stat -e raw_syscalls:sys_enter\`, counting), over the
deliveries. Memory: the server's RSS with the clients idle minus its RSS
before they connected, per client. Control actions/s: sequential notes, each committed (SQLite,
FULL) before the answer, with the $N streams open. Targets: p99 under 100 ms, under 32 KiB per idle
client. bench_sse.py raises its own and the server's open-file limit to N + 512 (within the hard
limit) and gives the server \`--max-conns\`.
$RUNS runs per build, alternating; "before" is \`BENCH_BASE\` at its default threads, this build runs at
each of SSE_THREADS ($THREADS; "default": no \`--threads\`, the online CPUs, at most 4). This machine
is shared: other jobs use its 2 cores meanwhile, so latencies vary from run to run; medians below the rows.

| build | clients | injects | deliveries | missed | wrong (leaked, other seat, twice) | fan-out p50 ms | p99 ms | max ms | alliance rounds p50 / p99 ms | USA-only rounds p50 / p99 ms | KiB per idle client | control actions/s | server CPU µs per delivery | server / client CPU ms per alliance round | server syscalls per delivery |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
EOT
bins=""
[ -n "$BASE" ] && [ -x "$BASE" ] && bins="base"
for t in $THREADS; do bins="$bins new$t"; done
i=0
while [ $i -lt "$RUNS" ]; do
  for b in $bins; do
    bin="$B/caucus"
    opt=""
    case $b in
      base) bin="$BASE" name="before (BENCH_BASE), its default threads" ;;
      newdefault) name="this build, default threads ($(nproc 2> /dev/null || echo ?) CPUs, at most 4)" ;;
      new*) opt="--threads ${b#new}" name="this build, --threads ${b#new}" ;;
    esac
    # shellcheck disable=SC2086 # $opt is empty or two words
    row=$(python3 bench/bench_sse.py "$bin" "$N" 7 --row $opt 2> "$W/err") || row="$row (failed: $(tail -c 300 "$W/err"))"
    echo "| $name $row"
    echo "$b $i $row" >> "$W/rows"
  done
  i=$((i + 1))
done
echo
# fields of "b i | N | ...": p50 (7), p99 (8), KiB per client (12), actions/s (13), server CPU per
# delivery (14), server syscalls per delivery (16)
for b in $bins; do
  awk -F'|' -v b="$b" -v t="$(nproc 2> /dev/null || echo ?)" '
    function med(v, k,   i, j, x) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
      return v[int((k + 1) / 2)] }
    { split($1, h, " ") }
    h[1] == "base" { bp99[h[2]] = $8 + 0; bcpu[h[2]] = $14 + 0; bsys[h[2]] = $16 + 0 }
    h[1] == b { n++; p50[n] = $7 + 0; p99[n] = $8 + 0; kib[n] = $12 + 0; act[n] = $13 + 0; cpu[n] = $14 + 0; sys[n] = $16 + 0
      run[n] = h[2] }
    END {
      if (!n) exit
      name = b == "base" ? "before" : b == "newdefault" ? "this build, default threads" : "this build, --threads " substr(b, 4)
      for (i = 1; i <= n; i++) { r = run[i]; if (b != "base" && (r in bcpu) && bcpu[r] > 0) { m++; rp[m] = p99[i] / bp99[r]; rc[m] = cpu[i] / bcpu[r]; if (bsys[r] > 0) { q++; rs[q] = sys[i] / bsys[r] } } }
      printf "%s, medians of %d runs: fan-out p50 %.1f ms, p99 %.1f ms, %.1f KiB per idle client, %.0f control actions/s, server CPU %.1f µs and %.2f syscalls per delivery", name, n, med(p50, n), med(p99, n), med(kib, n), med(act, n), med(cpu, n), med(sys, n)
      if (m) printf "; paired with before, run by run: p99 %.2fx, CPU per delivery %.2fx", med(rp, m), med(rc, m)
      if (q) printf ", syscalls per delivery %.2fx", med(rs, q)
      printf ".\n" }' "$W/rows"
done
