#!/bin/bash
# check-layers.sh — hao's one-way dependency rule, checked over every
# `#include "..."` line under src/. Exits non-zero, naming file:line and the
# rule broken, when a file includes a header it must not.
#
# The layers, lowest first (rank):
#   0 core/                       buffers, text, clock, the content-change signal
#   1 db/                         the store (SQLite, PostgreSQL)
#   2 search/ media/ provenance/  domain engines, each on core and db only
#   3 http/                       event loops, router, response writers
#   4 site/                       the application: pages, studio, API, trust, ops
#   5 src/main.c                  the command; wires the layers together
#
# Rules:
#   1. A file includes headers of its own layer or of lower ones, never of a
#      higher one. A lower layer learns of a higher one only through what is
#      registered with it at start (http/server.h's server_app_t, the search
#      segmenter in db/fts_sqlite.h, the notifier in core/changed.h).
#   2. search/, media/ and provenance/ are peers that do not know each other:
#      each includes only itself, core/ and db/. (True today; a peer that
#      needs another is a sign the shared part belongs lower down.)
#   3. Inside site/, the page kit (site/*.h) and the audience folders
#      (reader/, studio/, works/, api/, trust/, accounts/, ops/) may include
#      each other: they are one layer.
#   4. A quoted include names its layer folder ("db/db.h"). A folder of src/
#      that is not ranked here, or a quoted include outside the known
#      layers, fails: rank it here first.
# Angle-bracket includes (system and library headers) are not checked.
#
# Usage: scripts/check-layers.sh [SRC_DIR]     (default: src)
# Before checking SRC_DIR it checks itself on small trees with a known answer,
# so a broken checker cannot pass silently.
set -uo pipefail
cd "$(dirname "$0")/.."

# check_tree DIR: print one line per violation; exit status 1 if any.
check_tree() {
  local dir=$1
  (cd "$dir" && find . -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sed 's|^\./||' | LC_ALL=C sort |
    xargs -r awk -v root="$dir" '
      function rank(layer) {
        if (layer == "core") return 0
        if (layer == "db") return 1
        if (layer == "search" || layer == "media" || layer == "provenance") return 2
        if (layer == "http") return 3
        if (layer == "site") return 4
        if (layer == "main") return 5
        return -1
      }
      function layer_of_file(path,   n, parts) {
        n = split(path, parts, "/")
        return n == 1 ? (path == "main.c" ? "main" : "?") : parts[1]
      }
      FNR == 1 {
        file = FILENAME; from = layer_of_file(file)
        if (rank(from) < 0) {
          printf "%s/%s: in no layer (rule 4): rank its folder in scripts/check-layers.sh\n", root, file
          bad = 1
        }
      }
      match($0, /^[ \t]*#[ \t]*include[ \t]*"[^"]*"/) {
        inc = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", inc); sub(/"$/, "", inc)
        if (rank(from) < 0) next
        to = (index(inc, "/") ? substr(inc, 1, index(inc, "/") - 1) : "")
        where = sprintf("%s/%s:%d", root, file, FNR)
        if (to == "" || rank(to) < 0 || to == "main") {
          printf "%s: includes \"%s\", which names no layer folder (rule 4)\n", where, inc
          bad = 1
        } else if (rank(to) > rank(from)) {
          printf "%s: %s (rank %d) includes %s from %s (rank %d): a lower layer must not include a higher one (rule 1)\n",
                 where, from, rank(from), inc, to, rank(to)
          bad = 1
        } else if (rank(to) == rank(from) && to != from) {
          printf "%s: %s includes %s from its peer %s: search, media and provenance use only themselves, core and db (rule 2)\n",
                 where, from, inc, to
          bad = 1
        }
      }
      END { exit bad ? 1 : 0 }')
}

# The checker on trees whose answer is known: a clean one passes, each of a
# few bad ones fails.
self_test() {
  local t rc=0
  t=$(mktemp -d /tmp/hao-layers-XXXXXX)
  mk() { mkdir -p "$t/$1/$(dirname "$2")"; printf '%s\n' "${@:3}" >"$t/$1/$2"; }
  mk good core/buf.h '#include <stdio.h>'
  mk good db/db.c '#include "core/buf.h"' '#include "db/db.h"'
  mk good search/index.c '#include "db/db.h"'
  mk good http/router.c '#include "search/search.h"' '  #  include "http/http.h"'
  mk good site/trust/notice.c '#include "site/reader/pages.h"' '#include "site/layout.h"' '#include "http/http.h"'
  mk good main.c '#include "site/app.h"'
  mk upward http/router.c '#include "http/http.h"' '#include "site/layout.h"'
  mk peer provenance/originality.c '#include "search/segment.h"'
  mk unranked html/html.c '#include "core/buf.h"'
  mk bare db/db.c '#include "db.h"'
  mk tomain site/site.c '#include "main.h"'
  local out
  if ! out=$(check_tree "$t/good"); then
    echo "check-layers self-test: a clean tree was refused: $out"; rc=1
  fi
  for case in upward peer unranked bare tomain; do
    if out=$(check_tree "$t/$case"); then
      echo "check-layers self-test: the \"$case\" tree passed but must fail"; rc=1
    fi
  done
  out=$(check_tree "$t/upward")
  if [[ "$out" != *"/router.c:2: http (rank 3) includes site/layout.h from site (rank 4)"* ]]; then
    echo "check-layers self-test: the upward include was not named by file:line: $out"; rc=1
  fi
  rm -rf "$t"
  return $rc
}

src=${1:-src}
self_test || exit 1
if ! check_tree "$src"; then
  echo "check-layers: layering broken (see the rules at the top of scripts/check-layers.sh)"
  exit 1
fi
echo "check-layers: $(find "$src" -type f \( -name '*.c' -o -name '*.h' \) | wc -l) files follow core <- db <- search/media/provenance <- http <- site <- main"
