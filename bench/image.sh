# shellcheck shell=bash
# Sourced by the benchmarks (run from the checkout's root): the stand-in base image, made the way
# the tests make theirs (test/docker/make-image.sh: the official Alpine 3.20.3 minirootfs, else
# alpine:3.20, with the stand-in abuild), with what PAKman's recipes depend on registered as
# installed, so no build needs a mirror.
# Usage: make_bench_image REFERENCE [MORE-PACKAGES ...]
make_bench_image() {
  local reference="$1" rootfs=../shared/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
  shift
  [[ -f $rootfs ]] || rootfs=alpine:3.20
  test/docker/make-image.sh "$reference" "$rootfs" alpine-sdk pigz openrc bash s6 execline jq curl "$@"
}
