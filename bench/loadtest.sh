#!/usr/bin/env bash
# Server CPU per egress packet under `osprey load-test` (issue 7): the server pinned to CPU 0, the
# load generator to CPU 1, after a warm-up round; the server's own CPU time (utime+stime from /proc) is read when the
# load test starts measuring (everyone joined, every track flowing) and when it stops, and divided
# by the packets the subscribers received in that window.
#
# Usage: bench/loadtest.sh <video-publishers> <audio-publishers> <subscribers> [duration, default 20s]
#                          [resolution, default high] [servers, default osprey]
#   servers: osprey, janus, or a comma-separated list (e.g. osprey,janus) measured alternately in one run,
#            ROUNDS times (env, default 1), each server warmed up once first. Janus is the Debian package's
#            janus with the VideoRoom plugin, driven by `osprey load-test --janus`; its media use this host's
#            first non-loopback IPv4 address (Janus gathers no candidates on loopback interfaces), which the
#            kernel delivers locally like loopback traffic.
# One JSON line per measurement on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/lib/java.sh"
osprey_find_jdk
vp=$1 ap=$2 subs=$3 duration=${4:-20s} resolution=${5:-high} servers=${6:-osprey}
rounds=${ROUNDS:-1}
port=$((20000 + RANDOM % 20000))
work=$(mktemp -d)
osprey_pid="" janus_pid=""
cleanup() {
  [ -n "$osprey_pid" ] && kill "$osprey_pid" 2>/dev/null || true
  [ -n "$janus_pid" ] && kill "$janus_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/bin/osprey" --version >/dev/null # builds the CLI if needed

start_osprey() {
  taskset -c 0 "$root/bin/osprey-server" --dev --bind 127.0.0.1 --config-body "port: $port
rtc:
  udp_port: $((port + 1))
  tcp_port: $((port + 2))" >"$work/server.log" 2>&1 &
  osprey_pid=$! # taskset and bin/osprey-server exec: this is the JVM itself
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
    sleep 0.5
  done
}

start_janus() {
  command -v janus >/dev/null || { echo "janus is not installed (apt-get install -y janus)" >&2; exit 1; }
  local dir="$work/janus" jport=$((port + 3))
  local media
  media=$(ip -4 -o addr show up scope global | awk '{split($4, a, "/"); print a[1]; exit}')
  local libs
  libs=$(sed -n 's/^[[:space:]]*plugins_folder[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' /etc/janus/janus.jcfg)
  libs=${libs:-/usr/lib/x86_64-linux-gnu/janus/plugins}
  mkdir -p "$dir/plugins" "$dir/transports" "$dir/none"
  # Janus loads every library in these folders: only the VideoRoom plugin and the HTTP transport
  ln -s "$libs/libjanus_videoroom.so" "$dir/plugins/"
  ln -s "$(dirname "$libs")/transports/libjanus_http.so" "$dir/transports/"
  cat >"$dir/janus.jcfg" <<EOF
general: {
  configs_folder = "$dir"
  plugins_folder = "$dir/plugins"
  transports_folder = "$dir/transports"
  events_folder = "$dir/none"
  loggers_folder = "$dir/none"
  debug_level = 3
}
media: {
  ipv6 = false
}
nat: {
  ice_enforce_list = "$media"
  ignore_mdns = true
}
EOF
  cat >"$dir/janus.transport.http.jcfg" <<EOF
general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = $jport
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
}
EOF
  printf 'general: {\n}\n' >"$dir/janus.plugin.videoroom.jcfg"
  taskset -c 0 janus -C "$dir/janus.jcfg" -F "$dir" >"$work/janus.log" 2>&1 &
  janus_pid=$!
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$jport/janus/info" >/dev/null 2>&1 && break
    sleep 0.1
  done
  janus_url="http://127.0.0.1:$jport/janus"
}

# the load-test flags that reach each server
target_args() {
  case $1 in
    osprey) echo "--url http://127.0.0.1:$port --api-key devkey --api-secret secret" ;;
    janus) echo "--janus $janus_url" ;;
  esac
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

warm_up() { # a first round warms the server up (for Osprey, JIT compilation would otherwise dominate its CPU time)
  # shellcheck disable=SC2046
  taskset -c 1 "$root/bin/osprey" load-test $(target_args "$1") --room warm-up --video-publishers "$vp" \
    --audio-publishers "$ap" --subscribers "$subs" --duration 20s --video-resolution "$resolution" \
    --num-per-second 20 --json >/dev/null 2>&1 || true
}

measure() {
  local server=$1 pid=$2
  rm -f "$work/result.json" "$work/progress.log"
  # shellcheck disable=SC2046
  taskset -c 1 "$root/bin/osprey" load-test $(target_args "$server") --video-publishers "$vp" --audio-publishers "$ap" \
    --subscribers "$subs" --duration "$duration" --video-resolution "$resolution" --num-per-second 20 --json \
    >"$work/result.json" 2>"$work/progress.log" &
  local load=$!
  until grep -q "^measuring" "$work/progress.log" 2>/dev/null; do sleep 0.1; kill -0 "$load" || break; done
  local t0 t1
  t0=$(ticks "$pid")
  until grep -q "^measured" "$work/progress.log" 2>/dev/null; do sleep 0.1; kill -0 "$load" || break; done
  t1=$(ticks "$pid")
  wait "$load" || true
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  python3 - "$work/result.json" "$t0" "$t1" "$hz" "$rss" "$vp" "$ap" "$subs" "$server" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t0, t1, hz, rss = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
cpu = (t1 - t0) / hz
pkts = r["packets"]
print(json.dumps({"server": sys.argv[9], "load": f"{sys.argv[6]}v+{sys.argv[7]}a -> {sys.argv[8]}",
  "serverCpuSeconds": round(cpu, 2), "seconds": r["seconds"], "serverCpuShare": round(cpu / r["seconds"], 3),
  "egressPackets": pkts, "egressPps": round(r["packetsPerSecond"]),
  "usPerEgressPacket": round(cpu * 1e6 / pkts, 2) if pkts else None,
  "lossPercent": r["lossPercent"], "latencyP50Ms": r["latencyP50Ms"], "latencyP99Ms": r["latencyP99Ms"],
  "firstFrameP50Ms": r["firstPacketP50Ms"], "tracks": f'{r["tracksReceived"]}/{r["tracksExpected"]}',
  "serverRssMiB": rss // 1024}), flush=True)
PY
}

for s in ${servers//,/ }; do
  case $s in
    osprey) start_osprey ;;
    janus) start_janus ;;
    *) echo "unknown server $s (osprey or janus)" >&2; exit 2 ;;
  esac
  warm_up "$s"
done
for _ in $(seq 1 "$rounds"); do
  for s in ${servers//,/ }; do
    case $s in
      osprey) measure osprey "$osprey_pid" ;;
      janus) measure janus "$janus_pid" ;;
    esac
  done
done
