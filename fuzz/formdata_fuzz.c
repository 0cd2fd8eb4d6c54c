/* libFuzzer driver: multipart/form-data bodies of the site's forms
 * (src/core/formdata.c formdata_parse): parts lie inside the body.
 * Owned by ops (issue 17). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/formdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1);
    if (!body)
        return 0;
    memcpy(body, data, size);
    formdata_part_t parts[16];
    int n = formdata_parse("multipart/form-data; boundary=XyZ", body, size, parts, 16);
    if (n > 16)
        abort();
    for (int i = 0; i < n; i++)
        if (parts[i].data < body || parts[i].data + parts[i].len > body + size)
            abort();
    free(body);
    return 0;
}
