#!/usr/bin/env bash
# Compares builds of our broker side by side: checks each REV out into a scratch worktree, builds its Release broker,
# starts them all (in memory, or with DATA=1 on disk), and runs one raw-frame load scenario against each in turn,
# ROUNDS times, the order reversed every other round, after two uncounted warm-up runs each (a fresh broker runs
# slower until the JIT's tiers have settled). Prints every run's rate and the broker's CPU per message sent, then per
# build the means and their ratio to the first build's.
#
# Usage: tools/bench/builds.sh REV [REV...] [-- loadgen options]   (default load: 1 publisher, 1 consumer, 16 B)
#   e.g. tools/bench/builds.sh 60a0328 HEAD
#        DATA=1 METRIC=confirmRate tools/bench/builds.sh 60a0328 HEAD -- --scenario persistent-confirms
#   ROUNDS=N (default 5), DURATION=S per run (default 5), METRIC=consumeRate|confirmRate|publishRate (default
#   consumeRate); the load generator is this checkout's.
set -euo pipefail

revs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do revs+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
load=("$@")
[ ${#load[@]} -gt 0 ] || load=(--publishers 1 --consumers 1 --size 16)
if [ ${#revs[@]} -lt 1 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
rounds=${ROUNDS:-5}
duration=${DURATION:-5}
metric=${METRIC:-consumeRate}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$root/tools/bench/our-broker.sh"
declare -a pids=() ports=() builds=()

cleanup() {
  for OUR_PID in "${pids[@]}"; do stop_our_broker; done
  for build in "${builds[@]}"; do git -C "$root" worktree remove --force "$build" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export LOADGEN_LIMIT=$((duration + 120))

build_release
for i in "${!revs[@]}"; do
  build="$work/build-$i"
  git -C "$root" worktree add --detach --quiet "$build" "${revs[i]}"
  builds+=("$build")
  timeout 900 dotnet build "$build/src/AmqpBroker" -c Release --nologo -v quiet >"$work/build-$i.log" 2>&1 || {
    cat "$work/build-$i.log" >&2
    exit 1
  }
  data=""
  [ "${DATA:-0}" = 1 ] && data="$work/data-$i"
  OUR_BUILD=$build start_our_broker "$data" "$work/broker-$i.log"
  pids+=("$OUR_PID")
  ports+=("$OUR_PORT")
done
echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load at start:$(uptime | sed 's/.*load average://')"

# run I: one load run against build I; prints its rate and the broker's CPU microseconds per message sent.
run() {
  local pid=${pids[$1]} before after summary rate sent
  before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  sync
  summary=$(loadgen --uri "amqp://guest:guest@127.0.0.1:${ports[$1]}/" --raw --duration "$duration" --json "${load[@]}" | grep '^{' | tail -1)
  after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  rate=$(grep -o "\"$metric\":[0-9.]*" <<<"$summary" | cut -d: -f2)
  sent=$(grep -o '"sent":[0-9]*' <<<"$summary" | cut -d: -f2)
  awk -v r="$rate" -v a="$before" -v b="$after" -v m="$sent" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f %.3f\n", r, (b - a) * 1e6 / hz / (m > 0 ? m : 1) }'
}

for _ in 1 2; do
  for i in "${!revs[@]}"; do run "$i" >/dev/null; done
done
order=("${!revs[@]}")
for round in $(seq 1 "$rounds"); do
  for i in "${order[@]}"; do
    echo "${revs[i]} $round $(run "$i")"
  done | tee -a "$work/rates.txt"
  order=($(printf '%s\n' "${order[@]}" | tac))
done

awk -v first="${revs[0]}" '
  { rate[$1] += $3; cpu[$1] += $4; n[$1]++; if (!($1 in seen)) { seen[$1] = 1; names[++k] = $1 } }
  END {
    for (i = 1; i <= k; i++) {
      b = names[i]
      printf "%s: %.0f msg/s, %.3f us broker CPU per message; rate %.2fx, CPU %.2fx the %s build\n",
        b, rate[b] / n[b], cpu[b] / n[b], (rate[b] / n[b]) / (rate[first] / n[first]), (cpu[b] / n[b]) / (cpu[first] / n[first]), first
    }
  }' "$work/rates.txt"
echo "load at end:$(uptime | sed 's/.*load average://')"
