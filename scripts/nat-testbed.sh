#!/usr/bin/env bash
# Builds (or removes) the NAT testbed of docs/nat-traversal.md in network namespaces, detached
# from this machine's own network (no veth into the root namespace, no route out):
#
#   <p>a 10.0.1.2 ── 10.0.1.1 <p>nata 203.0.113.2 ──┐
#                                                     ├─ 203.0.113.1 <p>inet 198.51.100.1 (relay)
#   <p>b 10.0.2.2 ── 10.0.2.1 <p>natb 198.51.100.2 ──┘
#
# Each NAT is a home router: MASQUERADE on the WAN, and only ESTABLISHED,RELATED from the WAN in
# FORWARD and INPUT (without the INPUT drop, an unsolicited SYN gets a RST that kills the other
# side's simultaneous open). "symmetric" makes nat-b's mapping change per destination
# (MASQUERADE --random-fully), where hole punching must fail. "rst" makes both routers answer an
# unsolicited TCP SYN from the WAN with a RST instead of dropping it, as many home routers do:
# that defeats a TCP punch (the first SYN to arrive is reset, ending its sender's attempt) but not
# a QUIC one, since UDP gets no such answer.
#
# usage: nat-testbed.sh up <prefix> [ordinary|symmetric|rst]   (needs root; installs iptables when missing)
#        nat-testbed.sh down <prefix>
set -euo pipefail

cmd=${1:?usage: nat-testbed.sh up|down <prefix> [ordinary|symmetric|rst]}
p=${2:?usage: nat-testbed.sh up|down <prefix> [ordinary|symmetric|rst]}
mode=${3:-ordinary}

down() {
  for ns in a b nata natb inet; do
    ip netns del "${p}${ns}" 2>/dev/null || true
  done
}

if [ "$cmd" = down ]; then
  down
  exit 0
fi
[ "$cmd" = up ] || { echo "unknown command $cmd" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "nat-testbed.sh needs root (ip netns, iptables)" >&2; exit 3; }
bash "$(dirname "$0")/setup-nat.sh"

trap 'down' ERR
for ns in a b nata natb inet; do
  ip netns add "${p}${ns}"
  ip -n "${p}${ns}" link set lo up
done
x() { ip netns exec "$@"; }

# veth names are per namespace, so the same short names do in every run.
ip link add wan netns "${p}nata" type veth peer name to-a netns "${p}inet"
ip link add wan netns "${p}natb" type veth peer name to-b netns "${p}inet"
ip link add lan netns "${p}nata" type veth peer name eth0 netns "${p}a"
ip link add lan netns "${p}natb" type veth peer name eth0 netns "${p}b"

ip -n "${p}inet" addr add 203.0.113.1/24 dev to-a
ip -n "${p}inet" addr add 198.51.100.1/24 dev to-b
ip -n "${p}inet" link set to-a up
ip -n "${p}inet" link set to-b up
x "${p}inet" sysctl -qw net.ipv4.ip_forward=1

router() { # ns wan-addr wan-gw lan-addr
  local ns=$1
  ip -n "$ns" addr add "$2/24" dev wan
  ip -n "$ns" addr add "$4/24" dev lan
  ip -n "$ns" link set wan up
  ip -n "$ns" link set lan up
  ip -n "$ns" route add default via "$3"
  x "$ns" sysctl -qw net.ipv4.ip_forward=1
  local extra=()
  if [ "$5" = symmetric ]; then extra=(--random-fully); fi
  x "$ns" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE "${extra[@]}"
  x "$ns" iptables -A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  x "$ns" iptables -A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  if [ "$5" = rst ]; then
    x "$ns" iptables -A FORWARD -i wan -p tcp --syn -j REJECT --reject-with tcp-reset
    x "$ns" iptables -A INPUT -i wan -p tcp --syn -j REJECT --reject-with tcp-reset
  fi
  x "$ns" iptables -A FORWARD -i wan -j DROP
  x "$ns" iptables -A INPUT -i wan -j DROP
}
amode=ordinary
if [ "$mode" = rst ]; then amode=rst; fi
router "${p}nata" 203.0.113.2 203.0.113.1 10.0.1.1 "$amode"
router "${p}natb" 198.51.100.2 198.51.100.1 10.0.2.1 "$mode"

host() { # ns addr gw
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$1" route add default via "$3"
}
host "${p}a" 10.0.1.2 10.0.1.1
host "${p}b" 10.0.2.2 10.0.2.1
trap - ERR
echo "testbed ${p} up (nat-a: $amode, nat-b: $mode)"
