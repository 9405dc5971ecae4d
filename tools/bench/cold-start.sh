#!/usr/bin/env bash
# Start-up figures of the test broker: the executable from process start to its ready line (in memory, no
# admin API, as a CI job starts it), and the first in-process BrokerHost start of a fresh process.
#
# Usage: tools/bench/cold-start.sh [RUNS]    (default 10 runs of each; prints every run and the median)
#
# Every step runs under `timeout`; the broker processes it starts are stopped by their PIDs.
# BENCH_NO_BUILD=1 uses the Release builds that are there instead of building them first.
set -euo pipefail

runs=${1:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  for project in src/AmqpBroker tools/AmqpBroker.Benchmarks; do
    timeout 600 dotnet build "$root/$project" -c Release --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  done
fi
broker_dll=$(ls "$root"/src/AmqpBroker/bin/Release/net*/AmqpBroker.dll | head -1)
bench_dll=$(ls "$root"/tools/AmqpBroker.Benchmarks/bin/Release/net*/AmqpBroker.Benchmarks.dll | head -1)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ready_ms: milliseconds from launching the executable to its "AmqpBroker ready" line (at most 60 s).
ready_ms() {
  local log="$work/broker.log" start end pid
  : >"$log"
  start=$(date +%s%N)
  timeout 60 dotnet "$broker_dll" --port 0 --management-port -1 --prometheus-port -1 --in-memory --bind 127.0.0.1 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 30000); do
    grep -q '^AmqpBroker ready' "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.002
  done
  end=$(date +%s%N)
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo $(((end - start) / 1000000))
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for _ in $(seq 1 "$runs"); do ready_ms; done | tee "$work/ready" | sed 's/^/process start to ready line: /;s/$/ ms/'
echo "process start to ready line, median: $(median <"$work/ready") ms"

for _ in $(seq 1 "$runs"); do timeout 60 dotnet "$bench_dll" first-start; done | tee "$work/first" 
echo "first in-process start, median: $(sed 's/first start \([0-9.]*\) ms.*/\1/' "$work/first" | median) ms"
echo "warm in-process start, median: $(sed 's/.*warm start median \([0-9.]*\) ms.*/\1/' "$work/first" | median) ms"
