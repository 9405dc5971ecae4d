#!/usr/bin/env bash
# Issue 18's shovel benchmark side by side: the same two queues on the same two local brokers — a durable
# queue on RabbitMQ filled with N persistent 1 KiB messages, and a durable queue on our broker — moved once by
# our shovel (running in our broker) and once by RabbitMQ's shovel plugin (running in RabbitMQ), both with
# ack-mode on-confirm, prefetch 1000 and src-delete-after queue-length. Times each from the parameter's PUT
# until the shovel has deleted itself, and prints messages per second.
#
# Usage: tools/bench/shovel.sh [MESSAGES] [RABBITMQ_AMQP_PORT] [RABBITMQ_MANAGEMENT_PORT]
#   RabbitMQ: ../shared/tools/rabbitmq-local.sh start 5682 15682, with
#   rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management.
#   BENCH_NO_BUILD=1 runs the Release builds that are there instead of building first.
set -euo pipefail

messages=${1:-100000}
rabbit_port=${2:-5682}
rabbit_api=http://127.0.0.1:${3:-15682}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$root/tools/bench/our-broker.sh"
src=shovel-bench-src-$$
dst=shovel-bench-dst-$$
our_pid=
cleanup() {
  curl -s -u guest:guest -X DELETE "$rabbit_api/api/queues/%2F/$src" >/dev/null || true
  if [ -n "$our_pid" ]; then kill "$our_pid" 2>/dev/null || true; wait "$our_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

build_release
dll=$(ls "$root"/src/AmqpBroker/bin/Release/net*/AmqpBroker.dll | head -1)
(cd "$work" && exec dotnet "$dll" --port 0 --management-port 0 --prometheus-port -1 --bind 127.0.0.1 --data-dir "$work/data") >"$work/broker.log" 2>&1 &
our_pid=$!
for _ in $(seq 1 1200); do
  grep -q '^AmqpBroker ready' "$work/broker.log" && break
  sleep 0.1
done
our_port=$(sed -n 's/^AmqpBroker ready: amqp:\/\/.*:\([0-9][0-9]*\) (.*/\1/p' "$work/broker.log")
our_api=$(sed -n 's/^AmqpBroker ready: .*management \(http:\/\/[^ ]*\)\/.*/\1/p' "$work/broker.log")
rabbit_uri=amqp://guest:guest@127.0.0.1:$rabbit_port
our_uri=amqp://guest:guest@127.0.0.1:$our_port

# run NAME API SRC_URI DEST_URI: fills the RabbitMQ queue, runs the shovel defined through API, prints the rate.
run() {
  local name=$1 api=$2 from=$3 to=$4
  loadgen --uri "$rabbit_uri/" --queue "$src" --keep-queue --durable --persistent --confirm --max-inflight 1000 \
    --size 1024 --consumers 0 --count "$messages" --duration 600 >"$work/fill.log" 2>&1
  curl -s -u guest:guest -X DELETE "$our_api/api/queues/%2F/$dst" >/dev/null || true
  local body="{\"value\":{\"src-uri\":\"$from\",\"src-queue\":\"$src\",\"src-delete-after\":\"queue-length\",\"dest-uri\":\"$to\",\"dest-queue\":\"$dst\",\"ack-mode\":\"on-confirm\",\"src-prefetch-count\":1000}}"
  local start end
  start=$(date +%s.%N)
  curl -sf -u guest:guest -X PUT -H 'content-type: application/json' -d "$body" "$api/api/parameters/shovel/%2F/$name" >/dev/null
  for _ in $(seq 1 6000); do
    curl -sf -u guest:guest "$api/api/parameters/shovel/%2F/$name" >/dev/null || break
    sleep 0.05
  done
  end=$(date +%s.%N)
  local moved
  moved=$(curl -s -u guest:guest "$our_api/api/queues/%2F/$dst" | sed -n 's/.*"messages":\([0-9]*\).*/\1/p')
  awk -v n="$name" -v m="$moved" -v s="$start" -v e="$end" 'BEGIN { printf "%-22s moved %s messages in %.2f s: %.0f msg/s\n", n, m, e - s, m / (e - s) }'
}

echo "$messages persistent 1 KiB messages, RabbitMQ queue $src -> our queue $dst, on-confirm, prefetch 1000"
run "our-shovel-$$" "$our_api" "$rabbit_uri" "amqp://"
run "rabbitmq-shovel-$$" "$rabbit_api" "amqp://" "$our_uri"
