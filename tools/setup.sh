#!/usr/bin/env bash
# Installs what building and running the server, its plugins and tools need, from Debian's
# packages. What only the tests need (GoogleTest, the reference nats-server, chromium) is
# installed by tools/test-deps.sh, which tools/test.sh runs.
# Safe to run again: it only installs what is missing. Recommended packages are left out:
# the build needs only the dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/apt_install.sh

apt_install_missing setup --no-install-recommends \
  build-essential cmake ccache pkg-config \
  libasio-dev libboost-dev libboost-filesystem-dev libboost-system-dev \
  nlohmann-json3-dev libspdlog-dev libfmt-dev libssl-dev libsodium-dev \
  libcrypt-dev `# bcrypt password hashes (crypt_rn), for the auth plugins` \
  libxxhash-dev `# XXH3 record checksums, for the file store (plugins/store_file)` \
  librocksdb-dev `# the RocksDB stream store (plugins/store_rocksdb)` \
  libnats-dev  `# the C client the nats CLI, nk and the benchmark link`
