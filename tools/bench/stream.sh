#!/usr/bin/env bash
# Issue 13's stream benchmark: 1 publisher with confirms (1000 unconfirmed at most), no consumer, 1 KiB persistent
# messages, into a stream and into a durable classic queue, alternated ROUNDS times on our broker (Release build,
# data on disk) and on RabbitMQ, with the raw-frame generator. Prints every confirmed rate, then per broker the
# mean stream/classic ratio, and ours/RabbitMQ per queue type.
#
# Runs are short and start after a `sync`: at ~770k msg/s our broker fills the kernel's dirty-page allowance
# (vm.dirty_ratio of RAM, ~5 GB on a 24 GiB machine) in about 6 s, after which every queue type is held to what the
# disk writes back (~250k msg/s here), and a longer run's average mostly says when that happened.
#
# A fresh broker reaches its full rate only once the JIT's tiers have settled: with the broker on one core that took
# about 10 s of this load (the first runs measured 0.4x the later ones; with DOTNET_TieredCompilation=0 there was no
# ramp). So both brokers first take three uncounted warm-up runs per queue type, and the rounds alternate which type
# goes first.
#
# Usage: tools/bench/stream.sh [RABBITMQ_URI]   (default amqp://guest:guest@127.0.0.1:5682/)
#   DURATION=S (default 4) per run, ROUNDS=N (default 4); BENCH_NO_BUILD=1 runs the Release builds that are there.
set -euo pipefail

rabbit_uri=${1:-amqp://guest:guest@127.0.0.1:5682/}
duration=${DURATION:-4}
rounds=${ROUNDS:-4}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$root/tools/bench/our-broker.sh"
trap 'stop_our_broker; rm -rf "$work"' EXIT
export LOADGEN_LIMIT=$((duration + 120))

build_release
start_our_broker "$work/data" "$work/broker.log"
our_uri="amqp://guest:guest@127.0.0.1:$OUR_PORT/"
echo "commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load at start:$(uptime | sed 's/.*load average://')"

# run SIDE SECONDS TYPE: one confirmed-publish run; prints its confirmed rate.
run() {
  local uri=$our_uri
  [ "$1" = rabbitmq ] && uri=$rabbit_uri
  sync
  # The load generator declares a queue of its own per run and deletes it at the end.
  loadgen --uri "$uri" --raw --duration "$2" --json --publishers 1 --consumers 0 --size 1024 --persistent \
    --durable --confirm --max-inflight 1000 --queue-type "$3" >"$work/run.out"
  grep '^{' "$work/run.out" | tail -1 | grep -o '"confirmRate":[0-9.]*' | cut -d: -f2
}

for side in ours rabbitmq; do
  for type in stream classic stream classic stream classic; do
    printf 'warm-up %s %s %.0f\n' "$side" "$type" "$(run "$side" "$duration" "$type")"
  done
done

for round in $(seq 1 "$rounds"); do
  order="stream classic"
  [ $((round % 2)) = 0 ] && order="classic stream"
  for type in $order; do
    for side in ours rabbitmq; do
      printf '%s %s %s %.0f\n' "$side" "$type" "$round" "$(run "$side" "$duration" "$type")" | tee -a "$work/rates.txt"
      sleep 2
    done
  done
done

awk '{ sum[$1 " " $2] += $4; n[$1 " " $2]++ }
     END {
       split("ours rabbitmq", sides, " ")
       for (i = 1; i <= 2; i++) {
         s = sides[i]; st = sum[s " stream"] / n[s " stream"]; cl = sum[s " classic"] / n[s " classic"]
         printf "%s: stream %.0f msg/s, durable classic %.0f msg/s, stream/classic %.2fx\n", s, st, cl, st / cl
       }
       printf "ours/RabbitMQ: stream %.1fx, durable classic %.1fx\n",
         (sum["ours stream"] / n["ours stream"]) / (sum["rabbitmq stream"] / n["rabbitmq stream"]),
         (sum["ours classic"] / n["ours classic"]) / (sum["rabbitmq classic"] / n["rabbitmq classic"])
     }' "$work/rates.txt"
echo "load at end:$(uptime | sed 's/.*load average://')"
