#!/usr/bin/env bash
# Builds the OPC UA decoder fuzz target with clang and libFuzzer and runs it for a bounded
# time, starting from the seed corpus (the codec tests' sample values, a handshake, request
# sequences) and the kept crash inputs. A crash fails the run; its input lands in
# build/fuzz/artifacts/ and, once fixed, belongs in tests/fuzz/regressions/.
#   tests/fuzz/run.sh [seconds, default 60]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=build/fuzz
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 with line tables only compiles faster than -O2 -g, and crash reports keep file:line.
cmake -S tests/fuzz/libfuzzer -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
mkdir -p "$build/corpus" "$build/artifacts"
"$build/opcua_fuzz_seeds" "$build/corpus"
"$build/opcua_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 \
  "$build/corpus" tests/fuzz/regressions
