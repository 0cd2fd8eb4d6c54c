/* libFuzzer driver: the Range header (src/http/router.c parse_range), for
 * files of several sizes. A satisfiable answer must lie inside the file.
 * Owned by ops (issue 17). */
#include "../src/http/router.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = malloc(size + 1);
    if (!v)
        return 0;
    memcpy(v, data, size);
    v[size] = 0;
    static const off_t sizes[] = {0, 1, 2, 100, 1 << 20, (off_t)1 << 40};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        off_t first = -7, last = -7;
        int rc = parse_range(v, sizes[i], &first, &last);
        if (rc < -1 || rc > 1)
            abort();
        if (rc == 1 && (first < 0 || last < first || last >= sizes[i]))
            abort();
    }
    free(v);
    return 0;
}
