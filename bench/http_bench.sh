#!/usr/bin/env bash
# Load figures for the HTTP API of a built twinloop binary, on loopback only:
#   - time from process start to the first answered GET /healthz (ms);
#   - wrk throughput and latency of GET /api/v1/models/{id}/components (50 components),
#     GET /api/v1/projects/{id} and POST /api/v1/projects;
#   - resident memory (VmRSS) after startup and after the load, and its peak (VmHWM).
# Builds nothing. Usage: bench/http_bench.sh [path/to/twinloop]   (default build/release/bin/twinloop)
# Settings from the environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (64).
# Needs curl and wrk (Debian packages). A figure, never a pass/fail verdict.
set -euo pipefail

binary=${1:-build/release/bin/twinloop}
duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-64}
script_dir=$(cd "$(dirname "$0")" && pwd)

for tool in curl wrk; do
  command -v "$tool" >/dev/null || { echo "http_bench: $tool is not installed" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "http_bench: no executable at $binary (build it first)" >&2; exit 1; }

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/twinloop-bench-XXXXXX")
server_pid=""

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "http_bench: server ignored SIGTERM for 10 s, killing it" >&2
      kill -KILL "$server_pid"
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kib() { awk -v field="$1:" '$1 == field { print $2 }' "/proc/$server_pid/status"; }

# One GET /healthz over bash's /dev/tcp; succeeds when the answer is 200.
healthz_answers() {
  local port=$1 status_line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  IFS= read -r -t 2 status_line <&3 || { exec 3<&-; return 1; }
  exec 3<&-
  [[ $status_line == "HTTP/1."?" 200"* ]]
}

# The value of the first "id" in a JSON body, without quotes.
json_id() { grep -o '"id" *: *"\?[^,"}]*' | head -n 1 | sed 's/.*: *"\?//'; }

api() {  # api METHOD PATH [JSON]: prints the body, fails on a status >= 400
  curl --silent --show-error --fail-with-body --max-time 10 -X "$1" \
    -H 'Content-Type: application/json' ${3:+--data "$3"} "http://127.0.0.1:$port$2"
}

# --- start and time to first answer ---------------------------------------------------------
start_us=${EPOCHREALTIME/./}
TWINLOOP_LOG_LEVEL=warn "$binary" serve --host 127.0.0.1 --port 0 --opcua-port 0 --data-dir "$work_dir" \
  --db "$work_dir/bench.db" --port-file "$work_dir/port" >"$work_dir/server.log" 2>&1 &
server_pid=$!

port=""
deadline_us=$((start_us + 10000000))
until [ -n "$port" ] && healthz_answers "$port" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "http_bench: the server exited during startup:" >&2
    cat "$work_dir/server.log" >&2
    exit 1
  fi
  if [ "${EPOCHREALTIME/./}" -gt "$deadline_us" ]; then
    echo "http_bench: no answer from /healthz within 10 s" >&2
    exit 1
  fi
  [ -s "$work_dir/port" ] && port=$(tr -dc '0-9' <"$work_dir/port")
done
ready_us=${EPOCHREALTIME/./}
startup_ms=$(((ready_us - start_us) / 1000))
idle_rss=$(rss_kib VmRSS)

# --- data -----------------------------------------------------------------------------------
project_id=$(api POST /api/v1/projects '{"name":"bench-fixture"}' | json_id)
model_id=$(api POST "/api/v1/projects/$project_id/models" '{"name":"bench","step_size":0.001}' |
  json_id)
for i in $(seq 1 50); do
  api POST "/api/v1/models/$model_id/components" \
    "{\"name\":\"gain_$i\",\"type\":\"gain\",\"parameters\":{\"k\":$i},\"position\":{\"x\":$i,\"y\":0}}" \
    >/dev/null
done
loaded_rss_before=$(rss_kib VmRSS)

# --- load -----------------------------------------------------------------------------------
base="http://127.0.0.1:$port"
run_wrk() {  # run_wrk TITLE [wrk arguments...]
  local title=$1
  shift
  echo
  echo "=== $title"
  timeout 120 wrk "-t$threads" "-c$connections" "-d$duration" --latency "$@"
}
run_wrk "GET /api/v1/models/$model_id/components (50 components)" \
  "$base/api/v1/models/$model_id/components"
run_wrk "GET /api/v1/projects/$project_id" "$base/api/v1/projects/$project_id"
run_wrk "POST /api/v1/projects (unique names)" -s "$script_dir/wrk/post_project.lua" \
  "$base/api/v1/projects"

after_rss=$(rss_kib VmRSS)
peak_rss=$(rss_kib VmHWM)

echo
echo "=== summary ($binary, wrk -t$threads -c$connections -d$duration)"
echo "time to first answered /healthz: ${startup_ms} ms"
echo "VmRSS after startup:             ${idle_rss} KiB"
echo "VmRSS with 50 components:        ${loaded_rss_before} KiB"
echo "VmRSS after the load:            ${after_rss} KiB"
echo "VmHWM (peak RSS):                ${peak_rss} KiB"
