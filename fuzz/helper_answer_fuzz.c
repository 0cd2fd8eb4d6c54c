/* libFuzzer driver: what a media helper answers (src/media/helper.c
 * take_meta and the staged-file checks): the server reads it as untrusted
 * input. Whatever the JSON, the meta is accepted only with known kinds,
 * MIME types and extensions, sane sizes and printable strings, and the AI
 * label, when kept, is JSON of at most 4 KiB. Owned by ops (issue 17). */
#include "../src/media/helper.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int printable(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *res = json_loadb((const char *)data, size, 0, &je);
    if (!res)
        return 0;
    media_meta_t m;
    memset(&m, 0, sizeof m);
    json_t *meta = json_is_object(res) ? json_object_get(res, "meta") : res;
    if (take_meta(meta, &m) == 0) {
        if (m.width < 1 || m.height < 1 || m.width > 30000 || m.height > 30000 || m.duration_ms < 0)
            abort();
        if (!printable(m.kind) || !printable(m.mime) || !printable(m.ext) || !printable(m.codecs))
            abort();
        if (m.aigc) {
            json_t *a = json_loads(m.aigc, JSON_DECODE_ANY, &je);
            if (!a || strlen(m.aigc) > 4096)
                abort();
            json_decref(a);
        }
    }
    helper_meta_free(&m);
    /* The staged list: only names inside the upload's directory pass. */
    json_t *list = json_is_object(res) ? json_object_get(res, "staged") : NULL;
    for (size_t i = 0; json_is_array(list) && i < json_array_size(list) && i < 64; i++) {
        const char *tmp = json_string_value(json_array_get(json_array_get(list, i), 1));
        if (tmp && staged_ok(tmp, "/nonexistent/j.fuzz"))
            abort(); /* nothing exists there */
    }
    (void)known_key(json_string_value(json_object_get(res, "key")));
    json_decref(res);
    return 0;
}
