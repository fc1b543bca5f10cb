#!/usr/bin/env bash
# Runs a node-opcua test script with node's test runner and HOME in a fresh temporary
# directory (node-opcua writes its certificates there), removed afterwards.
#   run-node.sh <script.mjs> [args...]
set -euo pipefail
cd "$(dirname "$0")"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" node --test --test-reporter=spec "$@"
