#!/usr/bin/env bash
# Issue 5's benchmark side by side: 1 publisher with confirms (1000 unconfirmed at most), 1 consumer with
# manual acks (prefetch 1000), 1 KiB persistent messages to a durable queue, for a fixed time (the load
# generator's `--scenario persistent-confirms`). Starts our broker from a Release build on an ephemeral
# loopback port with a fresh data directory on disk (not --in-memory), runs the scenario against it and then
# against RabbitMQ through compare.sh, which prints the ratio, and stops our broker.
#
# Usage: tools/bench/persistent.sh [RABBITMQ_URI] [loadgen options...]
#   e.g. tools/bench/persistent.sh amqp://guest:guest@127.0.0.1:5682/ --duration 30
#   RabbitMQ: ../shared/tools/rabbitmq-local.sh start 5682 15682 (Debian's 3.10).
#   BENCH_NO_BUILD=1 runs the Release builds that are there instead of building first.
set -euo pipefail

rabbit_uri=${1:-amqp://guest:guest@127.0.0.1:5682/}
shift $(($# > 0 ? 1 : 0))
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$root/tools/bench/our-broker.sh"
trap 'stop_our_broker; rm -rf "$work"' EXIT

build_release
start_our_broker "$work/data" "$work/broker.log"
echo "our broker: pid $OUR_PID, port $OUR_PORT, data in $work/data"
BENCH_NO_BUILD=1 "$root/tools/bench/compare.sh" "amqp://guest:guest@127.0.0.1:$OUR_PORT/" "$rabbit_uri" \
  --scenario persistent-confirms "$@"
