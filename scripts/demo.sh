#!/usr/bin/env bash
# The mission on this machine: two peers that cannot reach each other directly get connected, and
# the dial reports each stage (direct, hole punch, relay) and the path that won.
#
# As root (network namespaces and iptables, see scripts/nat-testbed.sh), the peers sit behind real
# NAT routers, on private networks that have no route to each other; each NAT drops every
# connection from outside that nobody inside asked for. The relay daemon runs on the "internet"
# between them. Two scenarios:
#   1. peer B behind a symmetric NAT (its port mapping changes per destination): the hole punch
#      cannot work, and the relay carries the connection;
#   2. both behind home-router NATs: a DCUtR hole punch over the relay wins, and the connection
#      ends direct (the relayed one is kept beside it).
# Without root, `peerlink demo` runs a relay and two peers in one process, kept apart only by what
# they know: the dialer has nothing but the other's peer ID, and neither has a public address, so
# the dial ends on the relay.
#
# usage: bash scripts/demo.sh          (builds what it needs first; needs Java 17+)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
number() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<<"$2"; }

# One readable line per JSON event (the raw line follows in grey for the curious).
show() {
  while IFS= read -r line; do
    case "$line" in
      *'"event":"demo"'*)
        printf '  %-11s %s\n' "$(field step "$line")" "$(field message "$line")" ;;
      *'"event":"dial-stage"'*)
        printf '  dial stage  %-9s %-8s %7s ms  %s\n' "$(field stage "$line")" "$(field outcome "$line")" \
          "$(number ms "$line")" "$(field error "$line")" ;;
      *'"event":"connected"'*)
        printf '  connected   path=%s  %s  %s over %s\n' "$(field path "$line")" "$(field remoteAddr "$line")" \
          "$(field security "$line")" "$(field muxer "$line")" ;;
      *'"event":"direct"'*)
        printf '  direct      the punched connection answers a ping in %s ms; the relayed one is kept\n' \
          "$(number rttMs "$line")" ;;
      *'"event":"ping"'*) printf '  ping        %s ms\n' "$(number rttMs "$line")" ;;
      *'"event":"echo"'*) printf '  echo        %s bytes there and back in %s ms\n' "$(number bytes "$line")" "$(number ms "$line")" ;;
      *'"event":"holepunch"'*) printf '  hole punch  %s (%s, attempt %s) %s\n' "$(field kind "$line")" "$(field role "$line")" \
          "$(number attempt "$line")" "$(field error "$line")" ;;
      *'"event":"error"'*) printf '  ERROR       %s: %s\n' "$(field kind "$line")" "$(field message "$line")" ;;
      *) continue ;;
    esac
    printf '\033[2m              %s\033[0m\n' "$line"
  done
}

say "Building the peerlink tool and the relay daemon (./mvnw package)…"
./mvnw -B -ntp -q package -DskipTests -Dmaven.javadoc.skip=true -pl examples,relay-daemon -am
PEERLINK="$ROOT/examples/target/peerlink.jar"
DAEMON="$ROOT/relay-daemon/target/relay-daemon.jar"
JAVA=$(command -v java)

if [[ "$(id -u)" != 0 ]] || ! command -v ip >/dev/null 2>&1; then
  say "Not root: the in-process demo (run as root for real NAT routers)."
  echo "  A relay, bob (reachable only through it) and alice, who knows bob's peer ID and the relay."
  "$JAVA" -jar "$PEERLINK" demo | show
  exit "${PIPESTATUS[0]}"
fi

p="pldemo$$-"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash "$ROOT/scripts/nat-testbed.sh" down "$p" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
PUBLIC=(--public-cidr 203.0.113.0/24 --public-cidr 198.51.100.0/24)

# Starts a process in a namespace with its stdout in a file; waits for a line matching $3.
start_in() { # ns name pattern cmd...
  local ns=$1 name=$2 pattern=$3
  shift 3
  ip netns exec "$p$ns" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 120); do
    grep -q "$pattern" "$work/$name.out" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "  $name did not print $pattern:"; cat "$work/$name.out" "$work/$name.err"; return 1
}

scenario() { # mode title
  local mode=$1
  say "$2"
  bash "$ROOT/scripts/nat-testbed.sh" up "$p" "$mode" | sed 's/^/  /'
  start_in inet relay '"listening"' "$JAVA" -jar "$DAEMON" --listen /ip4/0.0.0.0/tcp/4001 \
    --identity "$work/relay-$mode.pem" --metrics 127.0.0.1:9100 --drain-timeout 0s "${PUBLIC[@]}"
  local relay_id relay
  relay_id=$(field peerId "$(head -1 "$work/relay.out")")
  relay="/ip4/203.0.113.1/tcp/4001/p2p/$relay_id"
  echo "  relay daemon on the internet namespace: $relay"
  if command -v curl >/dev/null 2>&1; then
    echo "  its /readyz: $(ip netns exec "${p}inet" curl -s 127.0.0.1:9100/readyz | head -c 160)…"
  fi
  start_in b peer-b '"reserved"' "$JAVA" -jar "$PEERLINK" peer --listen /ip4/0.0.0.0/tcp/4001 --relay "$relay" "${PUBLIC[@]}"
  local b_id
  b_id=$(field peerId "$(grep '"listening"' "$work/peer-b.out")")
  echo "  peer B (10.0.2.2, behind nat-b) listens on port 4001 and reserved a slot on the relay: $b_id"
  echo "  From A (10.0.1.2, behind nat-a), B cannot be reached directly:"
  if ip netns exec "${p}a" timeout 3 bash -c 'exec 3<>/dev/tcp/10.0.2.2/4001' 2>/dev/null; then
    echo "    10.0.2.2:4001 answered: the testbed is not isolating the peers!"; return 1
  fi
  echo "    10.0.2.2:4001 (B's own address): no route, it is a private network behind nat-b"
  if ip netns exec "${p}a" timeout 3 bash -c 'exec 3<>/dev/tcp/198.51.100.2/4001' 2>/dev/null; then
    echo "    198.51.100.2:4001 answered: the NAT let an unsolicited connection in!"; return 1
  fi
  echo "    198.51.100.2:4001 (nat-b's public address): dropped, nobody inside asked for it"
  echo "  A dials B by peer ID, with the relay to fall back on:"
  ip netns exec "${p}a" "$JAVA" -jar "$PEERLINK" dial --listen /ip4/0.0.0.0/tcp/4001 --target "$b_id" \
    --relay "$relay" --ping 3 --echo 65536 --punch-timeout-ms 15000 "${PUBLIC[@]}" 2>"$work/dial.err" | show
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
  bash "$ROOT/scripts/nat-testbed.sh" down "$p"
}

scenario symmetric "1. B behind a symmetric NAT: no hole punch can work, the relay carries the connection"
scenario ordinary "2. Both behind home-router NATs: a DCUtR hole punch over the relay, and the connection ends direct"
say "Done. docs/nat-traversal.md explains each stage; scripts/nat-testbed.sh builds the testbed."
