#!/usr/bin/env bash
# Prints the size of the kernel (build/bin/nats-server) and of each in-tree
# plugin (build/lib/lib<name>.so) as a Markdown table for the README:
# the file as built (with debug info) and stripped (what an install ships).
# Usage: tools/sizes.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
kernel="$build_dir/bin/nats-server"
[[ -x "$kernel" ]] || { echo "sizes.sh: $kernel not found; run tools/build.sh first" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

row() {  # row <label> <file>
    local stripped="$scratch/$(basename "$2")"
    strip -o "$stripped" "$2"
    printf '| %s | %s | %d KiB | %d KiB |\n' "$1" "$(basename "$2")" \
        $(( $(stat -c %s "$2") / 1024 )) $(( $(stat -c %s "$stripped") / 1024 ))
}

echo "| part | file | as built | stripped |"
echo "|---|---|---:|---:|"
row kernel "$kernel"
for dir in plugins/*/; do
    name="$(basename "$dir")"
    lib="$build_dir/lib/lib$name.so"
    [[ -f "$lib" ]] && row "plugin $name" "$lib"
done
exit 0
