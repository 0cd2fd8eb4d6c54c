/* libFuzzer driver: a Ghost JSON export: port_read_ghost (port_ghost.c: jansson, then
 * hao's walk of posts, tags and authors, html2md of each body),
 * then the importer's check of the whole set, as `hao import` and the
 * studio's import run them. The checks are port_fuzz.h's.
 * Owned by ops (issue 17). */
#include "../src/site/portability/importer.c"

#include "port_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return port_fuzz_one(data, size, port_read_ghost);
}
