/*
 * assets.c — the stylesheet, embedded in the binary so `hao serve` needs no
 * files beside it. Served with a versioned, immutable URL (layout.c).
 *
 * Typography: system fonts with CJK fallbacks, 1.8 line height for Chinese
 * body text, a 40em measure; readable on a 360 px phone without zooming.
 */
#include <string.h>

#include "site/layout.h"

static const char css[] =
    ":root{--fg:#1d1d1f;--muted:#6e6e73;--bg:#fff;--line:#e5e5ea;--accent:#c0392b;--soft:#f6f6f8;"
    "color-scheme:light dark}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8e8ed;--muted:#a1a1a6;--bg:#111114;--line:#2c2c31;"
    "--accent:#ff6b5b;--soft:#1c1c21}}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.8 -apple-system,BlinkMacSystemFont,"
    "\"Segoe UI\",\"PingFang SC\",\"Hiragino Sans GB\",\"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"Microsoft YaHei\",sans-serif;word-wrap:break-word;overflow-wrap:anywhere}"
    "a{color:var(--accent);text-decoration:none}a:hover,a:focus{text-decoration:underline}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:9}"
    "header.site{border-bottom:1px solid var(--line);background:var(--bg);position:sticky;top:0;z-index:5}"
    "header.site nav{max-width:46rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;"
    "align-items:center}"
    ".brand{font-weight:700;font-size:1.2rem;color:var(--fg)}"
    "form.search{flex:1 1 10rem}form.search input{width:100%;padding:.35rem .7rem;border:1px solid var(--line);"
    "border-radius:999px;background:var(--soft);color:var(--fg);font:inherit;font-size:.9rem}"
    ".links{list-style:none;margin:0;padding:0;display:flex;gap:.8rem;font-size:.9rem;align-items:center}"
    "form.inline{display:inline;margin:0}"
    "button.link{background:none;border:0;padding:0;color:var(--accent);font:inherit;cursor:pointer}"
    "main{max-width:46rem;margin:0 auto;padding:1rem}"
    "h1,h2,h3{line-height:1.4}"
    ".page-title{font-size:1.5rem;margin:.5rem 0 1rem}"
    ".card{padding:1rem 0;border-bottom:1px solid var(--line)}"
    ".card h2{font-size:1.2rem;margin:.2rem 0}.card h2 a{color:var(--fg)}"
    ".meta{color:var(--muted);font-size:.85rem;margin:.2rem 0}.meta a{color:var(--muted)}"
    ".excerpt{margin:.3rem 0;color:var(--fg)}"
    ".tags{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.4rem;font-size:.85rem}"
    ".tags a{background:var(--soft);padding:.1rem .6rem;border-radius:999px}"
    ".declaration{display:inline-block;font-size:.85rem;color:var(--muted);background:var(--soft);"
    "border-left:3px solid var(--accent);padding:.2rem .6rem;margin:.3rem 0}"
    ".declaration .label{font-weight:600;margin-right:.3rem}"
    ".work h1{font-size:1.7rem;margin:.6rem 0 .2rem}"
    ".work .body{margin-top:1rem}.work .body p{margin:0 0 1em}"
    ".work .body img{max-width:100%;height:auto}"
    ".work .body pre{overflow:auto;background:var(--soft);padding:.8rem;border-radius:6px;font-size:.9rem;line-height:1.5}"
    ".work .body table{border-collapse:collapse;display:block;overflow:auto;margin:0 0 1em}"
    ".work .body th,.work .body td{border:1px solid var(--line);padding:.3rem .6rem}"
    ".work .body blockquote{margin:0 0 1em;padding-left:1em;border-left:3px solid var(--line);color:var(--muted)}"
    ".statement{margin:2rem 0 1rem;padding:.8rem 1rem;border-top:1px solid var(--line);font-size:.8rem;"
    "color:var(--muted);line-height:1.6}.statement p{margin:.3rem 0}"
    ".draft-banner{background:#fff3cd;color:#6b5300;padding:.3rem .8rem;border-radius:4px;display:inline-block}"
    ".pager{margin:1.5rem 0;text-align:center}"
    ".empty{color:var(--muted)}"
    "footer.site{border-top:1px solid var(--line);margin-top:2rem;padding:1rem;text-align:center;font-size:.85rem;"
    "color:var(--muted)}footer.site p{margin:.2rem 0}"
    ".error .message{font-size:1.1rem}"
    /* forms (accounts, studio) */
    "form.stack{display:flex;flex-direction:column;gap:.8rem;max-width:30rem}"
    "form.stack label,.field label{display:flex;flex-direction:column;font-size:.9rem;gap:.2rem}"
    "input[type=text],input[type=password],input[type=email],input[type=url],select,textarea{font:inherit;"
    "padding:.45rem .6rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);"
    "width:100%}"
    "textarea{min-height:18rem;line-height:1.6;font-family:ui-monospace,SFMono-Regular,Menlo,monospace,"
    "\"Noto Sans CJK SC\";font-size:.95rem}"
    "button,.button{font:inherit;padding:.45rem 1rem;border-radius:6px;border:1px solid var(--accent);"
    "background:var(--accent);color:#fff;cursor:pointer;display:inline-block}"
    "button.secondary,.button.secondary{background:transparent;color:var(--accent)}"
    "button.danger{background:transparent;color:#b00020;border-color:#b00020}"
    ".alert,[role=alert]{color:#b00020;background:#fdecea;padding:.5rem .8rem;border-radius:6px;margin:.5rem 0}"
    ".notice-ok,[role=status]{color:#1e6b32;background:#e6f4ea;padding:.5rem .8rem;border-radius:6px;margin:.5rem 0}"
    ".hint{color:var(--muted);font-size:.8rem}"
    /* studio */
    ".studio-list{width:100%;border-collapse:collapse;font-size:.9rem}"
    ".studio-list th,.studio-list td{text-align:left;padding:.4rem;border-bottom:1px solid var(--line)}"
    ".status{font-size:.75rem;padding:.05rem .5rem;border-radius:999px;background:var(--soft)}"
    ".status-published{background:#e6f4ea;color:#1e6b32}.status-taken_down{background:#fdecea;color:#b00020}"
    ".editor{display:grid;gap:1rem}"
    "@media (min-width:60rem){main:has(.editor){max-width:80rem}.editor{grid-template-columns:1fr 1fr}}"
    ".preview{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem;min-height:10rem;overflow:auto}"
    ".actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}"
    ".save-state{font-size:.8rem;color:var(--muted)}"
    "details.help{font-size:.85rem;color:var(--muted)}"
    /* provenance */
    ".ai-label{display:inline-block;font-size:.8rem;font-weight:600;color:#fff;background:#5b4bc4;"
    "padding:.05rem .6rem;border-radius:4px;margin:.2rem 0}"
    ".ai-label[data-label=possible]{background:transparent;color:#5b4bc4;border:1px solid #5b4bc4}"
    ".original-badge{display:inline-block;font-size:.8rem;color:#1e6b32;border:1px solid #1e6b32;"
    "padding:0 .5rem;border-radius:4px;margin:.2rem 0}"
    ".source{font-size:.9rem;background:var(--soft);border-left:3px solid #b07d00;padding:.3rem .7rem;margin:.4rem 0}"
    ".source .label{font-weight:600}"
    ".side-by-side{display:grid;gap:1rem}@media (min-width:50rem){main:has(.side-by-side){max-width:80rem}"
    ".side-by-side{grid-template-columns:1fr 1fr}}"
    ".side{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem;font-size:.95rem}"
    ".side h3{margin:.2rem 0;font-size:.9rem;color:var(--muted)}"
    "mark{background:#ffe08a;color:#1d1d1f}"
    ".field-original label{flex-direction:row;align-items:center;gap:.4rem}";

void asset_css(hreq_t *r)
{
    rs_header(r, "cache-control", "public, max-age=31536000, immutable");
    rs_send(r, 200, "text/css; charset=utf-8", css, sizeof css - 1);
}
