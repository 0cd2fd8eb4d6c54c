/* libFuzzer driver: the AI-generation label (GB 45438-2025, TC260 AIGC) as
 * the media plugin reads it from an uploaded picture's metadata
 * (src/media/process.c): from an XMP packet with Exempi
 * (process_xmp_aigc), or from EXIF text ("AIGC" then a JSON object,
 * exif_aigc), each kept as compact JSON of at most 4 KiB (label_json); and
 * a label object written back into the served picture's XMP with this
 * platform's propagation fields (process_xmp_propagated).
 * Input: the metadata blob, tried as XMP and as EXIF.
 * Checked beyond "no crash": a kept label is JSON of at most 4 KiB; a label
 * object written to XMP reads back as the same object with
 * ContentPropagator and PropagateID set. Owned by ops (issue 17). */
#include "../src/media/process.c"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    if (process_init((*argv)[0]) < 0)
        abort();
    return 0;
}

static void label_fail(const char *what, const char *v)
{
    fprintf(stderr, "aigc: %s: %s\n", what, v ? v : "(null)");
    abort();
}

static void check(char *label)
{
    if (!label)
        return;
    json_error_t je;
    json_t *j = json_loads(label, JSON_DECODE_ANY, &je);
    if (!j || strlen(label) > 4096)
        label_fail("a kept label that is not JSON of at most 4 KiB", label);
    if (json_is_object(j)) {
        size_t len = 0;
        char *xmp = process_xmp_propagated(label, "hao", "0123456789abcdef", &len);
        if (!xmp)
            label_fail("a label object not written to XMP", label);
        char *back = process_xmp_aigc(xmp, len);
        json_t *b = back ? json_loads(back, 0, &je) : NULL;
        json_object_set_new(j, "ContentPropagator", json_string("hao"));
        json_object_set_new(j, "PropagateID", json_string("0123456789abcdef"));
        if (!b || !json_equal(j, b))
            label_fail("the label does not read back from the XMP written", back ? back : xmp);
        json_decref(b);
        free(back);
        free(xmp);
    }
    json_decref(j);
    free(label);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    check(label_json(process_xmp_aigc((const char *)data, size)));
    check(label_json(exif_aigc((const char *)data, size)));
    return 0;
}
