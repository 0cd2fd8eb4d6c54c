#!/bin/bash
# scripts/deb-test.sh (make test-deb) — the package test of issue 17: the .deb
# installs, starts, upgrades (migrations run) and purges cleanly in a fresh
# Debian 12, with Depends resolved by apt from Debian (the real check that
# Depends are complete: scripts/deb-check.sh only looks inside the .deb).
#
#   make test-deb                 (as root: debootstrap, chroot and mounts)
#
# What it does, in a chroot of a minimal Debian 12 (bookworm) root:
#   1. installs the previous package (built once from HAO_DEB_TEST_FROM, the
#      first packaged commit by default, with its version lowered by a "~old"
#      so the current one is newer), makes a site with it (an account, an
#      imported work) and serves it;
#   2. installs the current package (make deb) over it: apt resolves the new
#      Depends; `hao check` must then say the schema is behind (migrations
#      pending), `hao serve` (started as root, it drops to the hao user) must
#      migrate, answer /healthz and serve the old work, and `hao check` pass;
#   3. checks the installed package: every file `dpkg -L` lists, the hao
#      system user, /var/lib/hao and /etc/hao/hao.conf ownership, the unit
#      (systemd-analyze verify, and security rated OK or better), each man
#      page rendering without groff warnings, and `hao help CMD`, its man page
#      and `hao --help` naming the same commands, synopses and options;
#   4. purges it: /etc/hao, /var/lib/hao (the site's data, as debian/postrm
#      says), the hao user and group and every packaged file are gone;
#   5. installs the current package again on that system (after autoremove,
#      so its Depends are resolved afresh), makes a site, checks and serves
#      it, and purges once more.
# No service is started by the packages' scripts in the chroot (policy-rc.d
# says no, and there is no systemd running there): hao serve is started by
# hand on a loopback port, so the test cannot clash with a real service.
#
# The pristine root is debootstrapped once (1.5 minutes here, up to 10 on a
# slow mirror) and kept as a tarball in ~/.cache/hao-deb-test
# (HAO_DEB_TEST_CACHE), with the previous package and apt's downloaded
# archives: a cold run took 4 minutes here, a warm one 2.5.
# scripts/test.sh runs this only when that tarball exists or HAO_TEST_DEB=1.
# Each check prints ok or FAILED; exits 1 when any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "deb-test: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
cache=${HAO_DEB_TEST_CACHE:-$HOME/.cache/hao-deb-test}
from=${HAO_DEB_TEST_FROM:-ad36be7}
base=$cache/bookworm-base.tar.gz
mkdir -p "$cache/archives"
t0=$(date +%s)
say() { echo "deb-test: [$(( $(date +%s) - t0 ))s] $*"; }
passed=0; failed=0
ok() { echo "  ok      $*"; passed=$((passed + 1)); }
bad() { echo "  FAILED  $*"; failed=$((failed + 1)); }
expect() { # description command...: ok when the command succeeds
  local d=$1; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}

work=$(mktemp -d /tmp/hao-deb-test-XXXXXX)
root=$work/root
srv=""
cleanup() {
  [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
  for m in var/cache/apt/archives dev/pts dev sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
  done
  # Never remove the root while anything is still mounted inside it: rm
  # would go through the bind mounts into the host's /dev or the cache.
  if findmnt -rn -o TARGET | grep -q "^$root/"; then echo "deb-test: left $work: mounts remain" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

scripts/deps.sh deb
command -v debootstrap >/dev/null || { apt-get install -y -q debootstrap >/dev/null; }
mirror=$(grep -rh '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
[ -n "$mirror" ] || mirror=$(grep -h '^deb ' /etc/apt/sources.list | head -1 | awk '{print $2}')

# ---- the packages ----
say "building the current package (make deb)"
make --no-print-directory deb >"$work/make-deb.log" 2>&1 || { tail -30 "$work/make-deb.log"; echo "deb-test: make deb failed" >&2; exit 1; }
new=$(ls build/deb/hao_*.deb)
newver=$(dpkg-deb -f "$new" Version)

# The previous package: the tree at $from with its changelog's version lowered
# by "~old" (sorts before the current 0.1.0), built once and cached by commit.
fromsha=$(git rev-parse --short=12 "$from^{commit}")
old=$(ls "$cache/old-$fromsha"/hao_*.deb 2>/dev/null | head -1 || true)
if [ -z "$old" ]; then
  say "building the previous package from $fromsha (once; cached)"
  rm -rf "$cache/old-$fromsha" && mkdir -p "$cache/old-$fromsha/src"
  git archive "$fromsha" | tar -C "$cache/old-$fromsha/src" -xf -
  sed -i '1s/(\([^)]*\))/(\1~old+'"$fromsha"')/' "$cache/old-$fromsha/src/debian/changelog"
  (cd "$cache/old-$fromsha/src" && DEB_BUILD_OPTIONS="parallel=2 nocheck" dpkg-buildpackage -us -uc -b) >"$work/old.log" 2>&1 ||
    { tail -30 "$work/old.log"; echo "deb-test: the previous package did not build" >&2; exit 1; }
  rm -rf "$cache/old-$fromsha/src" "$cache/old-$fromsha"/hao-dbgsym_*
  old=$(ls "$cache/old-$fromsha"/hao_*.deb)
fi
oldver=$(dpkg-deb -f "$old" Version)
dpkg --compare-versions "$oldver" lt "$newver" || { echo "deb-test: $oldver is not older than $newver" >&2; exit 1; }

# ---- the root ----
if [ ! -s "$base" ]; then
  say "debootstrapping a minimal Debian 12 (once; cached as $base)"
  # systemd for systemd-analyze, man-db (and groff-base) for the man pages:
  # both are on any Debian server hao would be installed on.
  debootstrap --variant=minbase --include=systemd,man-db,ca-certificates bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; echo "deb-test: debootstrap failed" >&2; exit 1; }
  tar -C "$work/base" -czf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$work/base"
fi
say "unpacking the Debian 12 root"
mkdir -p "$root" && tar -C "$root" -xzf "$base"
# This machine's apt sources and settings (its mirror may serve a snapshot
# whose Release files are past Valid-Until) and CA bundle (a proxy may sign).
rm -f "$root/etc/apt/sources.list"
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || cp /etc/apt/sources.list "$root/etc/apt/"
printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' >"$root/etc/apt/apt.conf.d/99hao-deb-test"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
# No maintainer script may start a service here (invoke-rc.d asks this).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
# Downloaded .debs are kept between runs (the root itself is thrown away).
mount --bind "$cache/archives" "$root/var/cache/apt/archives"
cp "$old" "$root/tmp/" && cp "$new" "$root/tmp/"
oldin=/tmp/$(basename "$old"); newin=/tmp/$(basename "$new")

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
              DEBIAN_FRONTEND=noninteractive "$@"; }
as_hao() { in_root runuser -u hao -- "$@"; }
apt_in() { in_root apt-get -y -q -o DPkg::Lock::Timeout=300 "$@" >>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; return 1; }; }

port=$((30000 + RANDOM % 20000))
start_serve() { # started as root: hao binds, then runs as the hao user
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 /usr/bin/hao serve --data /var/lib/hao \
    --listen 127.0.0.1:$port >"$work/serve.log" 2>&1 &
  srv=$!
  for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0; sleep 0.2; done
  tail -5 "$work/serve.log"; return 1
}
stop_serve() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null || true; srv=""; }
# The server's uid, as a number: the host's passwd does not know the root's users.
serve_uid() { awk '/^Uid:/ {print $2}' "/proc/$srv/status"; }
# page PATH TEXT: the server answers PATH with 200 and a body containing TEXT
page() { local b; b=$(curl -sf "http://127.0.0.1:$port$1") && grep -qF "$2" <<<"$b"; }
schema() { in_root hao check --data /var/lib/hao 2>&1 || true; }

say "apt-get update in the root"
apt_in update

# ---- 1. the previous package, and a site made with it ----
say "1. installing the previous package $oldver"
expect "apt-get install ./$(basename "$old") (Depends from Debian)" apt_in install "$oldin"
printf '# A first work\n\nWritten by the package test before the upgrade.\n' >"$root/tmp/first.md"
chmod 644 "$root/tmp/first.md"
expect "hao user add with $oldver" sh -c "echo deb-test-password-1 | chroot '$root' runuser -u hao -- hao user add admin --role admin --data /var/lib/hao >/dev/null"
work_path=$(as_hao hao import /tmp/first.md --author admin --data /var/lib/hao 2>"$work/import.err" | cut -f2 | head -1) || true
[ -n "$work_path" ] && ok "hao import with $oldver: $work_path" || { bad "hao import with $oldver"; cat "$work/import.err"; }
if start_serve; then
  ok "$oldver serves /healthz"
  expect "$oldver serves the imported work ($work_path)" page "$work_path" "A first work"
else bad "$oldver starts"; fi
stop_serve

# ---- 2. the upgrade ----
say "2. upgrading to $newver"
expect "apt-get install ./$(basename "$new") over $oldver" apt_in install "$newin"
expect "dpkg says $newver is installed" sh -c "chroot '$root' dpkg-query -W -f '\${Version} \${Status}' hao | grep -qx '$newver install ok installed'"
before=$(schema)
case $before in
  *"start hao serve once to upgrade it"*) ok "before serve, hao check reports migrations pending: ${before##*: }" ;;
  *consistent*) echo "  note    $oldver and $newver have the same schema: no migration to run" ;;
  *) bad "hao check before the first serve: $before" ;;
esac
if start_serve; then
  ok "$newver serves /healthz after the upgrade"
  hao_uid=$(in_root id -u hao)
  expect "hao serve runs as the hao user (uid $hao_uid) once bound" test "$(serve_uid)" = "$hao_uid"
  expect "the work made by $oldver is still served" page "$work_path" "A first work"
  expect "the home page lists it" page / "A first work"
else bad "$newver starts after the upgrade"; fi
stop_serve
after=$(schema)
case $after in *consistent*) ok "hao check after the upgrade: ${after#hao: check: }" ;; *) bad "hao check after the upgrade: $after" ;; esac

# ---- 3. the installed package ----
say "3. checking the installed package"
missing=$(in_root dpkg -L hao | while read -r f; do [ -e "$root$f" ] || echo "$f"; done)
expect "every file dpkg -L hao lists exists${missing:+ (missing: $missing)}" test -z "$missing"
for f in /usr/bin/hao /etc/hao/hao.conf /lib/systemd/system/hao.service /usr/share/doc/hao/examples/nginx-hao.conf \
         /usr/share/bash-completion/completions/hao /usr/share/man/man1/hao.1.gz /usr/share/doc/hao/copyright; do
  expect "packaged: $f" sh -c "chroot '$root' dpkg -L hao | grep -qx '$f'"
done
pw=$(in_root getent passwd hao || true)
IFS=: read -r _ _ uid gid _ home shell <<<"$pw"
expect "hao is a system user ($pw)" test -n "$pw" -a "${uid:-1000}" -lt 1000
expect "its home is /var/lib/hao and it has no login shell" test "$home" = /var/lib/hao -a "$shell" = /usr/sbin/nologin
expect "group hao is its group" test "$(in_root getent group hao | cut -d: -f3)" = "$gid"
# (Numeric ids: stat here would name them from the host's passwd.)
expect "/var/lib/hao is hao:hao 750" test "$(stat -c '%u:%g %a' "$root/var/lib/hao")" = "$uid:$gid 750"
expect "/etc/hao/hao.conf is root:hao 640" test "$(stat -c '%u:%g %a' "$root/etc/hao/hao.conf")" = "0:$gid 640"
expect "/var/lib/hao/hao.conf links to it" test "$(readlink "$root/var/lib/hao/hao.conf")" = /etc/hao/hao.conf
expect "systemd-analyze verify hao.service" in_root systemd-analyze verify /lib/systemd/system/hao.service
sec=$(in_root systemd-analyze security --offline=yes /lib/systemd/system/hao.service 2>&1 | tail -1)
expect "systemd-analyze security: ${sec#→ }" grep -qE ' (OK|SAFE) ' <<<"$sec"

# The commands, as `hao --help` lists them; each has a help page and a man page.
usage=$(in_root hao --help)
cmds=$(sed -n 's/^  hao \([a-z-]*\).*/\1/p' <<<"$usage" | awk '!s[$0]++')
pages=$(in_root dpkg -L hao | sed -n 's|^/usr/share/man/man1/hao-\(.*\)\.1\.gz$|\1|p')
expect "a man page for each command of hao --help, and no other ($(echo $cmds))" \
  test "$(sort <<<"$cmds")" = "$(sort <<<"$pages")"
listed=$(in_root hao help hao | sed -n 's/^Commands: \([^.]*\)\..*/\1/p' | tr -d ,)
expect "hao help hao lists the same commands" test "$(tr ' ' '\n' <<<"$listed" | sort)" = "$(sort <<<"$cmds")"
flags() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u | tr '\n' ' '; }
unroff() { sed 's/\\-/-/g; s/\\e/\\/g; s/\\&//g'; }
for p in hao $pages; do
  m=/usr/share/man/man1/${p/#hao/hao}.1.gz; [ "$p" = hao ] || m=/usr/share/man/man1/hao-$p.1.gz
  # man-db's and groff's warnings both: a page that renders with any is wrong.
  w=$( { in_root sh -c "MANWIDTH=80 man --warnings=all -l $m >/dev/null"; in_root sh -c "zcat $m | groff -man -ww -z -Tutf8"; } 2>&1 )
  expect "$(basename "$m") renders without warnings${w:+: $w}" test -z "$w"
  [ "$p" = hao ] && continue
  src=$(zcat "$root$m" | unroff)
  help=$(in_root hao help "$p")
  expect "hao help $p and its man page: the same summary" \
    test "$(head -1 <<<"$help" | sed 's/^hao [^ ]* - //')" = "$(sed -n '/^\.SH NAME/{n;s/^hao-[^ ]* - //p}' <<<"$src")"
  expect "hao help $p and its man page: the same synopsis" \
    test "$(sed -n '/^usage:/,/^$/{/^  /s/^  //p}' <<<"$help")" = "$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/{s/^\.B //p}' <<<"$src")"
  hf=$(flags <<<"$help"); mf=$(flags <<<"$src")
  uf=$(awk -v c="$p" '/^  hao /{on = ($2 == c)} /^[^ ]/{on = 0} on' <<<"$usage" | flags)
  expect "hao help $p and its man page: the same options ($hf)" test "$hf" = "$mf"
  expect "hao --help gives $p the same options${uf:+ ($uf)}" test "$hf" = "$uf"
done

# ---- 4. purge ----
say "4. purging"
files=$(in_root dpkg -L hao | grep -v '^/\.$' | grep -vE '^/(usr|usr/bin|usr/share|usr/share/man|usr/share/man/man1|usr/share/doc|etc|lib|lib/systemd|lib/systemd/system|usr/share/bash-completion|usr/share/bash-completion/completions)$')
expect "apt-get purge hao" apt_in purge hao
purged() {
  local left=""
  for f in /etc/hao /var/lib/hao $files; do
    [ -e "$root$f" ] || [ -L "$root$f" ] || continue
    # A directory another package also ships (/usr/share/lintian/overrides)
    # stays, rightly.
    [ -d "$root$f" ] && [ ! -L "$root$f" ] && chroot "$root" dpkg-query -S "$f" >/dev/null 2>&1 && continue
    left="$left $f"
  done
  expect "purge leaves none of /etc/hao, /var/lib/hao and the packaged files${left:+ (left:$left)}" test -z "$left"
  expect "purge removes the hao user" sh -c "! chroot '$root' getent passwd hao >/dev/null"
  expect "purge removes the hao group" sh -c "! chroot '$root' getent group hao >/dev/null"
  expect "dpkg knows no hao" sh -c "! chroot '$root' dpkg-query -W -f '\${Status}' hao 2>/dev/null | grep -q installed"
}
purged

# ---- 5. a fresh install of the current package ----
say "5. installing $newver afresh"
apt_in autoremove --purge
expect "apt-get install ./$(basename "$new") afresh (Depends from Debian)" apt_in install "$newin"
expect "the hao user again" sh -c "chroot '$root' getent passwd hao >/dev/null"
expect "hao user add on a fresh site" sh -c "echo deb-test-password-1 | chroot '$root' runuser -u hao -- hao user add admin --role admin --data /var/lib/hao >/dev/null"
expect "hao check on the fresh site" as_hao hao check --data /var/lib/hao
if start_serve; then
  ok "$newver serves /healthz on a fresh install"
  expect "the fresh site's home page" page / "<html"
else bad "$newver starts on a fresh install"; fi
stop_serve
expect "apt-get purge hao again" apt_in purge hao
purged

say "$passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
