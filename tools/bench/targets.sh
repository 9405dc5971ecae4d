#!/usr/bin/env bash
# Issue 15's target table in one interleaved run, our broker next to RabbitMQ, raw-frame generator throughout:
#   64 KiB 1p/1c no-ack (MB/s consumed), 1 KiB persistent + confirms 1p/1c (consumed msg/s, p99), 16 B 1p/1c no-ack,
#   16 B 4p/4c on 4 queues RUNS times each (spread of the consumed rate, backlog left at the end), and our RSS after a
#   10M-message backlog is drained and its queues deleted, against the idle RSS before it (ours only: RabbitMQ is
#   shared and is not filled with 10M messages).
#
# Usage: tools/bench/targets.sh [RABBITMQ_URI]   (default amqp://guest:guest@127.0.0.1:5682/)
#   DURATION=S (default 8) per run, RUNS=N (default 10) for 4p/4c, BACKLOG=N (default 10000000),
#   BENCH_NO_BUILD=1 runs the Release builds that are there. Our broker runs fresh (Release, data on disk).
set -euo pipefail

rabbit_uri=${1:-amqp://guest:guest@127.0.0.1:5682/}
duration=${DURATION:-8}
runs=${RUNS:-10}
backlog=${BACKLOG:-10000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$root/tools/bench/our-broker.sh"
trap 'stop_our_broker; rm -rf "$work"' EXIT
export LOADGEN_LIMIT=$((duration + 120))

# field FILE NAME: a number from the JSON summary line of a run's output.
field() { grep '^{' "$1" | tail -1 | grep -o "\"$2\":[0-9.]*" | cut -d: -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'; }

# pair LABEL ARGS...: the same scenario on ours, then on RabbitMQ; leaves ours.out and rmq.out.
pair() {
  local label=$1
  shift
  loadgen --uri "$our_uri" --raw --duration "$duration" --json "$@" >"$work/$label-ours.out"
  sleep 2
  loadgen --uri "$rabbit_uri" --raw --duration "$duration" --json "$@" >"$work/$label-rmq.out"
  sleep 2
}

build_release
start_our_broker "$work/data" "$work/broker.log"
our_uri="amqp://guest:guest@127.0.0.1:$OUR_PORT/"
echo "commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load at start:$(uptime | sed 's/.*load average://')"

pair large --size 65536
o=$(field "$work/large-ours.out" consumeRate) r=$(field "$work/large-rmq.out" consumeRate)
printf "64 KiB 1p/1c no-ack, MB/s consumed: ours %.0f, RabbitMQ %.0f, %sx\n" "$(ratio "$o" 16)" "$(ratio "$r" 16)" "$(ratio "$o" "$r")"

pair persistent --scenario persistent-confirms
o=$(field "$work/persistent-ours.out" consumeRate) r=$(field "$work/persistent-rmq.out" consumeRate)
echo "1 KiB persistent + confirms 1p/1c, msg/s consumed: ours $o, RabbitMQ $r, $(ratio "$o" "$r")x;" \
  "p99 ours $(field "$work/persistent-ours.out" latencyP99Us) us, RabbitMQ $(field "$work/persistent-rmq.out" latencyP99Us) us"

pair small --size 16
o=$(field "$work/small-ours.out" consumeRate) r=$(field "$work/small-rmq.out" consumeRate)
echo "16 B 1p/1c no-ack, msg/s consumed: ours $o, RabbitMQ $r, $(ratio "$o" "$r")x"

for i in $(seq 1 "$runs"); do
  pair "fair$i" --size 16 --publishers 4 --consumers 4 --queues 4
  for side in ours rmq; do
    f=$work/fair$i-$side.out
    echo "$side $(field "$f" consumeRate) $(field "$f" publishRate) $(field "$f" sent) $(field "$f" received)" >>"$work/fair.txt"
  done
done
awk '{ c[$1] = c[$1] " " int($2) }
  $1 == "ours" { n++; sum += $2; if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2; if ($4 - $5 > lag) lag = $4 - $5 }
  $1 == "rmq" { rsum += $2; rn++ }
  END {
    printf "16 B 4p/4c on 4 queues, consumed msg/s per run: ours%s; RabbitMQ%s\n", c["ours"], c["rmq"]
    printf "  ours: mean %.0f, min/max %.2f (spread %.0f%%), largest backlog left at the end %d; mean ratio %.2fx\n",
      sum / n, min / max, (max - min) * 100 / max, lag, (sum / n) / (rsum / rn)
  }' "$work/fair.txt"

# The backlog: BACKLOG messages of 16 bytes over 4 queues, drained by 4 consumers, then the queues are deleted. The
# idle RSS is read just before, with the broker warmed up by the runs above.
sleep 5
idle_kib=$(rss_kib "$OUR_PID")
loadgen --uri "$our_uri" --raw --queue rss-backlog --queues 4 --keep-queue --publishers 4 --consumers 0 --size 16 \
  --count $((backlog / 4)) --duration 300 --json >"$work/fill.out"
peak_kib=$(rss_kib "$OUR_PID")
loadgen --uri "$our_uri" --raw --queue rss-backlog --queues 4 --publishers 0 --consumers 4 --duration 30 --json >"$work/drain.out"
sleep 5 # the memory reclaimer checks once a second
echo "RSS: idle $((idle_kib / 1024)) MiB, with the $(field "$work/fill.out" sent)-message backlog $((peak_kib / 1024)) MiB," \
  "after $(field "$work/drain.out" received) drained and the queues deleted $(($(rss_kib "$OUR_PID") / 1024)) MiB" \
  "($(ratio "$(rss_kib "$OUR_PID")" "$idle_kib")x idle)"
echo "load at end:$(uptime | sed 's/.*load average://')"
