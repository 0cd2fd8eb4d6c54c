/* libFuzzer driver for the Markdown renderer: any input must render without a
 * crash, with only our own balanced tags and only allowed URL schemes.
 * Build and run: make fuzz-markdown (clang, -fsanitize=fuzzer,address). */
#include "core/markdown.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
static int is_tag_ok(const char *h, size_t n) {
  /* every '<' starts one of our tags, no raw '"' or '>' outside tags, no javascript: in href/src,
     non-void tags balanced */
  static char stack[100000][12]; int sp = 0;
  size_t i = 0;
  while (i < n) {
    char c = h[i];
    if (c == '>' || c == '"') return 0;
    if (c != '<') { i++; continue; }
    i++; int closing = 0; if (i < n && h[i] == '/') { i++; closing = 1; }
    size_t s = i; while (i < n && ((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' && h[i] <= '9'))) i++;
    if (i == s || i - s > 10) return 0;
    char name[12]; memcpy(name, h + s, i - s); name[i - s] = 0;
    int isvoid = !strcmp(name, "img") || !strcmp(name, "hr") || !strcmp(name, "br");
    if (closing) { if (sp == 0 || strcmp(stack[sp-1], name)) { fprintf(stderr, "unbalanced </%s>\n", name); return 0; } sp--; }
    else if (!isvoid) { if (sp >= 100000) return 0; strcpy(stack[sp++], name); }
    while (i < n && h[i] == ' ') {
      i++; size_t a = i; while (i < n && h[i] >= 'a' && h[i] <= 'z') i++;
      if (i + 1 >= n || h[i] != '=' || h[i+1] != '"') return 0;
      int url = (i - a == 4 && !memcmp(h + a, "href", 4)) || (i - a == 3 && !memcmp(h + a, "src", 3));
      i += 2; size_t v = i;
      while (i < n && h[i] != '"') { if (h[i] == '<' || h[i] == '>') return 0; i++; }
      if (i >= n) return 0;
      if (url) { /* value: find first of : / ? # ; if ':' the scheme must be http/https/mailto */
        size_t k = v; while (k < i && h[k] != ':' && h[k] != '/' && h[k] != '?' && h[k] != '#') k++;
        if (k < i && h[k] == ':') {
          size_t L = k - v;
          if (!((L == 4 && !strncasecmp(h+v, "http", 4)) || (L == 5 && !strncasecmp(h+v, "https", 5)) || (L == 6 && !strncasecmp(h+v, "mailto", 6)))) return 0;
        }
        for (size_t q = v; q < i; q++) if ((unsigned char)h[q] <= 0x20 || (unsigned char)h[q] >= 0x7f) return 0;
      }
      i++;
    }
    if (i >= n || h[i] != '>') return 0;
    i++;
  }
  if (sp) { fprintf(stderr, "unclosed <%s>\n", stack[sp-1]); return 0; }
  return 1;
}
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  buf_t b = BUF_INIT; md_info_t info;
  if (md_to_html((const char*)d, n, &b, &info) == 0) {
    if (!is_tag_ok(buf_cstr(&b), b.len)) { fprintf(stderr, "BAD OUTPUT:\n%s\n", buf_cstr(&b)); abort(); }
  }
  buf_free(&b);
  md_to_text((const char*)d, n, &b);
  buf_free(&b);
  return 0;
}
