#!/usr/bin/env bash
# Builds the test stand-in for an Alpine image, offline: Debian's busybox-static for the base
# system, the stand-ins in ./stand-ins for apk, abuild, adduser and addgroup, and the host's openssl
# with its libraries (the stand-in abuild signs with it). Imported with `docker import`.
# Usage: make-image.sh IMAGE-REFERENCE [PACKAGE the stand-in apk reports as installed ...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
reference="$1"
shift
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,etc/apk/keys,etc/stand-in,tmp,home,root}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  case "$applet" in busybox | adduser | addgroup) ;; *) ln -s /bin/busybox "$root/bin/$applet" ;; esac
done
install -m 755 "$here/stand-ins/apk" "$root/sbin/apk"
for tool in abuild adduser addgroup; do install -m 755 "$here/stand-ins/$tool" "$root/usr/bin/$tool"; done

openssl="$(command -v openssl)"
install -D -m 755 "$openssl" "$root/usr/bin/openssl"
for library in $(ldd "$openssl" | grep -o '/[^ ]*'); do
  install -D -m 755 "$(readlink -f "$library")" "$root$library"
done

echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:root' >"$root/etc/group"
printf '%s\n' "$@" >"$root/etc/stand-in/installed"
tar -C "$root" -c . | docker import - "$reference" >/dev/null
