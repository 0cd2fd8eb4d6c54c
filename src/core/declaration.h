/*
 * declaration.h — the creator declarations (PRODUCT.md): one per work.
 *
 * The table is static and read-only, shared by every thread. Codes are the
 * stable identifiers stored in the database and used by the API.
 */
#ifndef HAO_DECLARATION_H
#define HAO_DECLARATION_H

#include <stddef.h>

typedef struct {
    const char *code; /* "none", "web-sourced", ... */
    const char *zh;   /* label shown to Chinese readers ("" for none) */
    const char *en;   /* label shown to English readers ("" for none) */
} declaration_t;

extern const declaration_t declarations[];
extern const size_t declarations_count;

/* The entry for CODE, or NULL when CODE is not a known declaration. */
const declaration_t *declaration_find(const char *code);

/* Map the Chinese label found on an imported `作品声明:` line to an entry.
 * Accepts the exact label; surrounding white space is ignored. NULL if none. */
const declaration_t *declaration_from_zh(const char *label, size_t len);

#endif
