#!/usr/bin/env bash
# Runs every test: installs what the tests need (Node 22 and the pinned js-libp2p peer for the
# interop tests), then builds all modules and runs their tests with Netty leak detection at PARANOID.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh
mvn -B -ntp verify "$@"
