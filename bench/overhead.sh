#!/usr/bin/env bash
# PAKman's own overhead around abuild, warm: per app, the median of each phase PAKman adds
# (render, environment, container setup, workspace snapshot, hand-back, collect, verify, install
# test, the rest), their sum (the whole build less abuild's own build), abuild's own time, the
# whole build and the ratio sum/whole. Two apps: examples/hello (small) and a large app generated
# deterministically (default ~526 MB in ~21k files: committed text sources, untracked build
# output of mixed, mostly incompressible content, as a checkout after earlier workflow steps).
# The image is the official Alpine minirootfs with the stand-ins (test/docker/make-image.sh),
# pigz and abuild-tar included when the host can provide them, as bench/build.sh does.
# The abuild/* and Verify/* parts come from the CLI's `==> Done` line (BuildResult.phases).
# Usage: bench/overhead.sh [--runs N] [--cli PATH/dist/cli.js] [--scale F] [--label TEXT]
#   --runs   builds per app after one warm-up build (default 3)
#   --cli    the PAKman CLI to time (default this checkout's dist/cli.js), e.g. another branch's
#   --scale  size of the large app as a fraction of the default (0.05 for a quick run); also
#            PAKMAN_BENCH_SCALE
# PAKMAN_BENCH_DIR keeps the generated apps there between runs (default: a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
cli="$PWD/dist/cli.js"
scale="${PAKMAN_BENCH_SCALE:-1}"
label=""
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --cli) cli="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    *) echo "usage: bench/overhead.sh [--runs N] [--cli PATH] [--scale F] [--label TEXT]" >&2; exit 2 ;;
  esac
done
[[ -f $cli ]] || { echo "no CLI at $cli (npm run build)" >&2; exit 2; }
if [[ -n ${PAKMAN_BENCH_DIR:-} ]]; then
  work="$PAKMAN_BENCH_DIR"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

# shellcheck source=bench/image.sh
. bench/image.sh
image="pakman-bench/alpine:3.20"
make_bench_image "$image"

commit_all() { # dir
  git -C "$1" add .
  git -C "$1" -c user.name=bench -c user.email=bench@example.invalid commit -qm bench
}

# The small app, as the tests use it.
if [[ ! -d $work/small ]]; then
  cp -r examples/hello "$work/small"
  git -C "$work/small" init -q
  commit_all "$work/small"
fi

# The large app: hello's service with a tree of sources and build output beside it.
large="$work/large-$scale"
if [[ ! -f $large/.generated ]]; then
  rm -rf "$large"
  cp -r examples/hello "$large"
  sed -i -e 's/^    sh -n bin\/hello$/    sh -n bin\/hello \&\& test -d _build/' \
    -e 's/^    - bin$/    - bin\n    - src\n    - deps\n    - _build/' "$large/instellar.yml"
  node - "$large" "$scale" <<'JS'
// Deterministic: file sizes and contents come from AES-CTR with a fixed key.
const { createCipheriv } = require('node:crypto')
const { mkdirSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')
const [root, scale] = [process.argv[2], Number(process.argv[3])]
const files = Math.max(200, Math.round(21000 * scale))
const total = Math.round(526e6 * scale)
const stream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0))
const random = (n) => stream.update(Buffer.alloc(n))
const unit = () => random(4).readUInt32LE() / 2 ** 32
const words = 'def end module import return const value index state user error config'.split(' ')
const text = (n) => {
  let s = ''
  while (s.length < n) s += words[Math.floor(unit() * words.length)] + (unit() < 0.1 ? '\n' : ' ')
  return Buffer.from(s.slice(0, n))
}
// Sizes: log-uniform from 100 B to 4 MB, scaled so they add up to the total.
const raw = Array.from({ length: files }, () => Math.exp(Math.log(100) + unit() * Math.log(4e4)))
const factor = total / raw.reduce((a, b) => a + b, 0)
raw.forEach((r, i) => {
  const size = Math.max(1, Math.round(r * factor))
  // A tenth are committed sources (text); the rest build output: deps and _build, a fifth of it
  // text-like (scripts, maps), the rest compressed or binary.
  const kind = i % 10 === 0 ? 'src' : i % 3 === 0 ? 'deps' : '_build'
  const dir = join(root, kind, `m${i % 97}`, `p${i % 13}`)
  mkdirSync(dir, { recursive: true })
  const content = kind === 'src' || unit() < 0.2 ? text(size) : random(size)
  writeFileSync(join(dir, `f${i}.${kind === 'src' ? 'ex' : 'beam'}`), content)
})
JS
  printf '_build/\ndeps/\n' >"$large/.gitignore"
  git -C "$large" init -q
  commit_all "$large"
  touch "$large/.generated"
fi

# A key of the user's, as a CI run has (a throwaway key costs an RSA key generation per build).
[[ -f $work/bench.rsa ]] || openssl genrsa -out "$work/bench.rsa" 2048 2>/dev/null

run_once() { # app
  local app="$1" started ended line
  started=$(date +%s.%N)
  line=$(XDG_CACHE_HOME="$work/cache" node "$cli" build --workspace "$work/$app" --repository pakman/hello \
    --image "$image" --signing-key "$work/bench.rsa" --signing-key-name bench --packages-dir "$work/packages-$app" 2>"$work/last.log" >/dev/null &&
    grep '^==> Done' "$work/last.log") || { cat "$work/last.log" >&2; exit 1; }
  ended=$(date +%s.%N)
  echo "$line, whole $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')s"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Per run: the phases PAKman adds, their sum, abuild's own build and the whole, one line of
# name=value pairs. Parts a CLI does not report (main before the abuild/* parts) stay empty.
derive() {
  awk '{
    sub(/^==> Done \([^)]*\): /, "")
    n = split($0, parts, /, /)
    delete t
    for (i = 1; i <= n; i++) {
      p = parts[i]; v = p; sub(/.* /, "", v); sub(/s$/, "", v); sub(/ [0-9.]+s$/, "", p); t[p] = v
    }
    top = t["Render"] + t["Signing key"] + t["Build environment"] + t["abuild"] + t["Collect packages"] + t["Verify"]
    printf "render=%s environment=%s signing-key=%s container-setup=%s snapshot=%s hand-back=%s collect=%s verify=%s install-test=%s verify-phase=%s other=%.2f ",
      t["Render"], t["Build environment"], t["Signing key"], t["abuild/start"] + t["abuild/setup"], t["abuild/snapshot"],
      t["abuild/finish"], t["Collect packages"], t["Verify/signatures"], t["Verify/install test"], t["Verify"], t["whole"] - top
    printf "sum=%.2f abuild=%s whole=%s ratio=%.1f%%\n", t["whole"] - t["abuild/build"], t["abuild/build"], t["whole"], 100 * (t["whole"] - t["abuild/build"]) / t["whole"]
  }'
}

rows=(render environment signing-key container-setup snapshot hand-back collect verify install-test verify-phase other sum abuild whole ratio)
declare -A result
for app in small "large-$scale"; do
  run_once "$app" >/dev/null # warm-up: the environment image is built or restored once
  : >"$work/$app.txt"
  for _ in $(seq "$runs"); do run_once "$app" | derive >>"$work/$app.txt"; done
  for row in "${rows[@]}"; do
    result[$app.$row]=$(grep -o "\b$row=[0-9.]*" "$work/$app.txt" | cut -d= -f2 | median)
  done
done

echo "PAKman overhead, warm, median of $runs: ${label:-$cli}"
printf '%-16s %10s %10s\n' phase small "large($scale)"
for row in "${rows[@]}"; do
  suffix=s
  [[ $row == ratio ]] && suffix=%
  printf '%-16s %10s %10s\n' "$row" "${result[small.$row]}$suffix" "${result[large-$scale.$row]}$suffix"
done
echo "(verify-phase is the Verify phase's wall time: signatures and install test, as run;"
echo " sum = whole - abuild; container-setup = docker run + the build user; other = node start, docker"
echo " version, staging and committing the output)"
