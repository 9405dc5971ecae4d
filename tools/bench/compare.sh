#!/usr/bin/env bash
# Runs one load scenario against our broker and then against RabbitMQ, with each load generator (RabbitMQ.Client,
# then the raw-frame one; GENERATORS="client" or "raw" picks one), and prints every result with the ours/RabbitMQ
# ratio of each rate and latency.
#
# Usage: tools/bench/compare.sh OUR_URI RABBITMQ_URI [loadgen options...]
#   e.g. tools/bench/compare.sh amqp://guest:guest@127.0.0.1:5672/ amqp://guest:guest@127.0.0.1:5682/ --duration 15
#
# Every step runs under `timeout`, so the script ends by itself even if a broker hangs.
# BENCH_NO_BUILD=1 runs the load generator's Release build that is there instead of building it first.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
ours_uri=$1
rabbit_uri=$2
shift 2

duration=10
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --uri) echo "pass the URIs as the first two arguments, not with --uri" >&2; exit 2 ;;
    --duration) duration=${args[i + 1]:-10} ;;
  esac
done
if ! [[ $duration =~ ^[0-9]+$ ]]; then
  echo "--duration must be a whole number of seconds" >&2
  exit 2
fi
# The load generator's own backstop is 30 s of setup and 60 s of teardown around the window.
run_limit=$((duration + 105))
pause=3

root=$(cd "$(dirname "$0")/../.." && pwd)
project=$root/tools/AmqpBroker.LoadGen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  timeout 600 dotnet build "$project" -c Release --nologo -v quiet >"$work/build.log" 2>&1 || {
    cat "$work/build.log" >&2
    echo "load generator build failed" >&2
    exit 1
  }
fi

# run LABEL URI: prints the run as it goes and keeps its output for the table.
failed=0
run() {
  local label=$1 uri=$2
  shift 2
  echo "== $label: $uri ${args[*]} $*"
  if ! timeout --kill-after=10 "$run_limit" dotnet run -c Release --no-build --project "$project" -- \
    --uri "$uri" "${args[@]}" "$@" --json | tee "$work/$label.out"; then
    echo "== $label run failed" >&2
    failed=1
  fi
  echo
}

# Each generator runs against both brokers, one after the other: RabbitMQ.Client (what applications use) and the
# raw-frame generator (--raw: pre-encoded frames on bare sockets, so the broker rather than the client is measured).
generators=${GENERATORS:-client raw}
for generator in $generators; do
  extra=()
  [ "$generator" = raw ] && extra=(--raw)
  run "ours-$generator" "$ours_uri" "${extra[@]}"
  sleep "$pause" # let the first broker's backlog and the sockets wind down before the second run
  run "rabbitmq-$generator" "$rabbit_uri" "${extra[@]}"
  sleep "$pause"
done

# field LABEL NAME: a number from the run's JSON summary line, or empty if the run produced none.
field() {
  grep '^{' "$work/$1.out" 2>/dev/null | tail -1 | grep -o "\"$2\":[0-9.]*" | cut -d: -f2 || true
}

row() {
  local line generator ours rabbit
  line=$(printf "%-16s" "$1")
  for generator in $generators; do
    ours=$(field "ours-$generator" "$2")
    rabbit=$(field "rabbitmq-$generator" "$2")
    line+=$(awk -v a="${ours:-}" -v b="${rabbit:-}" 'BEGIN {
      ratio = (a != "" && b != "" && b + 0 > 0) ? sprintf("%.3g", a / b) : "-"
      printf " %12s %12s %8s", (a == "" ? "-" : a), (b == "" ? "-" : b), ratio
    }')
  done
  echo "$line"
}

header=$(printf "%-16s" "")
for generator in $generators; do header+=$(printf " %12s %12s %8s" "ours/$generator" "rmq/$generator" "ratio"); done
echo "$header"
row "publish msg/s" publishRate
if [[ " ${args[*]} " == *" --confirm "* || " ${args[*]} " == *" persistent-confirms "* ]]; then
  row "confirm msg/s" confirmRate
fi
row "consume msg/s" consumeRate
row "latency p50 us" latencyP50Us
row "latency p95 us" latencyP95Us
row "latency p99 us" latencyP99Us
row "latency max us" latencyMaxUs
exit "$failed"
