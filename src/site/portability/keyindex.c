/*
 * keyindex.c — see keyindex.h. A jansson object whose values are integers;
 * the _nocheck calls because a key is bytes, not necessarily UTF-8.
 */
#include "site/portability/keyindex.h"

#include <jansson.h>
#include <string.h>

#include "core/alloc.h"

struct port_index {
    json_t *o;
};

port_index_t *port_index_new(void)
{
    port_index_t *ix = xcalloc(1, sizeof(*ix));
    ix->o = json_object();
    if (!ix->o)
        xalloc_failed();
    return ix;
}

void port_index_free(port_index_t *ix)
{
    if (!ix)
        return;
    json_decref(ix->o);
    free(ix);
}

int port_index_getn(const port_index_t *ix, const char *key, size_t len)
{
    json_t *v = json_object_getn(ix->o, key, len);
    return v ? (int)json_integer_value(v) : -1;
}

int port_index_get(const port_index_t *ix, const char *key)
{
    return port_index_getn(ix, key, strlen(key));
}

void port_index_setn(port_index_t *ix, const char *key, size_t len, int pos)
{
    json_t *v = json_integer(pos);
    if (!v || json_object_setn_new_nocheck(ix->o, key, len, v) < 0)
        xalloc_failed();
}

void port_index_set(port_index_t *ix, const char *key, int pos)
{
    port_index_setn(ix, key, strlen(key), pos);
}

int port_index_first(port_index_t *ix, const char *key, int pos)
{
    int had = port_index_get(ix, key);
    if (had >= 0)
        return had;
    port_index_set(ix, key, pos);
    return pos;
}
