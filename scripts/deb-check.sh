#!/bin/sh
# Check the package make deb built (ops, issue 17), without installing it on
# this machine: its files, the unit (systemd-analyze verify and security),
# every man page rendering cleanly, and the packaged binary's help and check.
# Usage: scripts/deb-check.sh build/deb/hao_VERSION_ARCH.deb
set -eu
deb=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
fail() { echo "deb-check: $*" >&2; exit 1; }
for f in usr/bin/hao etc/hao/hao.conf lib/systemd/system/hao.service \
         usr/share/doc/hao/examples/nginx-hao.conf usr/share/bash-completion/completions/hao \
         usr/share/man/man1/hao.1.gz; do
  [ -e "$root/$f" ] || fail "missing /$f"
done
# Every command the packaged binary's usage lists has its man page.
for c in $("$root/usr/bin/hao" --help | sed -n 's/^  hao \([a-z-]*\).*/\1/p' | sort -u); do
  m=$root/usr/share/man/man1/hao-$c.1.gz
  [ -e "$m" ] || fail "missing man page hao-$c(1)"
  out=$(zcat "$m" | LC_ALL=C.UTF-8 MANWIDTH=80 man -l -Tutf8 - 2>&1 >/dev/null) || fail "hao-$c(1) does not render"
  [ -z "$out" ] || fail "hao-$c(1): $out"
  "$root/usr/bin/hao" help "$c" | grep -q "^hao $c - " || fail "hao help $c"
done
dpkg-deb -I "$deb" postinst | grep -q "adduser --system" || fail "postinst makes no system user"
# The unit: its syntax (the paths it names exist in the package, so check it
# from a copy pointed at the extracted binary), then its exposure.
sed "s|/usr/bin/hao|$root/usr/bin/hao|g; /^Documentation=/d" "$root/lib/systemd/system/hao.service" >"$root/hao.service"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$root/hao.service" || fail "systemd-analyze verify"
  systemd-analyze security --offline=yes --threshold=30 "$root/hao.service" | tail -1
fi
# The packaged binary works on a fresh data directory.
echo 'deb-check-password-1' | "$root/usr/bin/hao" user add admin --role admin --data "$root/data" >/dev/null ||
  fail "hao user add on a fresh site"
"$root/usr/bin/hao" check --data "$root/data" || fail "hao check on a fresh site"
echo "deb-check: $(basename "$deb") ok"
