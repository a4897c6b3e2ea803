#!/usr/bin/env bash
# Runs every test: installs what the tests need (Node 22 and the pinned js-libp2p peer for the
# interop tests), builds all modules and runs their tests with Netty leak detection at PARANOID,
# then checks the README's promise: a project made from its snippets compiles and runs against
# the installed artifacts (scripts/check-consumer.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh
bash scripts/setup-nat.sh   # iptables for the NAT testbed tests (root only, when missing)
# ./mvnw: the build needs Maven 3.9.6+ (the protobuf plugin); the wrapper fetches 3.9.16 once.
./mvnw -B -ntp verify "$@"
bash scripts/check-consumer.sh
