/* libFuzzer driver for the multipart/form-data parser (src/media/multipart.c):
 * any body, under either of two boundaries, must parse or be refused without
 * a crash, and every part it returns must lie inside the body.
 * Build and run: make fuzz-multipart (clang, -fsanitize=fuzzer,address). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so ASan sees any read past the end. */
    char *body = malloc(size ? size : 1);
    if (!body)
        return 0;
    memcpy(body, data, size);
    static const char *const types[] = {"multipart/form-data; boundary=XyZ",
                                        "multipart/form-data; boundary=\"a b\"; charset=utf-8"};
    for (int t = 0; t < 2; t++) {
        mp_part_t parts[8];
        int n = multipart_parse(types[t], body, size, parts, 8);
        if (n > 8)
            abort();
        for (int i = 0; i < n; i++) {
            if (parts[i].data < body || parts[i].data + parts[i].len > body + size)
                abort();
            if (!memchr(parts[i].name, 0, sizeof parts[i].name))
                abort();
        }
    }
    free(body);
    return 0;
}
