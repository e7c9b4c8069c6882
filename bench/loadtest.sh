#!/usr/bin/env bash
# Server CPU per egress packet under `osprey load-test` (issue 7): the server pinned to CPU 0, the
# load generator to CPU 1, after a warm-up round; the server's own CPU time (utime+stime from /proc) is read when the
# load test starts measuring (everyone joined, every track flowing) and when it stops, and divided
# by the packets the subscribers received in that window.
# Usage: bench/loadtest.sh <video-publishers> <audio-publishers> <subscribers> [duration, default 20s] [resolution, default high]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/lib/java.sh"
osprey_find_jdk
vp=$1 ap=$2 subs=$3 duration=${4:-20s} resolution=${5:-high}
port=$((20000 + RANDOM % 20000))
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/bin/osprey" --version >/dev/null # builds the CLI if needed
taskset -c 0 "$root/bin/osprey-server" --dev --bind 127.0.0.1 --config-body "port: $port
rtc:
  udp_port: $((port + 1))
  tcp_port: $((port + 2))" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.5
done
pid=$(pgrep -f -n "osprey-server.*--dev" || echo "$server")
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

# a first round warms the server up (JIT compilation would otherwise dominate its CPU time)
taskset -c 1 "$root/bin/osprey" load-test --url "http://127.0.0.1:$port" --api-key devkey --api-secret secret \
  --room warm-up --video-publishers "$vp" --audio-publishers "$ap" --subscribers "$subs" --duration 20s \
  --video-resolution "$resolution" --num-per-second 20 --json >/dev/null 2>&1 || true
taskset -c 1 "$root/bin/osprey" load-test --url "http://127.0.0.1:$port" --api-key devkey --api-secret secret \
  --video-publishers "$vp" --audio-publishers "$ap" --subscribers "$subs" --duration "$duration" \
  --video-resolution "$resolution" --num-per-second 20 --json >"$work/result.json" 2>"$work/progress.log" &
load=$!
until grep -q "^measuring" "$work/progress.log" 2>/dev/null; do sleep 0.1; kill -0 "$load" || break; done
t0=$(ticks)
until grep -q "^measured" "$work/progress.log" 2>/dev/null; do sleep 0.1; kill -0 "$load" || break; done
t1=$(ticks)
wait "$load" || true
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
python3 - "$work/result.json" "$t0" "$t1" "$hz" "$rss" "$vp" "$ap" "$subs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t0, t1, hz, rss = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
cpu = (t1 - t0) / hz
pkts = r["packets"]
print(json.dumps({"load": f"{sys.argv[6]}v+{sys.argv[7]}a -> {sys.argv[8]}", "serverCpuSeconds": round(cpu, 2),
  "seconds": r["seconds"], "serverCpuShare": round(cpu / r["seconds"], 3), "egressPackets": pkts,
  "egressPps": round(r["packetsPerSecond"]), "usPerEgressPacket": round(cpu * 1e6 / pkts, 2) if pkts else None,
  "lossPercent": r["lossPercent"], "latencyP50Ms": r["latencyP50Ms"], "latencyP99Ms": r["latencyP99Ms"],
  "firstFrameP50Ms": r["firstPacketP50Ms"], "tracks": f'{r["tracksReceived"]}/{r["tracksExpected"]}',
  "serverRssMiB": rss // 1024}))
PY
