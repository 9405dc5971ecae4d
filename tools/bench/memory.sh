#!/usr/bin/env bash
# Memory per queued message and recovery time, our broker next to RabbitMQ.
#   1. N transient 16-byte messages into a non-durable queue, 2. N persistent 16-byte messages into a durable
#   queue: the broker's resident memory (our process; RabbitMQ's beam.smp) before and after, as bytes/message.
#   Publishing uses confirms, so every message is in the queue when the count is taken. Our broker runs fresh
#   for each case (Release build, data on disk); RabbitMQ is the one already running, and its test queues are
#   deleted through its management API afterwards. Both are warmed up first with the same traffic through a
#   scratch queue that stays near empty (see warm_up), so the figure is the cost of the queued messages.
#   3. Recovery: our broker is stopped with its N persistent messages and started again on the same data and
#   port; a probe started beforehand reports when the queue answers with all N, timed from the process start.
#
# Usage: tools/bench/memory.sh [RABBITMQ_URI] [RABBITMQ_MANAGEMENT_URL]
#   defaults amqp://guest:guest@127.0.0.1:5682/ and http://127.0.0.1:15682 (rabbitmq-local.sh start 5682 15682)
#   MESSAGES=N (default 1000000); BROKERS=ours or BROKERS=rabbitmq measures one side only;
#   BENCH_NO_BUILD=1 runs the Release builds that are there.
set -euo pipefail

rabbit_uri=${1:-amqp://guest:guest@127.0.0.1:5682/}
rabbit_api=${2:-http://127.0.0.1:15682}
messages=${MESSAGES:-1000000}
brokers=${BROKERS:-both}
settle=5 # seconds for a broker to finish what the last confirms left behind before its memory is read
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$root/tools/bench/our-broker.sh"
trap 'stop_our_broker; rm -rf "$work"' EXIT

# fill URI QUEUE [--durable --persistent]: publishes $messages 16-byte messages with confirms and leaves them there.
fill() {
  local uri=$1 queue=$2
  shift 2
  loadgen --uri "$uri" --queue "$queue" --keep-queue --publishers 1 --consumers 0 --size 16 \
    --confirm --count "$messages" --duration 600 "$@" | grep -E '^  (sent|confirmed)'
}

# warm_up URI QUEUE [--durable --persistent]: 200,000 messages of the same shape through a scratch queue that a
# consumer keeps near empty, deleted afterwards. One-time costs (JIT, buffer pools, the GC's working budget) are
# then paid before the "before" reading, and no queue memory is left behind for the fill to reuse.
warm_up() {
  local uri=$1 queue=$2
  shift 2
  loadgen --uri "$uri" --queue "warm-$queue" --publishers 1 --consumers 1 --size 16 \
    --confirm --count 200000 --duration 600 "$@" >/dev/null
}

# report LABEL BEFORE_KIB AFTER_KIB
report() {
  awk -v label="$1" -v a="$2" -v b="$3" -v n="$messages" 'BEGIN {
    printf "%-34s RSS %8.1f -> %8.1f MiB   %6.0f bytes/message\n", label, a / 1024, b / 1024, (b - a) * 1024 / n
  }'
}

ours() {
  local label=$1 queue=$2
  shift 2
  start_our_broker "$work/data-$queue" "$work/broker-$queue.log"
  warm_up "amqp://guest:guest@127.0.0.1:$OUR_PORT/" "$queue" "$@"
  sleep "$settle"
  local before after
  before=$(rss_kib "$OUR_PID")
  fill "amqp://guest:guest@127.0.0.1:$OUR_PORT/" "$queue" "$@"
  sleep "$settle"
  after=$(rss_kib "$OUR_PID")
  report "ours, $label" "$before" "$after"
}

rabbitmq() {
  local label=$1 queue=$2
  shift 2
  local pid before after
  pid=$(pgrep -o -x beam.smp) || { echo "no beam.smp running: start RabbitMQ first" >&2; return 1; }
  warm_up "$rabbit_uri" "$queue" "$@"
  sleep "$settle"
  before=$(rss_kib "$pid")
  fill "$rabbit_uri" "$queue" "$@"
  sleep "$settle"
  after=$(rss_kib "$pid")
  curl -fsS -u guest:guest -X DELETE "$rabbit_api/api/queues/%2F/$queue" >/dev/null ||
    echo "warning: could not delete $queue from RabbitMQ" >&2
  report "rabbitmq, $label" "$before" "$after"
}

# recovery QUEUE: stops our broker (holding $messages persistent messages in QUEUE) and times its start.
recovery() {
  local queue=$1 port=$OUR_PORT
  stop_our_broker
  loadgen --uri "amqp://guest:guest@127.0.0.1:$port/" --queue "$queue" --await-messages "$messages" --duration 60 >"$work/probe.out" 2>&1 &
  local probe=$!
  sleep 1 # the probe's own start-up must not be timed
  local started
  started=$(date +%s%3N)
  start_our_broker "$work/data-$queue" "$work/broker-$queue-restart.log" "$port"
  local ready_ms=$(($(date +%s%3N) - started))
  local outcome
  if wait "$probe"; then
    outcome="all $messages counted after $(($(awk '/^reached-unix-ms/ { print $2 }' "$work/probe.out") - started)) ms"
  else
    outcome="NOT all counted: $(tail -1 "$work/probe.out")"
  fi
  local first
  first=$(awk '/^first-answer-unix-ms/ { print $2 " " $4 }' "$work/probe.out")
  echo "ours, recovery of $messages persistent messages: ready line after ${ready_ms} ms (read every 100 ms)," \
    "first answer after $((${first%% *} - started)) ms with ${first#* } messages, $outcome;" \
    "RSS then $(($(rss_kib "$OUR_PID") / 1024)) MiB"
}

build_release
echo "$messages messages of 16 bytes, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
if [ "$brokers" != rabbitmq ]; then
  ours "transient, non-durable queue" mem-transient
  stop_our_broker
fi
if [ "$brokers" != ours ]; then
  rabbitmq "transient, non-durable queue" mem-transient
fi
if [ "$brokers" != rabbitmq ]; then
  ours "persistent, durable queue" mem-durable --durable --persistent
  recovery mem-durable
  stop_our_broker
fi
if [ "$brokers" != ours ]; then
  rabbitmq "persistent, durable queue" mem-durable --durable --persistent
fi
