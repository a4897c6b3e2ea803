#!/usr/bin/env bash
# The end-to-end benchmark: peerlink, js-libp2p and a raw JDK TLS socket side by side in one run
# (see docs/performance.md). Builds what it needs, installs the js peer, then runs
#   java -cp benchmarks/target/benchmarks.jar io.peerlink.benchmarks.e2e.EndToEndBenchmark "$@"
# Arguments: --quick (default, about two minutes) or --full, then any of --rounds N --warmup N
# --size BYTES --warmup-size BYTES --streams N --stream-size BYTES --handshakes N --aead-bytes BYTES
# --relay-security tls|noise --no-relays. Set SKIP_BUILD=1 to reuse an existing benchmarks.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh >/dev/null
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  # -DskipTests, not -Dmaven.test.skip: the benchmark uses peer-core's test-jar (the js harness driver).
  ./mvnw -B -q -o -pl benchmarks -am package -DskipTests
fi
exec java -Dio.netty.leakDetection.level=disabled \
  -cp benchmarks/target/benchmarks.jar io.peerlink.benchmarks.e2e.EndToEndBenchmark "$@"
