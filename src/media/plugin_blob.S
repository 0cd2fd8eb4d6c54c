/*
 * plugin_blob.S — the media plugin (media/process.h), a shared object the
 * Makefile builds first, embedded in the hao binary as bytes. The media
 * helper (media/helper.c) writes them to a memfd and dlopens that, so hao
 * stays one file and only the helper maps libvips and FFmpeg.
 * HAO_MEDIA_PLUGIN is the shared object's path, set by the Makefile.
 */
    .section .rodata
    .balign 64
    .globl hao_media_plugin_so
    .type hao_media_plugin_so, @object
hao_media_plugin_so:
    .incbin HAO_MEDIA_PLUGIN
    .globl hao_media_plugin_so_end
hao_media_plugin_so_end:
    .size hao_media_plugin_so, hao_media_plugin_so_end - hao_media_plugin_so

    .section .note.GNU-stack,"",@progbits
