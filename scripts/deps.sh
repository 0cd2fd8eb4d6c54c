#!/bin/sh
# Install the Debian packages hao needs to build, test or benchmark, when missing.
# Usage: scripts/deps.sh build|test|bench   (each set includes the one before)
#        scripts/deps.sh deb                 (build + Debian's packaging tools, for make deb;
#                                             debootstrap for make test-deb)
# Runs apt-get only for packages that are not installed yet, so it is quick
# and quiet on a machine that already has everything.
set -eu
want="$1"
build="gcc make pkg-config libh2o-evloop-dev libssl-dev libuv1-dev libmd4c-dev libsqlite3-dev libicu-dev libopencc-dev
       libpq-dev libcurl4-openssl-dev libsodium-dev libjansson-dev libvips-dev libmagic-dev libavformat-dev libavcodec-dev libavutil-dev
       libswscale-dev libexempi-dev liboath-dev libqrencode-dev libcbor-dev libseccomp-dev libarchive-dev libxml2-dev"
test="$build fortunes-zh opencc clang libclang-rt-14-dev libcmocka-dev chromium fonts-wqy-zenhei curl libxml2-utils sqlite3
      postgresql libvips-tools ffmpeg oathtool"
bench="$test wrk nginx procps"
# Java for the Nu Html Checker (npm vnu-jar, tests/browser/html-validity.test.mjs).
test="$test default-jre-headless"; bench="$bench default-jre-headless"

deb="$build debhelper dpkg-dev fakeroot lintian adduser debootstrap"
case "$want" in
  build) pkgs=$build ;;
  test) pkgs=$test ;;
  bench) pkgs=$bench ;;
  deb) pkgs=$deb ;;
  *) echo "usage: $0 build|test|bench|deb" >&2; exit 2 ;;
esac
missing=""
# Node.js may come from Debian or from another packaging of it (whose nodejs
# bundles npm and conflicts with Debian's npm), so ask for the commands. On
# Debian 12 that is Node 18 and npm 9: npm installs the Node the tests run on
# (tests/node), and the release HTTP pass runs on this one (scripts/test.sh).
if [ "$want" != build ]; then
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || true
$SUDO apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 $missing >/dev/null
