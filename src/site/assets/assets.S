/*
 * assets.S — the site's static assets (hao.css, studio.js, comments.js and
 * the icon, icon.svg) beside this
 * file, embedded in the binary as bytes (so `hao serve` needs no files beside
 * it), and the URLs they are served at (site/layout.h, site/assets.c).
 *
 * The URLs carry HAO_ASSET_VERSION, set by the Makefile to the start of a
 * SHA-256 of both files: they are served as immutable, so an edited file
 * must get a new URL, and this way it always does. .incbin paths are from
 * the repository root, where make runs.
 */
    .section .rodata

    .globl hao_asset_css
    .type hao_asset_css, @object
hao_asset_css:
    .incbin "src/site/assets/hao.css"
    .globl hao_asset_css_end
hao_asset_css_end:
    .size hao_asset_css, hao_asset_css_end - hao_asset_css

    .globl hao_asset_studio_js
    .type hao_asset_studio_js, @object
hao_asset_studio_js:
    .incbin "src/site/assets/studio.js"
    .globl hao_asset_studio_js_end
hao_asset_studio_js_end:
    .size hao_asset_studio_js, hao_asset_studio_js_end - hao_asset_studio_js

    .globl hao_asset_comments_js
    .type hao_asset_comments_js, @object
hao_asset_comments_js:
    .incbin "src/site/assets/comments.js"
    .globl hao_asset_comments_js_end
hao_asset_comments_js_end:
    .size hao_asset_comments_js, hao_asset_comments_js_end - hao_asset_comments_js

    .globl hao_asset_icon_svg
    .type hao_asset_icon_svg, @object
hao_asset_icon_svg:
    .incbin "src/site/assets/icon.svg"
    .globl hao_asset_icon_svg_end
hao_asset_icon_svg_end:
    .size hao_asset_icon_svg, hao_asset_icon_svg_end - hao_asset_icon_svg

    .globl asset_css_url
    .type asset_css_url, @object
asset_css_url:
    .ascii "/static/hao."
    .ascii HAO_ASSET_VERSION
    .asciz ".css"
    .size asset_css_url, . - asset_css_url

    .globl asset_studio_js_url
    .type asset_studio_js_url, @object
asset_studio_js_url:
    .ascii "/static/studio."
    .ascii HAO_ASSET_VERSION
    .asciz ".js"
    .size asset_studio_js_url, . - asset_studio_js_url

    .globl asset_comments_js_url
    .type asset_comments_js_url, @object
asset_comments_js_url:
    .ascii "/static/comments."
    .ascii HAO_ASSET_VERSION
    .asciz ".js"
    .size asset_comments_js_url, . - asset_comments_js_url

    .globl asset_icon_url
    .type asset_icon_url, @object
asset_icon_url:
    .ascii "/static/icon."
    .ascii HAO_ASSET_VERSION
    .asciz ".svg"
    .size asset_icon_url, . - asset_icon_url

    .section .note.GNU-stack,"",@progbits
