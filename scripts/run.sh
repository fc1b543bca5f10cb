#!/usr/bin/env bash
# `make run`: installs what is missing, builds the release binary and starts the server on
# 127.0.0.1:7777 with the SQLite database under ./data/ and a demo project on first start.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target twinloop
exec build/release/bin/twinloop serve --data-dir "${TWINLOOP_DATA_DIR:-data}" --demo-project "$@"
