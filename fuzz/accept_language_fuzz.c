/* libFuzzer driver: the Accept-Language header (src/core/i18n.c
 * i18n_from_accept): any value picks one of the site's languages.
 * Owned by ops (issue 17). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = malloc(size + 1);
    if (!v)
        return 0;
    memcpy(v, data, size);
    v[size] = 0;
    lang_t l = i18n_from_accept(v);
    if (l != LANG_EN && l != LANG_ZH)
        abort();
    free(v);
    return 0;
}
