#!/bin/bash
# check-html.sh — the escaping rule of src/core/buf.h, checked at test time
# (in the spirit of Fossil's codecheck1.c: safety checked, not hoped for).
#
#   scripts/check-html.sh          self-test, then every .c file under src/
#   scripts/check-html.sh FILE...  the named files only
#
# A file "renders HTML" when it calls buf_html, buf_htmlz, buf_hprintf or
# buf_vhprintf, or holds a string literal that starts with a tag ("<p", "</a",
# "<!"). In such a file these calls must carry a comment "raw: <why>" on one
# of the lines of the call (a trailing /* raw: ... */ is the usual place) or
# on a comment line of its own just above it, saying why the bytes are safe
# unescaped:
#   - buf_raw, buf_rawz and buf_vprintf, always;
#   - buf_printf whose format is not a string literal, or has a string or
#     character conversion (%s, %.*s, %-8s, %c ...): numbers cannot carry
#     markup, strings can;
#   - buf_hprintf and buf_vhprintf whose format holds no string literal and is
#     not a T() lookup (the format is copied as markup, so it must come from
#     the source, never from data).
# A buffer that is not HTML at all takes the same comment, short: "raw: text"
# (plain text, escaped where it is shown), "raw: URL" (likewise), "raw: JSON".
# `grep -rn 'raw:' src` lists every unescaped write.
#
# Bash and a POSIX awk only (Debian's mawk is enough): no python.
set -uo pipefail

# Files the rule does not apply to, each with the reason it must write raw.
ALLOW='
src/core/buf.c        the writers themselves
src/core/markdown.c   the Markdown renderer: it escapes text itself and emits only the tags and URL schemes it lists (fuzzed by fuzz/markdown_fuzz.c)
'

check() { # files...
    awk -v allow="$ALLOW" '
    function reset() { split("", raw); split("", code); n = 0; incomment = 0 }

    # code[i]: raw[i] with comments blanked and the insides of string and
    # character literals replaced by "_" (their quotes kept), so calls and
    # parentheses can be found without being fooled by text.
    function mask(s,    out, i, c, m, st) {
        out = ""; st = incomment ? "C" : ""
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (st == "C") {
                if (c == "*" && substr(s, i + 1, 1) == "/") { out = out "  "; i++; st = "" }
                else out = out " "
            } else if (st == "\"" || st == "'\''") {
                if (c == "\\") { out = out "__"; i++ }
                else if (c == st) { out = out c; st = "" }
                else out = out "_"
            } else if (c == "/" && substr(s, i + 1, 1) == "*") { out = out "  "; i++; st = "C" }
            else if (c == "/" && substr(s, i + 1, 1) == "/") {
                for (; i <= length(s); i++) out = out " "
            } else {
                if (c == "\"" || c == "'\''") st = c
                out = out c
            }
        }
        incomment = (st == "C")
        return out
    }

    function is_html(   i) {
        for (i = 1; i <= n; i++)
            if (code[i] ~ /(^|[^A-Za-z0-9_])buf_(html|htmlz|hprintf|vhprintf)[ \t]*\(/ || raw[i] ~ /"<[A-Za-z\/!]/)
                return 1
        return 0
    }

    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

    # The call whose "(" is at line l, column c: sets args (number of
    # arguments), argraw[k], argcode[k] and endline; 0 when unbalanced.
    function parse_call(l, c,    depth, ch, k) {
        depth = 0; args = 1; argraw[1] = ""; argcode[1] = ""
        for (; l <= n; l++) {
            for (; c <= length(code[l]); c++) {
                ch = substr(code[l], c, 1)
                if (ch == "(") { depth++; if (depth == 1) continue }
                else if (ch == ")") { depth--; if (depth == 0) { endline = l; return 1 } }
                else if (ch == "," && depth == 1) { args++; argraw[args] = ""; argcode[args] = ""; continue }
                argraw[args] = argraw[args] substr(raw[l], c, 1)
                argcode[args] = argcode[args] ch
            }
            argraw[args] = argraw[args] " "; argcode[args] = argcode[args] " "
            c = 1
        }
        return 0
    }

    function marked(from, to,    i) {
        if (from > 1 && raw[from - 1] ~ /^[ \t]*(\/\*|\/\/)[ \t]*raw:[ \t]*[^ \t*]/)
            return 1 # a comment line of its own just above the call
        for (i = from; i <= to; i++)
            if (raw[i] ~ /(\/\*|\/\/)[ \t]*raw:[ \t]*[^ \t*]/)
                return 1
        return 0
    }

    function literal_only(s) { # s masked: only "___" tokens and blanks
        s = trim(s)
        if (s == "") return 0
        gsub(/"_*"/, "", s)
        return trim(s) == ""
    }

    function report(l, fn, why) {
        printf "%s:%d: %s %s; escape it (buf_hprintf, buf_htmlz) or say why not with a raw: comment\n", file, l, fn, why
        bad++
    }

    function check_file(    i, rest, off, fn, fmt, f) {
        if (n == 0 || index(allow, "\n" file " ") || !is_html()) return
        for (i = 1; i <= n; i++) {
            if (code[i] ~ /^[ \t]*#/) continue
            rest = code[i]; off = 0
            while (match(rest, /(^|[^A-Za-z0-9_])buf_(printf|vprintf|raw|rawz|hprintf|vhprintf)[ \t]*\(/)) {
                fn = substr(rest, RSTART, RLENGTH)
                sub(/^[^b]*/, "", fn); sub(/[ \t]*\($/, "", fn)
                off += RSTART + RLENGTH - 1
                rest = substr(rest, RSTART + RLENGTH)
                if (!parse_call(i, off)) { report(i, fn, "could not be parsed"); continue }
                if (marked(i, endline)) continue
                if (fn == "buf_raw" || fn == "buf_rawz" || fn == "buf_vprintf") {
                    report(i, fn, "writes unescaped bytes into an HTML file")
                } else if (fn == "buf_printf") {
                    if (!literal_only(argcode[2])) { report(i, fn, "has a format that is not a literal"); continue }
                    fmt = argraw[2]
                    gsub(/%%/, "", fmt)
                    if (fmt ~ /%[-+ #0]*([0-9]+|\*)?(\.([0-9]+|\*)?)?(hh|h|ll|l|z|j|t|L)?[sc]/)
                        report(i, fn, "writes a string unescaped into an HTML file")
                } else { # buf_hprintf, buf_vhprintf: the format is markup
                    f = trim(argcode[2])
                    if (f !~ /"/ && f !~ /^T[ \t]*\(/)
                        report(i, fn, "has a format that is neither a literal nor a T() string")
                }
            }
        }
    }

    FNR == 1 { if (NR > 1) check_file(); reset(); file = FILENAME }
    { n++; raw[n] = $0; code[n] = mask($0) }
    END { if (NR > 0) check_file(); if (bad) { printf "%d unescaped write(s) into HTML (see src/core/buf.h, THE ESCAPING RULE)\n", bad; exit 1 } }
    ' "$@"
}

# The checker must catch what it is for: a bad file fails with exactly the
# expected lines, its corrected twin and a file that renders no HTML pass.
self_test() {
    local d rc out
    d=$(mktemp -d /tmp/hao-check-html-XXXXXX)
    cat >"$d/bad.c" <<'EOF'
static void f(buf_t *b, const char *name, int n)
{
    buf_lit(b, "<p>");
    buf_printf(b, "<b>%s</b>", name);
    buf_rawz(b, name);
    buf_hprintf(b, "<i>%s</i> %d", name, n);
    buf_printf(b, "<i>%d</i>", n);
    buf_rawz(b, name); /* raw: the test says so */
    buf_printf(b,
               "<u>%.*s</u>", 3, name);
    buf_hprintf(b, name);
    buf_printf(b, "100%%s");
    /* buf_rawz(b, name); in a comment is not a call */
    buf_lit(b, "buf_rawz(b, name);");
    if (n) buf_printf(b, "%-4c", 'x'); buf_raw(b, name, 1);
    buf_vprintf(b, name, ap);
    buf_hprintf(b, T(L, "key"), n);
    /* raw: the line above a call counts */
    buf_rawz(b, name);
}
EOF
    sed -e '/^    buf_printf(b, "<b>/d' -e '/^    buf_rawz(b, name);$/d' -e '/^    buf_printf(b,$/,+1d' \
        -e '/^    buf_hprintf(b, name);/d' -e '/if (n) buf_printf/d' -e '/buf_vprintf/d' "$d/bad.c" >"$d/good.c"
    printf 'static void g(buf_t *b, const char *s)\n{\n    buf_printf(b, "%%s\\n", s);\n    buf_rawz(b, s);\n}\n' >"$d/text.c"
    out=$(check "$d/bad.c" 2>&1); rc=$?
    local got
    got=$(printf '%s\n' "$out" | sed -n "s|^$d/bad.c:\([0-9]*\): .*|\1|p" | tr '\n' ' ')
    if [ "$rc" -eq 0 ] || [ "$got" != "4 5 9 11 15 15 16 " ]; then
        echo "check-html self-test: bad.c should fail at lines 4 5 9 11 15 15 16, not ${got:-none} (rc $rc):"
        printf '%s\n' "$out"
        rm -rf "$d"; return 1
    fi
    if ! out=$(check "$d/good.c" "$d/text.c" 2>&1); then
        echo "check-html self-test: good.c and text.c should pass; got:"
        printf '%s\n' "$out"
        rm -rf "$d"; return 1
    fi
    rm -rf "$d"
}

if [ $# -gt 0 ]; then
    check "$@"
    exit
fi
cd "$(dirname "$0")/.." || exit 1
self_test || exit 1
mapfile -t files < <(find src -name '*.c' | sort)
if check "${files[@]}"; then
    echo "check-html: ${#files[@]} files, every write into HTML escaped or marked raw:"
else
    exit 1
fi
