#!/usr/bin/env bash
# Times `pakman build` on examples/hello, cold and warm, and prints each phase's median.
#   cold:        environment image neither in Docker nor in the cache (built from the base image)
#   warm-cache:  image removed from Docker, restored from the cache (a fresh runner with a cache hit)
#   warm-local:  image still in Docker (a second build on the same machine)
# No network: the base image is the official Alpine 3.20.3 minirootfs (../shared/alpine, else
# alpine:3.20) with the test stand-in abuild (test/docker/stand-ins), its packages registered as
# installed, so the figures measure PAKman's own work, not Alpine's mirrors.
# Usage: bench/build.sh [runs per mode, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
node=node_modules/.bin/node
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# shellcheck source=bench/image.sh
. bench/image.sh
image="pakman-bench/alpine:3.20"
make_bench_image "$image"

workspace="$work/hello"
cp -r examples/hello "$workspace"
git -C "$workspace" init -q
git -C "$workspace" add .
git -C "$workspace" -c user.name=bench -c user.email=bench@example.invalid commit -qm bench

environment_image() { docker images --filter "label=org.opencontainers.image.title=pakman-environment" --format '{{.Repository}}:{{.Tag}}'; }

run_once() { # mode
  local mode="$1" cache="$work/cache"
  case "$mode" in
    cold) rm -rf "$cache"; environment_image | xargs -r docker rmi -f >/dev/null ;;
    warm-cache) environment_image | xargs -r docker rmi -f >/dev/null ;;
    warm-local) ;;
  esac
  local started ended line
  started=$(date +%s.%N)
  line=$(XDG_CACHE_HOME="$cache" "$node" dist/cli.js build --workspace "$workspace" --repository pakman/hello \
    --image "$image" --packages-dir "$work/packages" 2>&1 >/dev/null | grep '^==> Done')
  ended=$(date +%s.%N)
  echo "$line, total $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')s"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One cold run first, so the cache exists for the warm-cache runs.
for mode in cold warm-cache warm-local; do
  results="$work/$mode.txt"
  : >"$results"
  for _ in $(seq "$runs"); do run_once "$mode" >>"$results"; done
  grep -q "environment: ${mode#warm-}" "$results" || [[ $mode == cold ]] || { echo "unexpected environment source in $mode:" >&2; cat "$results" >&2; }
  printf '%-11s' "$mode"
  for phase in Render 'Signing key' 'Build environment' abuild 'Collect packages' Verify total; do
    value=$(grep -o "$phase [0-9.]*s" "$results" | sed 's/.* \([0-9.]*\)s/\1/' | median)
    printf '  %s %ss' "$phase" "$value"
  done
  echo
done
archive=$(find "$work/cache/pakman" -name '*.tar.zst' 2>/dev/null | head -1)
[[ -n $archive ]] && echo "cached environment archive: $(stat -c %s "$archive") bytes (zstd)"
