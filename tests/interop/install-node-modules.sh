#!/usr/bin/env bash
# Installs the pinned node-opcua (package-lock.json) with `npm ci`, unless node_modules holds
# exactly that lock already.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.twinloop-installed-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
