#!/usr/bin/env bash
# Soak and flood test (never part of a build): a relay daemon and two peers as separate processes at
# -Xmx256m with PARANOID leak detection. The innocent pair exchanges checked data over relayed
# circuits while every attack of the hardening issue runs at once against the relay (ping flood,
# window hold with many streams, slowloris, garbage, reservation and connection floods, oversize
# frames). Reports the relay's heap, direct memory and threads after GC, LEAK lines, failed checks
# of the innocent peer, and whether SIGTERM stops the relay within 5 s with exit 0.
#   bash scripts/soak.sh [--minutes N]      (default 10; SKIP_BUILD=1 reuses the built jars)
# Output: target/soak/report.md and target/soak/report.json, plus each process's logs there.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    *) echo "usage: $0 [--minutes N]" >&2; exit 2 ;;
  esac
done
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  ./mvnw -B -q -o -pl benchmarks,relay-daemon -am package -DskipTests
fi
OUT=target/soak
rm -rf "$OUT" && mkdir -p "$OUT"
JVM=(-Xmx256m -Dio.netty.leakDetection.level=paranoid -Dorg.slf4j.simpleLogger.defaultLogLevel=info)
METRICS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Every process here shares 127.0.0.1, so the per-IP limits are raised to let the innocent peers in;
# the global limits (connections, reservations, circuits, accept rate) stay at their defaults.
java "${JVM[@]}" -jar relay-daemon/target/relay-daemon.jar --listen /ip4/127.0.0.1/tcp/0 \
  --identity "$OUT/relay.pem" --metrics "127.0.0.1:$METRICS_PORT" --allow-private-addrs \
  --max-inbound-per-ip 100000 --max-reservations-per-ip 100000 --drain-timeout 1s \
  > "$OUT/relay.out" 2> "$OUT/relay.err" &
RELAY_PID=$!; PIDS+=("$RELAY_PID")
wait_for() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for $2 in $1" >&2; cat "$1" "${1%.out}.err" >&2 || true; exit 1
}
wait_for "$OUT/relay.out" '"event":"listening"' 60
RELAY_ADDR=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["addrs"][0])' "$OUT/relay.out")

java "${JVM[@]}" -cp benchmarks/target/benchmarks.jar io.peerlink.benchmarks.soak.SoakBenchmark \
  serve --relay "$RELAY_ADDR" > "$OUT/server.out" 2> "$OUT/server.err" &
PIDS+=("$!")
wait_for "$OUT/server.out" '"event":"reserved"' 60
TARGET=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["addrs"][0])' "$OUT/server.out")

echo "soak: relay $RELAY_ADDR, innocent server $TARGET, $MINUTES minute(s)"
java "${JVM[@]}" -cp benchmarks/target/benchmarks.jar io.peerlink.benchmarks.soak.SoakBenchmark \
  drive --relay "$RELAY_ADDR" --target "$TARGET" --seconds $(( MINUTES * 60 )) \
  --metrics "127.0.0.1:$METRICS_PORT" --relay-pid "$RELAY_PID" --report "$OUT/drive.json" \
  > "$OUT/driver.out" 2> "$OUT/driver.err" || echo "soak: the driver failed (see $OUT/driver.err)" >&2

START=$(date +%s%N)
kill -TERM "$RELAY_PID"
RELAY_EXIT=timeout
for _ in $(seq 1 100); do
  if ! kill -0 "$RELAY_PID" 2>/dev/null; then wait "$RELAY_PID" && RELAY_EXIT=0 || RELAY_EXIT=$?; break; fi
  sleep 0.05
done
STOP_MS=$(( ($(date +%s%N) - START) / 1000000 ))

python3 - "$OUT" "$RELAY_EXIT" "$STOP_MS" <<'PY'
import json, os, sys
out, relay_exit, stop_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
drive = json.load(open(os.path.join(out, "drive.json"))) if os.path.exists(os.path.join(out, "drive.json")) else {}
leaks = {}
for name in ("relay", "server", "driver"):
    path = os.path.join(out, name + ".err")
    leaks[name] = sum(1 for l in open(path, errors="replace") if "LEAK:" in l) if os.path.exists(path) else -1
samples = drive.get("relaySamples", [])
report = {
    "minutes": drive.get("seconds", 0) / 60,
    "leakLines": leaks,
    "innocentChecksOk": drive.get("innocentChecksOk"),
    "innocentChecksFailed": drive.get("innocentChecksFailed"),
    "innocentChecksRetried": drive.get("innocentChecksRetried"),
    "innocentFailures": drive.get("innocentFailures", []),
    "relayStopOnSigterm": {"exit": relay_exit, "millis": stop_ms, "ok": relay_exit == "0" and stop_ms <= 5000},
    "relaySamples": samples,
    "attacks": drive.get("attacks", {}),
    "attackFirstErrors": drive.get("attackFirstErrors", {}),
}
json.dump(report, open(os.path.join(out, "report.json"), "w"), indent=2)
mib = lambda b: "n/a" if b is None or b < 0 else "%.1f" % (b / 1048576)
lines = ["# Soak report", "",
         "| check | result |", "|---|---|",
         "| LEAK lines (relay / server / driver) | %d / %d / %d |" % (leaks["relay"], leaks["server"], leaks["driver"]),
         "| innocent checks ok / failed (after one retry) / retried | %s / %s / %s |" % (report["innocentChecksOk"], report["innocentChecksFailed"], report["innocentChecksRetried"]),
         "| relay stop on SIGTERM | exit %s in %d ms (%s) |" % (relay_exit, stop_ms, "ok" if report["relayStopOnSigterm"]["ok"] else "FAILED"),
         "", "Relay after GC:", "", "| t (s) | heap MiB | direct MiB | threads |", "|---:|---:|---:|---:|"]
for s in samples:
    lines.append("| %s | %s | %s | %s |" % (s.get("t"), mib(s.get("heapBytes")), mib(s.get("directBytes")), s.get("threads")))
lines += ["", "Attacks:", "", "| counter | value |", "|---|---:|"]
lines += ["| %s | %s |" % (k, v) for k, v in sorted(report["attacks"].items())]
if report["attackFirstErrors"]:
    lines += ["", "First error of each attack that had errors:", ""]
    lines += ["- %s: %s" % (k, v) for k, v in sorted(report["attackFirstErrors"].items())]
if report["innocentFailures"]:
    lines += ["", "Innocent failures:", ""] + ["- " + f for f in report["innocentFailures"]]
open(os.path.join(out, "report.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
