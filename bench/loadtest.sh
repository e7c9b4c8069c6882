#!/usr/bin/env bash
# Server CPU per egress packet under `osprey load-test` (issue 7): the server pinned to CPU 0, the
# load generator to CPU 1, after a warm-up round; the server's own CPU time (utime+stime from /proc) is read when the
# load test starts measuring (everyone joined, every track flowing) and when it stops, and divided
# by the packets the subscribers received in that window.
#
# Usage: bench/loadtest.sh <video-publishers> <audio-publishers> <subscribers> [duration, default 20s]
#                          [resolution, default high] [servers, default osprey]
#   servers: a comma-separated list measured alternately in one run, ROUNDS times (env, default 1), each
#            server warmed up once first:
#            osprey    bin/osprey-server --dev
#            janus     the Debian package's janus with the VideoRoom plugin, driven by `osprey load-test --janus`;
#                      its media use this host's first non-loopback IPv4 address (Janus gathers no candidates on
#                      loopback interfaces), which the kernel delivers locally like loopback traffic. Janus's
#                      default threading (a thread per handle) unless JANUS_EVENT_LOOPS (env) is set.
#            janus:N   the same with `event_loops = N` (N shared event loops instead of a thread per handle);
#                      e.g. osprey,janus,janus:1 measures Osprey, Janus by default and Janus with one loop.
# Environment:
#   ROUNDS             measured rounds (default 1)
#   JANUS_EVENT_LOOPS  event_loops for plain `janus` (default: unset, Janus's thread per handle)
#   SERVER_JAVA_OPTS   extra JVM options for the Osprey server only (e.g. -Xlog:gc*:file=gc.log)
#   SERVER_JFR         a file: the Osprey server runs with a JFR recording (profile settings, allocation
#                      statistics every second, CPU time samples) dumped to this file when the script ends; each JSON line carries
#                      its window (windowStartMs/windowEndMs, epoch ms) for bench's JfrWindow to cut it
#   WARM_UP            warm-up duration (default 20s; 0 to skip the warm-up round)
#   LOAD_ARGS          extra flags for every `osprey load-test` (e.g. --loops 1)
#   LOG_DIR            keep the servers' logs and each measurement's load-test progress log there
# One JSON line per measurement on stdout, with the load average (/proc/loadavg) at its end, the load generator's
# own CPU share in the window (loadCpuShare, its process CPU time as it reports it; near 1.0 it is the limit) and the datagrams full UDP receive buffers dropped in the
# window (udpRcvbufDrops, from /proc/net/snmp, host-wide: the subscribers' sockets when the generator falls behind).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/lib/java.sh"
osprey_find_jdk
vp=$1 ap=$2 subs=$3 duration=${4:-20s} resolution=${5:-high} servers=${6:-osprey}
rounds=${ROUNDS:-1}
[ -z "${SERVER_JFR:-}" ] || SERVER_JFR=$(realpath -m "$SERVER_JFR")
warm=${WARM_UP:-20s}
base_port=$((20000 + RANDOM % 20000))
work=$(mktemp -d)
declare -A pid=() url=()
cleanup() {
  local s
  for s in "${!pid[@]}"; do
    if [ "$s" = osprey ] && [ -n "${SERVER_JFR:-}" ]; then
      jcmd "${pid[$s]}" JFR.dump name=osprey filename="$SERVER_JFR" >/dev/null 2>&1 \
        && echo "JFR recording: $SERVER_JFR" >&2 || echo "no JFR dump from the server" >&2
    fi
    kill "${pid[$s]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ -n "${LOG_DIR:-}" ]; then
    mkdir -p "$LOG_DIR" && cp "$work"/*.log "$LOG_DIR"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$root/bin/osprey" --version >/dev/null # builds the CLI if needed

start_osprey() {
  local port=$base_port opts=${SERVER_JAVA_OPTS:-}
  if [ -n "${SERVER_JFR:-}" ]; then
    # profile settings (execution samples every 10 ms), per-thread allocated bytes and heap usage every second,
    # and CPU time samples every 5 ms of a thread's CPU time (JDK 25, JEP 509: they see native code and system
    # calls, which execution samples do not)
    opts="$opts -XX:StartFlightRecording=name=osprey,settings=profile,jdk.ThreadAllocationStatistics#period=1s,jdk.GCHeapMemoryUsage#period=1s,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=5ms"
  fi
  OSPREY_JAVA_OPTS=$opts taskset -c 0 "$root/bin/osprey-server" --dev --bind 127.0.0.1 --config-body "port: $port
rtc:
  udp_port: $((port + 1))
  tcp_port: $((port + 2))" >"$work/server.log" 2>&1 &
  pid[osprey]=$! # taskset and bin/osprey-server exec: this is the JVM itself
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
    sleep 0.5
  done
  url[osprey]="--url http://127.0.0.1:$port --api-key devkey --api-secret secret"
}

start_janus() { # $1 = the server's name (janus or janus:N), $2 = its index in the list (for its port)
  command -v janus >/dev/null || { echo "janus is not installed (apt-get install -y janus)" >&2; exit 1; }
  local name=$1 dir="$work/janus$2" jport=$((base_port + 10 + $2)) loops=${JANUS_EVENT_LOOPS:-}
  case $name in janus:*) loops=${name#janus:} ;; esac
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
${loops:+  event_loops = $loops}
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
  taskset -c 0 janus -C "$dir/janus.jcfg" -F "$dir" >"$work/janus$2.log" 2>&1 &
  pid[$name]=$!
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$jport/janus/info" >/dev/null 2>&1 && break
    sleep 0.1
  done
  url[$name]="--janus http://127.0.0.1:$jport/janus"
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
load_test() { # $1 = server name, then extra flags
  local s=$1
  shift
  # shellcheck disable=SC2086
  taskset -c 1 "$root/bin/osprey" load-test ${url[$s]} --video-publishers "$vp" --audio-publishers "$ap" \
    --subscribers "$subs" --video-resolution "$resolution" --num-per-second 20 --json ${LOAD_ARGS:-} "$@"
}

warm_up() { # a first round warms the server up (for Osprey, JIT compilation would otherwise dominate its CPU time)
  [ "$warm" = 0 ] || load_test "$1" --room warm-up --duration "$warm" >/dev/null 2>&1 || true
}

udp_drops() { awk '/^Udp: [0-9]/ {print $6}' /proc/net/snmp; } # RcvbufErrors: datagrams a full socket buffer dropped

measure() {
  local server=$1 p=${pid[$1]}
  rm -f "$work/result.json" "$work/progress.log"
  load_test "$server" --duration "$duration" >"$work/result.json" 2>"$work/progress.log" &
  local load=$!
  until grep -q "^measuring" "$work/progress.log" 2>/dev/null; do sleep 0.1; kill -0 "$load" 2>/dev/null || break; done
  local t0 t1 d0 d1 w0 w1
  t0=$(ticks "$p") d0=$(udp_drops) w0=$(date +%s%3N)
  until grep -q "^measured" "$work/progress.log" 2>/dev/null; do sleep 0.1; kill -0 "$load" 2>/dev/null || break; done
  t1=$(ticks "$p") d1=$(udp_drops) w1=$(date +%s%3N)
  local rss threads # at the window's end, everyone still in
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$p/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$p/status")
  wait "$load" || true
  measured=$((measured + 1))
  cp "$work/progress.log" "$work/load-$measured-${server//:/}.log"
  R=$work/result.json T0=$t0 T1=$t1 D0=$d0 D1=$d1 HZ=$hz RSS=$rss THREADS=$threads VP=$vp AP=$ap \
    SUBS=$subs SERVER=$server RES=$resolution W0=$w0 W1=$w1 LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)" python3 - <<'PY'
import json, os
e = os.environ
r = json.load(open(e["R"]))
hz = int(e["HZ"])
cpu = (int(e["T1"]) - int(e["T0"])) / hz
pkts = r["packets"]
print(json.dumps({"server": e["SERVER"], "load": f'{e["VP"]}v+{e["AP"]}a -> {e["SUBS"]}',
  "videoPublishers": int(e["VP"]), "audioPublishers": int(e["AP"]), "subscribers": int(e["SUBS"]),
  "resolution": e["RES"],
  "serverCpuSeconds": round(cpu, 2), "seconds": r["seconds"], "serverCpuShare": round(cpu / r["seconds"], 3),
  "egressPackets": pkts, "egressPps": round(r["packetsPerSecond"]), "mbps": r["mbps"],
  "usPerEgressPacket": round(cpu * 1e6 / pkts, 2) if pkts else None,
  "lossPercent": r["lossPercent"], "latencyP50Ms": r["latencyP50Ms"], "latencyP99Ms": r["latencyP99Ms"],
  "firstFrameP50Ms": r["firstPacketP50Ms"], "tracks": f'{r["tracksReceived"]}/{r["tracksExpected"]}',
  "joined": f'{r["joined"]}/{r["participants"]}',
  "loadCpuShare": round(r["cpuSeconds"] / r["seconds"], 3) if r.get("cpuSeconds") is not None else None, "udpRcvbufDrops": int(e["D1"]) - int(e["D0"]),
  "serverRssMiB": int(e["RSS"]) // 1024, "serverThreads": int(e["THREADS"]),
  "windowStartMs": int(e["W0"]), "windowEndMs": int(e["W1"]), "loadavg": e["LOADAVG"]}), flush=True)
PY
}

i=0 measured=0
for s in ${servers//,/ }; do
  case $s in
    osprey) start_osprey ;;
    janus | janus:[0-9]*) start_janus "$s" "$i" ;;
    *) echo "unknown server $s (osprey, janus or janus:N)" >&2; exit 2 ;;
  esac
  i=$((i + 1))
  warm_up "$s"
done
for _ in $(seq 1 "$rounds"); do
  for s in ${servers//,/ }; do
    measure "$s"
  done
done
