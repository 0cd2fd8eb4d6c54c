/* libFuzzer driver: the API's JSON bodies (src/site/api/api.c): parsed the
 * way api_body_object does (duplicate keys refused, an object required),
 * then each field read by api_json_string; a string with a NUL inside must
 * be refused. Owned by ops (issue 17). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site/api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return 0;
    if (json_is_object(j)) {
        static const char *const fields[] = {"title", "body", "declaration", "tags", "alt", "reason", "text"};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            const char *s = NULL;
            json_t *v = json_object_get(j, fields[i]);
            int rc = api_json_string(j, fields[i], &s);
            if (rc == 0 && s && strlen(s) != json_string_length(v))
                abort(); /* a NUL inside got through */
            if (rc < 0 && s)
                abort();
        }
    }
    json_decref(j);
    return 0;
}
