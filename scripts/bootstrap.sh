#!/usr/bin/env bash
# Installs every system dependency of twinloop from Debian packages. Idempotent: installs
# only what is missing, runs apt-get update only when something is. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config git curl
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev sqlite3
  libpugixml-dev libzip-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libmuparser-dev
  clang-format wrk
  chromium
  clang-14 libclang-rt-14-dev
)
# Node.js and npm build the web assets; a machine that already has them (any source) keeps them.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all system dependencies are installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
