#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz/ and runs each
# for a while from its seed corpus; fails if any target finds a crash.
# Usage: tools/fuzz.sh [--seconds N | --long] [--timeout S] [target...]
#   default 10 s per target (a smoke run), --long 3600 s per target.
#   --timeout: seconds one input may take before it counts as a hang (libFuzzer measures
#   wall time: 25 s by default, 120 s with --long, so a run sharing a busy machine is not
#   stopped by a starved but fast input).
# The seed corpus is copied to a scratch dir, so the repository is never written;
# on a failure the scratch dir (with the crash-* reproducer) is kept and printed.
# Reproduce: build-fuzz/bin/<target> <crash file>. See tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=10
unit_timeout=""
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --long) seconds=3600; shift ;;
    --timeout) unit_timeout="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --seconds needs a whole number" >&2; exit 2; }
if [[ -z "$unit_timeout" ]]; then unit_timeout=$(( seconds >= 3600 ? 120 : 25 )); fi
[[ "$unit_timeout" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --timeout needs a whole number" >&2; exit 2; }

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: needs clang and its runtime (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
build_dir=build-fuzz
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
# Two jobs at most: the machine is shared with other builds.
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DNMK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNMK_UNITY_BUILD=OFF >/dev/null
cmake --build "$build_dir" --target fuzz_all -j"$jobs"

if [[ ${#targets[@]} -eq 0 ]]; then
  read -r -a targets < <(tr ';' ' ' < "$build_dir/fuzz_targets.txt")
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/nmk-fuzz.XXXXXX")
failed=()
for target in "${targets[@]}"; do
  corpus="$scratch/$target/corpus"
  mkdir -p "$corpus" "$scratch/$target/artifacts"
  if [[ -d "tests/fuzz/corpus/$target" ]]; then cp -r "tests/fuzz/corpus/$target/." "$corpus/"; fi
  echo "== $target: ${seconds}s"
  # -max_total_time bounds the run; the new inputs it finds go to the scratch corpus.
  if ! "$build_dir/bin/$target" -max_total_time="$seconds" -timeout="$unit_timeout" -rss_limit_mb=2048 \
       -artifact_prefix="$scratch/$target/artifacts/" -print_final_stats=1 "$corpus" \
       >"$scratch/$target/log" 2>&1; then
    failed+=("$target")
    tail -n 40 "$scratch/$target/log"
    echo "== $target FAILED; reproducer(s):" "$scratch/$target/artifacts/"*
  else
    # The last status line carries coverage (cov: edges, ft: features, corp: corpus size).
    grep -E '^#[0-9]+' "$scratch/$target/log" | tail -n 1
    grep -E '^stat::number_of_executed_units|^Done' "$scratch/$target/log" | tr '\n' ' '
    echo
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]} (logs and reproducers in $scratch)" >&2
  exit 1
fi
rm -rf "$scratch"
echo "fuzz.sh: ${#targets[@]} target(s) ran ${seconds}s each without a crash"
