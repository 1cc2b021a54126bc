#!/usr/bin/env bash
# Installs the Debian packages weir needs to build and test, then
# configures and builds it in build/ (and build-asan/ with --asan).
# Safe to run again: apt-get and meson skip what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config meson ninja-build lemon re2c libsqlite3-dev sqlite3 \
check libsubunit-dev libedit-dev libjansson-dev libpcre2-dev"

missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

configure() { # dir, extra meson options...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" >/dev/null
}

configure build --buildtype=release
if [ "${1:-}" = "--asan" ]; then
  configure build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
fi
