#!/usr/bin/env bash
# Installs what the build, the tests and the benchmark need, from Debian's packages.
# Safe to run again: it only installs what is missing.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libasio-dev libboost-dev libboost-filesystem-dev libboost-system-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libssl-dev libsodium-dev librocksdb-dev
  libcrypt-dev  # bcrypt password hashes (crypt_rn), for the auth plugins
  libgtest-dev libgmock-dev libnats-dev
  chromium      # headless, for the monitoring dashboard test
  nats-server   # the reference server, for side-by-side benchmarks and behaviour checks
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
