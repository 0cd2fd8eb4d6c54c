/*
 * conf.c — see conf.h.
 */
#include "core/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const char *const known[] = {"database",  "media",         "s3_endpoint",   "s3_bucket",
                                    "s3_region", "s3_access_key", "s3_secret_key", "trusted_proxies",
                                    /* ops: /metrics' bearer token, the access log's format */
                                    "metrics_token", "access_log"};
#define NKNOWN (sizeof known / sizeof known[0])
static char *values[NKNOWN];

const char *conf_get(const char *key)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (strcmp(known[i], key) == 0)
            return values[i];
    return NULL;
}

int conf_set(const char *key, const char *value)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (strcmp(known[i], key) == 0) {
            free(values[i]);
            values[i] = value ? xstrdup(value) : NULL;
            return 0;
        }
    return -1;
}

int conf_load(const char *data_dir, buf_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/hao.conf", data_dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        buf_printf(err, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char line[2048];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            buf_printf(err, "%s:%d: line too long", path, lineno);
            rc = -1;
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = 0;
        char *k = line + strspn(line, " \t");
        if (!*k || *k == '#')
            continue;
        char *eq = strchr(k, '=');
        if (!eq) {
            buf_printf(err, "%s:%d: expected \"key = value\"", path, lineno);
            rc = -1;
            break;
        }
        char *ke = eq;
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        *ke = 0;
        char *v = eq + 1 + strspn(eq + 1, " \t");
        size_t i = 0;
        while (i < NKNOWN && strcmp(known[i], k) != 0)
            i++;
        if (i == NKNOWN) {
            buf_printf(err, "%s:%d: unknown setting \"%s\"", path, lineno, k);
            rc = -1;
        } else if (!*v) {
            buf_printf(err, "%s:%d: \"%s\" has no value", path, lineno, k);
            rc = -1;
        } else {
            free(values[i]);
            values[i] = xstrdup(v);
        }
    }
    fclose(f);
    const char *media = conf_get("media");
    if (rc == 0 && media && strcmp(media, "local") != 0 && strcmp(media, "s3") != 0) {
        buf_printf(err, "%s: media must be local or s3, not \"%s\"", path, media);
        rc = -1;
    }
    if (rc == 0 && media && strcmp(media, "s3") == 0) {
        static const char *const need[] = {"s3_endpoint", "s3_bucket", "s3_access_key", "s3_secret_key"};
        for (size_t j = 0; j < sizeof need / sizeof need[0]; j++)
            if (!conf_get(need[j])) {
                buf_printf(err, "%s: media = s3 needs %s", path, need[j]);
                rc = -1;
                break;
            }
    }
    return rc;
}
