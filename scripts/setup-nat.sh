#!/usr/bin/env bash
# Installs what the NAT testbed needs (iptables, iproute2) on a Debian machine. Only as root and
# only when missing: elsewhere the NAT tests skip (or, under CI=true, fail) with the reason.
set -euo pipefail
[ "$(id -u)" = 0 ] || exit 0
missing=()
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
