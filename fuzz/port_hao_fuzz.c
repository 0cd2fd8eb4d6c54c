/* libFuzzer driver: hao's own export archive: port_read_hao (port_hao.c: libarchive
 * through archive.c's checks of names, types and sizes, the manifest's
 * sizes and SHA-256, then each work, revision and comment file's JSON),
 * then the importer's check of the whole set, as `hao import` and the
 * studio's import run them. The checks are port_fuzz.h's.
 * Owned by ops (issue 17). */
#include "../src/site/portability/importer.c"

#include "port_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return port_fuzz_one(data, size, port_read_hao);
}
