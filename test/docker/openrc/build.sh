#!/usr/bin/env bash
# Builds the OpenRC test hosts: the official Alpine minirootfs (real apk, busybox) with the real
# OpenRC, s6, execline, bash, jq and curl, booted by busybox init as on a real host. See README.md
# beside this file for where each piece comes from and what differs from Alpine's own packages.
#
# Usage: build.sh [VARIANT ...]   (default: all)
#   0.56-bin       Alpine 3.20.3 rootfs, OpenRC 0.56, s6 and execline in /bin
#   0.56-usrbin    edge (2024-09-23) rootfs, OpenRC 0.56, s6 and execline in /usr/bin only
#   0.64.1-usrbin  edge (2024-09-23) rootfs, OpenRC 0.64.1, s6 and execline in /usr/bin only
# Prints each variant's image reference on a line of its own; progress goes to stderr.
#
# An image is tagged with a hash of this directory, so an existing one is used as it is. Building
# one downloads Debian's packages with a private apt state (the machine's apt configuration is
# not touched) and keeps them, unpacked, in a tar under the cache directory, named by a hash of
# the package list and of the code that makes it, for the next image and run.
# Environment (optional):
#   PAKMAN_TEST_CACHE  cache directory (default /var/cache/pakman-test, else ~/.cache/pakman-test)
#   PAKMAN_SHARED      the shared directory with alpine/ (default: ../shared beside the checkout)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${PAKMAN_SHARED:-$(dirname "$(dirname "$(dirname "$(dirname "$here")")")")/shared}"
cache="${PAKMAN_TEST_CACHE:-/var/cache/pakman-test}"
if ! mkdir -p "$cache" 2>/dev/null || [[ ! -w "$cache" ]]; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/pakman-test"
  mkdir -p "$cache"
fi

# The versions the images stand for are pinned; bash, jq, curl and the libraries are the suite's.
trixie_packages=(
  openrc=0.56-1 librc1t64=0.56-1 libeinfo1=0.56-1
  s6=2.13.1.0-1 libs6-2.13=2.13.1.0-1 execline=2.9.6.1-1 libexecline2.9=2.9.6.1-1
  libskarnet2.14t64=2.14.3.0-1 bash jq curl
)
sid_packages=(
  openrc=0.64.1-2 librc1t64=0.64.1-2 libeinfo1=0.64.1-2
  s6=2.15.1.0-1 libs6-2.15=2.15.1.0-1 execline=2.9.9.2-1 libexecline2.9=2.9.9.2-1
  libskarnet2.15=2.15.1.0-1 bash jq curl
)
# Registered with apk as installed, so packages that depend on them install offline.
registered=(openrc s6 execline bash jq curl)

variant() { # VARIANT: sets alpine, rootfs, suite, openrc, svscan (its s6-svscan service), bindir
  case "$1" in
    0.56-bin) alpine=3.20.3 suite=trixie openrc=0.56 svscan=0.56 bindir=/bin ;;
    0.56-usrbin) alpine=edge-20240923 suite=trixie openrc=0.56 svscan=0.56 bindir=/usr/bin ;;
    0.64.1-usrbin) alpine=edge-20240923 suite=sid openrc=0.64.1 svscan=0.64 bindir=/usr/bin ;;
    *)
      echo "build.sh: unknown variant '$1' (0.56-bin, 0.56-usrbin, 0.64.1-usrbin)" >&2
      exit 2
      ;;
  esac
  rootfs="$shared/alpine/alpine-minirootfs-${alpine#edge-}-x86_64.tar.gz"
}

key="$(cd "$here" && find . -type f ! -name README.md -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"

# The machine's own Debian mirror, from either format of apt's source lists.
debian_uri() {
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '$1 == "URIs:" && $2 ~ /\/debian\/?$/ { print $2; exit }')"
  if [[ -z "$uri" ]]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\/.*\/debian\/?$/) { print $i; exit } }')"
  fi
  [[ -n "$uri" ]] || {
    echo "build.sh: no Debian mirror in /etc/apt's source lists" >&2
    exit 1
  }
  echo "$uri"
}

# SUITE: sets $debian to the tar of the suite's packages, with everything they depend on,
# unpacked; downloads and makes it when the cache has none.
fetch_suite() {
  local suite="$1" apt tree deb packages
  if [[ "$suite" == trixie ]]; then packages=("${trixie_packages[@]}"); else packages=("${sid_packages[@]}"); fi
  debian="$cache/openrc-debian-$suite-$({ printf '%s\n' "${packages[@]}"; declare -f fetch_suite debian_uri; } |
    sha256sum | cut -c1-12).tar"
  [[ -f "$debian" ]] && return
  apt="$debian.apt"
  tree="$debian.tree"
  echo "build.sh: downloading Debian $suite's ${packages[*]}" >&2
  rm -rf "$apt" "$tree"
  mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/archives/partial" "$apt/state" "$tree"
  : >"$apt/state/status" # nothing installed: apt fetches the whole dependency closure
  printf '%s\n' 'Types: deb' "URIs: $(debian_uri)" "Suites: $suite" 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$apt/sources/$suite.sources"
  local options=(
    -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/sources"
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
    -o "Dir::State=$apt/state" -o "Dir::State::Lists=$apt/lists"
    -o "Dir::State::status=$apt/state/status" -o "Dir::Cache=$apt/cache"
    -o "Dir::Cache::Archives=$apt/archives" -o APT::Architectures::=amd64
    -o APT::Install-Recommends=false -o Debug::NoLocking=true
  )
  apt-get "${options[@]}" -qq update
  if ! apt-get "${options[@]}" -qq -y install --download-only "${packages[@]}" >/dev/null; then
    # Debian's suites move on: sid in particular replaces a version within months.
    echo "build.sh: Debian $suite no longer has the pinned versions above; pin the ones it has" \
      "(apt-cache policy openrc s6 execline, with this script's apt options) and check the" \
      "variant still stands for the same OpenRC s6 backend" >&2
    exit 1
  fi
  for deb in "$apt"/archives/*.deb; do
    dpkg-deb -x "$deb" "$tree"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' >>"$tree/debian-packages"
  done
  rm -rf "${tree:?}/usr/share"
  tar -C "$tree" -cf "$debian.part" .
  mv "$debian.part" "$debian"
  rm -rf "$apt" "$tree"
}

# VARIANT DIR: lays out the files the image adds to the rootfs in DIR/root, and its Dockerfile.
assemble() {
  local x="$2/debian" root="$2/root" program name
  mkdir -p "$x" "$root"/{bin,sbin,lib,lib64,usr/bin,usr/lib,usr/share/pakman-test}
  tar -C "$x" -xf "$debian"

  # glibc and the closure's libraries stay in Debian's multiarch directory, clear of musl's.
  cp -a "$x/usr/lib/x86_64-linux-gnu" "$root/usr/lib/"
  ln -s /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/"
  mv "$x/debian-packages" "$root/usr/share/pakman-test/"

  # OpenRC: its programs where Alpine has them; its helpers where Debian's build looks for them
  # (/usr/lib/rc), and /lib/rc, Alpine's place, a link to them.
  cp -a "$x/usr/lib/rc" "$root/usr/lib/"
  ln -s ../usr/lib/rc "$root/lib/rc"
  for program in openrc openrc-run rc-service rc-update rc-sstat supervise-daemon; do
    if [[ -e "$x/usr/sbin/$program" ]]; then
      cp -a "$x/usr/sbin/$program" "$root/sbin/"
    else
      cp -a "$x/usr/bin/$program" "$root/sbin/"
    fi
  done
  cp -a "$x/usr/bin/rc-status" "$root/bin/"
  mkdir -p "$root/etc/init.d" "$root/etc/conf.d" "$root"/etc/runlevels/{sysinit,boot,default,nonetwork,shutdown}
  install -m 755 "$here/init.d/s6-svscan.$svscan" "$root/etc/init.d/s6-svscan"
  install -m 755 "$here/init.d/localmount" "$root/etc/init.d/localmount"
  ln -s /usr/lib/rc/sh/functions.sh "$root/etc/init.d/functions.sh"
  install -m 644 "$here/rc.conf" "$root/etc/rc.conf"
  install -m 644 "$here/insserv.conf" "$root/etc/insserv.conf"

  # s6: the programs in the layout's directory. Debian built them to call each other by absolute
  # /usr/bin paths, so on the /bin layout those few get links in /usr/bin; the two generators of
  # run scripts are left out, which would otherwise give /usr/bin an s6-svscan and an s6-log.
  for program in "$x"/usr/bin/s6-* "$x"/usr/bin/ucspilogd; do
    cp -a "$program" "$root$bindir/"
  done
  if [[ "$bindir" == /bin ]]; then
    for name in $(find "$x/usr/bin" "$x/usr/lib/x86_64-linux-gnu" -name 's6-*' -o -name 'libs6*' |
      grep -v -e s6-instance-maker -e s6-usertree-maker | xargs grep -aoh '/usr/bin/s6-[a-z0-9-]*' | sort -u); do
      ln -s "/bin/${name#/usr/bin/}" "$root$name"
    done
  fi

  # execline: Debian's programs stay in /usr/lib/execline/bin, where its library calls them; each
  # gets a link in the layout's directory, PATH's way to them, as Alpine installs them there.
  cp -a "$x/usr/lib/execline" "$root/usr/lib/"
  for program in "$x"/usr/lib/execline/bin/*; do
    ln -s "/usr/lib/execline/bin/${program##*/}" "$root$bindir/${program##*/}"
  done
  [[ "$bindir" == /bin ]] || ln -s /usr/bin/execlineb "$root/bin/execlineb"

  cp -a "$x/usr/bin/bash" "$root/bin/bash"
  cp -a "$x/usr/bin/jq" "$x/usr/bin/curl" "$root/usr/bin/"

  {
    echo "FROM $base"
    echo "COPY root/ /"
    # No repositories (there is no network); no gettys (a container has no ttys, and busybox
    # init would respawn them for ever), as in LXD's Alpine images.
    echo "RUN : >/etc/apk/repositories && sed -i 's/^tty/#tty/' /etc/inittab \\"
    for name in "${registered[@]}"; do
      echo "  && apk add --quiet --no-network --virtual $name \\"
    done
    echo "  && true"
    echo "LABEL pakman.alpine=$alpine pakman.openrc=$openrc pakman.s6-bindir=$bindir"
    echo 'CMD ["/sbin/init"]'
  } >"$2/Dockerfile"
}

context="" # the build's Docker context, removed however the script ends
trap '[[ -z "$context" ]] || rm -rf "$context"' EXIT

build() { # VARIANT REFERENCE
  [[ -f "$rootfs" ]] || {
    echo "build.sh: $rootfs is missing (the shared Alpine rootfs tarballs)" >&2
    exit 1
  }
  # The same imported rootfs image as test/docker/make-image.sh makes.
  base="pakman-test/rootfs:$(sha256sum "$rootfs" | cut -c1-16)"
  docker image inspect "$base" >/dev/null 2>&1 ||
    docker import --change 'CMD ["/bin/sh"]' "$rootfs" "$base" >/dev/null
  fetch_suite "$suite"
  echo "build.sh: building $2" >&2
  context="$(mktemp -d)"
  assemble "$1" "$context"
  if ! DOCKER_BUILDKIT=0 docker build --quiet --network none -t "$2" "$context" >"$context/log" 2>&1; then
    cat "$context/log" >&2
    exit 1
  fi
  rm -rf "$context"
  context=""
}

(($#)) || set -- 0.56-bin 0.56-usrbin 0.64.1-usrbin
for name in "$@"; do
  variant "$name"
  reference="pakman-test/openrc:$name-$key"
  if ! docker image inspect "$reference" >/dev/null 2>&1; then
    # One build at a time: test files may ask for the same image at once.
    exec 9>"$cache/openrc.lock"
    flock 9
    docker image inspect "$reference" >/dev/null 2>&1 || build "$name" "$reference"
    exec 9>&-
  fi
  echo "$reference"
done
