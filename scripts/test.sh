#!/usr/bin/env bash
# `make test`: installs what is missing, builds everything with the tests in one pass, and
# runs every suite (unit, integration, interop, web). Warnings fail the build in every preset
# (TWINLOOP_WERROR).
#
# With CI=true (or TWINLOOP_SANITIZERS=1) the one build is the ASan+UBSan one: every suite,
# the real server binary included, runs under the sanitizers, the formatting is checked, and
# the OPC UA decoder is fuzzed for a bounded time. One sanitized build instead of a release
# build plus a sanitized one keeps CI within its time on two cores; the release build is what
# `make test` builds everywhere else (and what `make run` and the benchmarks use).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
jobs=$(nproc)

preset=release
if [ "${CI:-}" = "true" ] || [ "${TWINLOOP_SANITIZERS:-}" = "1" ]; then
  preset=asan-ubsan
  scripts/check-format.sh
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
fi

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" --timeout 300

if [ "$preset" = "asan-ubsan" ]; then
  # The OPC UA decoder under libFuzzer (clang, its own build directory).
  tests/fuzz/run.sh "${TWINLOOP_FUZZ_SECONDS:-60}"
fi
