/* libFuzzer driver: the import format (src/site/works/import.c
 * import_parse): any file parses into a title and Markdown body or is
 * refused with a sentence, nothing allocated. Owned by ops (issue 17). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "site/works/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    import_doc_t doc;
    buf_t warn = BUF_INIT, err = BUF_INIT;
    if (import_parse(s, size, NULL, &doc, &warn, &err) == 0) {
        if (!doc.title || !doc.body || !text_valid(doc.title, strlen(doc.title)) || !text_valid(doc.body, strlen(doc.body)))
            abort();
        import_doc_free(&doc);
    } else if (err.len == 0) {
        abort();
    }
    buf_free(&warn);
    buf_free(&err);
    free(s);
    return 0;
}
