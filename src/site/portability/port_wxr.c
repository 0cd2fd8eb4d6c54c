/* port_wxr.c — WordPress WXR reader (being written). */
#include "site/portability/importer.h"

int port_read_wxr(const char *file, const port_opts_t *o, port_set_t *s)
{
    (void)o;
    buf_printf(&s->problems, "%s: WordPress import is not in this build yet\n", file);
    return -1;
}

int port_read_ghost(const char *file, const port_opts_t *o, port_set_t *s)
{
    (void)o;
    buf_printf(&s->problems, "%s: Ghost import is not in this build yet\n", file);
    return -1;
}
