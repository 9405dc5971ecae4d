#!/usr/bin/env bash
# Packs the NuGet packages, installs the amqp-broker .NET tool from that folder into a temporary tool path,
# starts it on a free port and has pika publish and get one message. Exit 0 when all of that works.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
dotnet pack AmqpBroker.sln -c Release -o "$work/packages" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
version=$(ls "$work/packages" | sed -nE 's/^amqp-broker\.(.+)\.nupkg$/\1/p')
# A package folder of its own, so that a cached package of the same version cannot stand in for this build.
NUGET_PACKAGES="$work/nuget" dotnet tool install amqp-broker --add-source "$work/packages" --tool-path "$work/tool" --version "$version" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; exit 1; }
"$work/tool/amqp-broker" --port 0 --management-port -1 --prometheus-port -1 --bind 127.0.0.1 --in-memory >"$work/broker.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q 'Server startup complete' "$work/broker.log" && break; sleep 0.1; done
port=$(sed -nE 's/^AmqpBroker ready: amqp:\/\/127\.0\.0\.1:([0-9]+).*/\1/p' "$work/broker.log")
[ -n "$port" ] || { echo "the tool did not become ready:"; cat "$work/broker.log"; exit 1; }
/usr/bin/python3 - "$port" <<'PY'
import sys, time, pika
connection = pika.BlockingConnection(pika.ConnectionParameters('127.0.0.1', int(sys.argv[1])))
channel = connection.channel()
queue = channel.queue_declare('', exclusive=True).method.queue
channel.basic_publish('', queue, b'from the packed tool')
deadline = time.time() + 10
while time.time() < deadline:
    _, _, body = channel.basic_get(queue, auto_ack=True)
    if body is not None:
        break
    time.sleep(0.05)
connection.close()
assert body == b'from the packed tool', body
PY
echo "amqp-broker $version: packed, installed as a tool, started on port $port, served pika"
