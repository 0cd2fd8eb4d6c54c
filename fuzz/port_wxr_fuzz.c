/* libFuzzer driver: a WordPress export (WXR): port_read_wxr (port_wxr.c: libxml2, then
 * hao's walk of the tree, html2md of each body),
 * then the importer's check of the whole set, as `hao import` and the
 * studio's import run them. The checks are port_fuzz.h's.
 * Owned by ops (issue 17). */
#include "../src/site/portability/importer.c"

#include "port_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return port_fuzz_one(data, size, port_read_wxr);
}
