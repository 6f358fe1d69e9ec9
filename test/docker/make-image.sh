#!/usr/bin/env bash
# Builds a test image offline from a real Alpine userland: the official minirootfs tarball
# (docker import), or an alpine:<version> image already in Docker. Everything in it is Alpine's
# own (apk-tools, busybox adduser/addgroup/su/tar) except what the rootfs lacks, which comes as
# stand-ins from ./stand-ins: abuild, rc-update, rc-service, and the host's openssl, GNU tar and
# pigz (when the host has it) with their libraries (the stand-in abuild uses them); abuild-tar is
# compiled from its stand-in when the host has a C compiler and OpenSSL's headers. apk gets no
# repositories (no network here), and the packages named after the base are registered as empty
# virtual packages, so that apk and anything asking apk sees them as installed.
# Usage: make-image.sh IMAGE-REFERENCE BASE [PACKAGE ...]
#   BASE: a minirootfs .tar.gz, or an image reference (e.g. alpine:3.20, pulled if missing)
# Environment (optional):
#   PAKMAN_TEST_REPOSITORY      a local apk repository directory (<dir>/<arch>/APKINDEX.tar.gz) that
#                               becomes the image's only repository, so `apk add` installs for real
#   PAKMAN_TEST_REPOSITORY_KEY  the public key its index and packages are signed with
#   PAKMAN_TEST_SETUP           shell run as root last, e.g. to add users the build must cope with
#   PAKMAN_TEST_PLATFORM_ARCH   record the image as this Docker architecture (arm64): `docker import`
#                               records the daemon's own, and `docker run --platform` would then
#                               try to pull instead of running the local image under QEMU
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
reference="$1"
base="$2"
shift 2
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT

if [[ -f "$base" ]]; then
  rootfs="pakman-test/rootfs:$(sha256sum "$base" | cut -c1-16)"
  if ! docker image inspect "$rootfs" >/dev/null 2>&1; then
    docker import --change 'CMD ["/bin/sh"]' "$base" "$rootfs" >/dev/null
  fi
  base="$rootfs"
elif ! docker image inspect "$base" >/dev/null 2>&1; then
  docker pull --quiet "$base" >/dev/null
fi

mkdir -p "$context/root/usr/bin" "$context/root/sbin"
install -m 755 "$here/stand-ins/abuild" "$context/root/usr/bin/abuild"
install -m 755 "$here/stand-ins/rc-update" "$here/stand-ins/rc-service" "$context/root/sbin/"
# Host tools the stand-in abuild needs, with their libraries (glibc beside musl does no harm):
# openssl signs; GNU tar writes the per-file checksums apk expects (as gnutar: tar stays busybox).
host_tool() { # tool name-in-image
  host_binary "$(command -v "$1")" "$2"
}
host_binary() { # path name-in-image
  local path="$1"
  install -D -m 755 "$path" "$context/root/usr/bin/$2"
  for library in $(ldd "$path" | grep -o '/[^ ]*'); do
    install -D -m 755 "$(readlink -f "$library")" "$context/root$library"
  done
}
host_tool openssl openssl
host_tool tar gnutar
# pigz, which the build environment installs and abuild compresses with, when the host has it.
if command -v pigz >/dev/null; then host_tool pigz pigz; fi
# abuild-tar --hash lets the stand-in write a package's data in one tar stream, as the real
# abuild does; without it the stand-in appends file by file (slow for large trees).
if command -v cc >/dev/null && [[ -f /usr/include/openssl/sha.h ]] &&
  cc -O2 -o "$context/abuild-tar" "$here/stand-ins/abuild-tar.c" -lcrypto 2>"$context/cc.log"; then
  host_binary "$context/abuild-tar" abuild-tar
fi

repositories=""
if [[ -n "${PAKMAN_TEST_REPOSITORY:-}" ]]; then
  mkdir -p "$context/root/srv/test-repository" "$context/root/etc/apk/keys"
  cp -r "$PAKMAN_TEST_REPOSITORY"/. "$context/root/srv/test-repository/"
  cp "$PAKMAN_TEST_REPOSITORY_KEY" "$context/root/etc/apk/keys/"
  repositories=/srv/test-repository
fi
printf '%s\n' "${PAKMAN_TEST_SETUP:-}" >"$context/setup.sh"

{
  echo "FROM $base"
  echo "COPY root/ /"
  echo "COPY setup.sh /tmp/setup.sh"
  echo "RUN echo '$repositories' >/etc/apk/repositories \\"
  for package in "$@"; do
    echo "  && apk add --quiet --no-network --virtual '$package' \\"
  done
  echo "  && sh -eu /tmp/setup.sh && rm /tmp/setup.sh"
} >"$context/Dockerfile"
if ! DOCKER_BUILDKIT=0 docker build --quiet --network none -t "$reference" "$context" >"$context/log" 2>&1; then
  cat "$context/log" >&2
  exit 1
fi

if [[ -n "${PAKMAN_TEST_PLATFORM_ARCH:-}" ]]; then
  # Rewrite the architecture in the image config (its digest is the image id, so the file is
  # renamed and the manifest updated), then load it back under the same reference.
  saved="$context/saved"
  mkdir "$saved"
  docker save "$reference" | tar -C "$saved" -x
  node - "$saved" "$PAKMAN_TEST_PLATFORM_ARCH" <<'JS'
const { createHash } = require('node:crypto')
const { readFileSync, rmSync, writeFileSync } = require('node:fs')
const [dir, architecture] = process.argv.slice(2)
const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'))
const config = JSON.parse(readFileSync(`${dir}/${manifest[0].Config}`, 'utf8'))
config.architecture = architecture
const text = JSON.stringify(config)
const name = `${createHash('sha256').update(text).digest('hex')}.json`
rmSync(`${dir}/${manifest[0].Config}`)
writeFileSync(`${dir}/${name}`, text)
manifest[0].Config = name
writeFileSync(`${dir}/manifest.json`, JSON.stringify(manifest))
JS
  tar -C "$saved" -c . | docker load --quiet >/dev/null
fi
