#!/usr/bin/env bash
# Times the build command's dependency step (a real `npm ci`) with and without PAKman's build
# cache, and prints each mode's median:
#   cold:      an empty build cache (its directory removed before each run); the build saves it
#   no-cache:  --no-build-cache, which touches no cache (the other way to start empty)
#   warm:      a second build of the unchanged workspace: the build cache hits (~/.npm restored)
#   partial:   a lockfile with one more package: the newest entry is restored (partial), npm
#              fetches that one package, and the build saves a new entry
# The environment image is built once beforehand (an untimed warm-up) and stays in Docker, so the
# figures are the build cache's, not the environment's (bench/build.sh measures that).
#
# The dependencies: PAKman's own production dependency tree (the packages ../package-lock.json
# pulls in from `dependencies`, taken from node_modules as installed), served by a loopback
# "registry" (bench/npm-registry.ts) with a delay per request standing in for a real registry's
# round trip. The app's lockfile names every tarball's URL and integrity, so npm asks for nothing
# else. Offline: the base image is the official Alpine minirootfs (../shared/alpine, else
# alpine:3.20) with the test stand-in abuild (test/docker/make-image.sh); node and npm are the
# host's, copied in with their glibc libraries and registered as the packages nodejs and npm.
# The build container reaches the loopback registry through a docker shim that adds
# `--network host` to `docker run` (PAKMAN_DOCKER): a bench-only device, no product change.
#
# With -k, node_modules is kept too (--build-cache-path node_modules) and the step is
# `npm install` instead: `npm ci` always removes node_modules first, so only ~/.npm can help it.
#
# Usage: bench/dependency-cache.sh [-k] [-n RUNS] [-l LATENCY_MS] [-q MINUTES]
#   -k  keep node_modules in the build cache and run `npm install` (default: `npm ci`, ~/.npm only)
#   -n  runs per mode (default 3)
#   -l  the registry's delay per request in milliseconds (default 30)
#   -q  first wait up to this many minutes for a quiet machine: load under 0.7 and no other
#       PAKman build or vitest run (default 0: no wait). Other builds share the CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/image.sh
. bench/image.sh
runs=3 latency=30 quiet_minutes=0 keep=""
while getopts "kn:l:q:" option; do
  case "$option" in
    k) keep=1 ;;
    n) runs="$OPTARG" ;;
    l) latency="$OPTARG" ;;
    q) quiet_minutes="$OPTARG" ;;
    *) sed -n '/^# Usage/,/^set /p' "$0" | sed '$d' >&2 && exit 2 ;;
  esac
done
node=node_modules/.bin/node # Node 24 (PAKman's CLI and the registry script need it)
work="$(mktemp -d)"
registry_pid=""
cleanup() {
  # The registry, and any build container a failed run left (PAKman names them pakman-*; only
  # those whose image is this script's are ours).
  [[ -z $registry_pid ]] || kill "$registry_pid" 2>/dev/null || true
  docker ps --all --quiet --filter "ancestor=$image" | xargs -r docker rm -f >/dev/null 2>&1 || true
  # The build user's files in the cache trees may be another uid's: the workspace owner's here.
  rm -rf "$work" 2>/dev/null || chmod -R u+w "$work" && rm -rf "$work"
}
image="pakman-bench-deps/alpine-node:3.20"
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

# The bench image: the test image recipe plus the host's node and npm (glibc beside musl, as
# make-image.sh does for openssl). nodejs and npm are registered as installed, so the build
# environment installs nothing. Made again whenever it is missing: other benchmarks on the same
# engine remove images (bench/build.sh removes every PAKman environment image, for one).
bench_image() {
  docker image inspect "$image" >/dev/null 2>&1 && return
  local base_image="pakman-bench-deps/alpine:3.20-base" context="$work/image" node_binary npm_root
  make_bench_image "$base_image" nodejs npm
  rm -rf "$context"
  mkdir -p "$context/root/usr/bin" "$context/root/usr/lib/node_modules"
  node_binary="$(readlink -f "$(command -v node)")"
  install -m 755 "$node_binary" "$context/root/usr/bin/node"
  for library in $(ldd "$node_binary" | grep -o '/[^ ]*'); do
    install -D -m 755 "$(readlink -f "$library")" "$context/root$library"
  done
  npm_root="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  cp -r "$npm_root" "$context/root/usr/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$context/root/usr/bin/npm"
  # tar is GNU tar, as in a real build environment (abuild depends on it): build-cache-paths
  # joins the snapshot with GNU tar's -C, and busybox tar would leave node_modules out (-k).
  printf 'FROM %s\nCOPY root/ /\nRUN ln -sf /usr/bin/gnutar /bin/tar && node --version && npm --version\n' \
    "$base_image" >"$context/Dockerfile"
  DOCKER_BUILDKIT=0 docker build --quiet --network none -t "$image" "$context" >/dev/null 2>&1
  say "image $image: node $(docker run --rm --network none "$image" node --version), npm $(docker run --rm --network none "$image" npm --version)"
}
bench_image

# The docker shim: the build container joins the host's network to reach 127.0.0.1. A `docker
# run` that names its network (the install test's --network none) keeps it.
shim="$work/docker"
cat >"$shim" <<'SH'
#!/bin/sh
if [ "$1" = run ] && ! printf '%s\n' "$@" | grep -q '^--network'; then
  shift
  exec docker run --network host "$@"
fi
exec docker "$@"
SH
chmod 755 "$shim"

# The registry: packs the tree (the cost of the first minute), then serves it.
registry_log="$work/registry.log"
"$node" bench/npm-registry.ts --lock package-lock.json --store "$work/store" --app "$work/app" \
  --latency "$latency" --hold-out aws4fetch >"$registry_log" 2>&1 &
registry_pid=$!
until grep -q '^ready ' "$registry_log"; do
  kill -0 "$registry_pid" 2>/dev/null || { cat "$registry_log" >&2; exit 1; }
  sleep 1
done
read -r _ port packages bytes < <(grep '^ready ' "$registry_log")
say "registry http://127.0.0.1:$port: $packages packages, $((bytes / 1024 / 1024)) MiB of tarballs, ${latency} ms per request"

# The app: its dependency step is `npm ci`, timed inside the container (/proc/uptime: busybox date
# has no sub-second format). Scripts are not run: the step is fetching and unpacking.
# --no-audit/--no-fund: no requests beyond the tarballs; the registry is the lockfile's.
npm_step="npm ci"
kept=()
if [[ -n $keep ]]; then
  npm_step="npm install"
  kept=(--build-cache-path node_modules)
fi
make_workspace() { # dir manifest lockfile
  mkdir -p "$1/bin"
  printf '#!/bin/sh\necho app\n' >"$1/bin/app"
  chmod 755 "$1/bin/app"
  cp "$2" "$1/package.json"
  cp "$3" "$1/package-lock.json"
  cat >"$1/instellar.yml" <<YAML
dependencies:
  build:
    - nodejs
    - npm
  runtime:
    - nodejs
stack: alpine/3.20
build:
  command: |
    started=\$(cut -d' ' -f1 /proc/uptime)
    $npm_step --no-audit --no-fund --ignore-scripts --loglevel=error
    ended=\$(cut -d' ' -f1 /proc/uptime)
    echo "dependency step: \$(awk -v a="\$started" -v b="\$ended" 'BEGIN { printf "%.2f", b - a }')s"
  destinations:
    - bin
YAML
  git -C "$1" init -q
  git -C "$1" add .
  git -C "$1" -c user.name=bench -c user.email=bench@example.invalid commit -qm bench
}
make_workspace "$work/app-base" "$work/app/package.json" "$work/app/package-lock.json"
make_workspace "$work/app-plus" "$work/app/package.json.plus" "$work/app/package-lock.json.plus"

cache="$work/cache"
entries="$cache/pakman/build"
# One build: prints "<dependency s> <whole s> <requests> <Done line>"; the full log is kept.
build() { # workspace log [option ...]
  local workspace="$1" log="$2" started ended before after code=0
  shift 2
  bench_image
  before=$(grep -c '^GET ' "$registry_log" || true)
  started=$(date +%s.%N)
  PAKMAN_DOCKER="$shim" XDG_CACHE_HOME="$cache" "$node" dist/cli.js build --workspace "$workspace" \
    --repository bench/app --image "$image" --packages-dir "$work/packages" "${kept[@]}" "$@" >"$log" 2>&1 || code=$?
  ended=$(date +%s.%N)
  after=$(grep -c '^GET ' "$registry_log" || true)
  if [[ $code -ne 0 ]]; then
    say "build failed ($code), log $log:"
    tail -40 "$log" >&2
    exit 1
  fi
  local step
  step=$(grep -o 'dependency step: [0-9.]*s' "$log" | tail -1 | grep -o '[0-9.]*[0-9]')
  echo "$step $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }') $((after - before)) $(grep '^==> Done' "$log")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "warm-up: the build environment image"
build "$work/app-base" "$work/warm-up.log" --no-build-cache >/dev/null

if [[ $quiet_minutes -gt 0 ]]; then
  for ((minute = 0; ; minute++)); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    others=$(pgrep -af 'cli.js build|vitest' || true)
    if awk -v l="$load" 'BEGIN { exit !(l < 0.7) }' && [[ -z $others ]]; then
      say "quiet: load $load"
      break
    fi
    if ((minute >= quiet_minutes)); then
      say "never quiet in $quiet_minutes minutes (load $load; others: ${others:-none}); measuring anyway"
      break
    fi
    sleep 60
  done
fi
say "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"

# cold and warm in turns, so a change in the machine's load falls on both alike.
for i in $(seq "$runs"); do
  rm -rf "$entries"
  build "$work/app-base" "$work/cold-$i.log" >>"$work/cold.txt"
  build "$work/app-base" "$work/warm-$i.log" >>"$work/warm.txt"
done
# The entry the partial runs restore from: the unchanged workspace's, alone.
cp -a "$entries" "$work/base-entry"
for i in $(seq "$runs"); do
  build "$work/app-base" "$work/no-cache-$i.log" --no-build-cache >>"$work/no-cache.txt"
  rm -rf "$entries" && cp -a "$work/base-entry" "$entries"
  build "$work/app-plus" "$work/partial-$i.log" >>"$work/partial.txt"
done

echo "$npm_step${keep:+ (node_modules kept)} of $packages packages ($((bytes / 1024 / 1024)) MiB of tarballs) from a loopback registry, ${latency} ms per request; $runs runs per mode, medians"
printf '%-9s %12s %12s %9s  %s\n' mode 'dependencies' 'whole build' requests 'build cache (last run)'
for mode in cold no-cache warm partial; do
  results="$work/$mode.txt"
  step=$(cut -d' ' -f1 "$results" | median)
  whole=$(cut -d' ' -f2 "$results" | median)
  requests=$(cut -d' ' -f3 "$results" | median)
  state=$(tail -1 "$results" | grep -o 'build cache: [^)]*' || echo 'build cache: off')
  printf '%-9s %11ss %11ss %9s  %s\n' "$mode" "$step" "$whole" "$requests" "${state#build cache: }"
  eval "step_${mode//-/_}=$step whole_${mode//-/_}=$whole"
done
# shellcheck disable=SC2154 # set by the eval above
awk -v c="$step_cold" -v w="$step_warm" -v p="$step_partial" -v C="$whole_cold" -v W="$whole_warm" 'BEGIN {
  printf "dependency step cold/warm: %.1fx (goal >= 5x), cold/partial: %.1fx; whole build cold/warm: %.1fx\n", c / w, c / p, C / W
}'
echo "phases (last cold run):  $(grep '^==> Done' "$work/cold-$runs.log" | sed 's/.*): //')"
echo "phases (last warm run):  $(grep '^==> Done' "$work/warm-$runs.log" | sed 's/.*): //')"
find "$entries" -type f -printf 'build cache entry: %f, %s bytes (zstd)\n'
