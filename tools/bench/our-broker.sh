# Sourced by the benchmark scripts: builds and runs our broker and the load generator from Release builds.
# Needs $root (the repository) and $work (a scratch directory the caller removes).

# build_release: the broker and the load generator; BENCH_NO_BUILD=1 uses the builds that are there.
build_release() {
  if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
    return 0
  fi
  local project
  for project in "$root/src/AmqpBroker" "$root/tools/AmqpBroker.LoadGen"; do
    timeout 600 dotnet build "$project" -c Release --nologo -v quiet >"$work/build.log" 2>&1 || {
      cat "$work/build.log" >&2
      echo "build of $project failed" >&2
      return 1
    }
  done
}

# loadgen ARGS...: the load generator's Release build, bounded in time like everything else here.
loadgen() {
  timeout --kill-after=10 "${LOADGEN_LIMIT:-900}" dotnet "$root"/tools/AmqpBroker.LoadGen/bin/Release/net*/AmqpBroker.LoadGen.dll "$@"
}

# start_our_broker DATA_DIR LOG [PORT]: runs the broker on 127.0.0.1 (port 0 = ephemeral) with its data on disk
# (DATA_DIR "" keeps it in memory), waits up to 120 s for its ready line and sets OUR_PID (the broker process itself:
# `dotnet x.dll` hosts the app in-process) and OUR_PORT. OUR_BUILD names another checkout's Release build to run
# (tools/bench/builds.sh); builds from before the --prometheus-port option get only --management-port.
start_our_broker() {
  local build=${OUR_BUILD:-$root} dll args
  dll=$(ls "$build"/src/AmqpBroker/bin/Release/net*/AmqpBroker.dll | head -1)
  args=(--port "${3:-0}" --management-port -1 --bind 127.0.0.1)
  grep -rqs -- '"--prometheus-port"' "$build/src/AmqpBroker" && args+=(--prometheus-port -1)
  [ -n "$1" ] && args+=(--data-dir "$1")
  (cd "$work" && exec dotnet "$dll" "${args[@]}") >"$2" 2>&1 &
  OUR_PID=$!
  OUR_PORT=
  local _
  for _ in $(seq 1 1200); do
    OUR_PORT=$(sed -n 's/^AmqpBroker ready: amqp:\/\/.*:\([0-9][0-9]*\) (.*/\1/p' "$2")
    if [ -n "$OUR_PORT" ]; then
      return 0
    fi
    if ! kill -0 "$OUR_PID" 2>/dev/null; then
      cat "$2" >&2
      echo "our broker exited before it was ready" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "our broker printed no ready line within 120 s" >&2
  kill -9 "$OUR_PID"
  return 1
}

# stop_our_broker: SIGTERM, and SIGKILL if it is still there 20 s later.
stop_our_broker() {
  [ -n "${OUR_PID:-}" ] || return 0
  kill -TERM "$OUR_PID" 2>/dev/null || true
  local _
  for _ in $(seq 1 200); do
    kill -0 "$OUR_PID" 2>/dev/null || { wait "$OUR_PID" 2>/dev/null || true; OUR_PID=; return 0; }
    sleep 0.1
  done
  kill -9 "$OUR_PID" 2>/dev/null || true
  wait "$OUR_PID" 2>/dev/null || true
  OUR_PID=
}

# rss_kib PID: resident set size of a process in KiB.
rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
