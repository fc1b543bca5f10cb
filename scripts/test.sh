#!/usr/bin/env bash
# `make test`: installs what is missing, builds everything with the tests in one pass, and
# runs every suite. With CI=true the formatting is checked and the unit tests also run under
# ASan+UBSan; warnings fail the build in every preset (TWINLOOP_WERROR).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
jobs=$(nproc)
if [ "${CI:-}" = "true" ]; then
  scripts/check-format.sh
fi

cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs" --timeout 300

if [ "${CI:-}" = "true" ] || [ "${TWINLOOP_SANITIZERS:-}" = "1" ]; then
  cmake --preset asan-ubsan >/dev/null
  cmake --build --preset asan-ubsan -j "$jobs" --target twinloop_unit_tests
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --preset asan-ubsan -j "$jobs" --timeout 300
  # The OPC UA decoder under libFuzzer for a bounded time (clang, its own build directory).
  tests/fuzz/run.sh "${TWINLOOP_FUZZ_SECONDS:-60}"
fi
