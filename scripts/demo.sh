#!/usr/bin/env bash
# Builds peerlink and runs the demo: two peers on this machine connect over TLS and Noise,
# identify, ping and echo. Needs Java 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q package -DskipTests
java -jar examples/target/peerlink.jar demo
