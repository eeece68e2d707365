#!/usr/bin/env bash
# Configures and builds the server, the plugins and the tools into build/ (programs in
# build/bin, plugins in build/lib). The tests are built by tools/test.sh, which passes
# -DNMK_BUILD_TESTS=ON; a build dir keeps that setting until told otherwise.
# Usage: tools/build.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
