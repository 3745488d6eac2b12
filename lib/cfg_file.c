/* The INI reader and the key table every configuration file shares (see cfg_file.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include "halaltrack/cfg_file.h"
#include "halaltrack/i18n.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

struct parse {
    FILE *fp;
    struct cfg_pos pos;
    cfg_key_fn fn;
    void *user;
    struct ht_err err;
};

static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    char *r = fgets(str, num, p->fp);

    if (r)
        p->pos.line++;
    return r;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;

    if (ht_err_isset(&p->err))
        return 0;
    return p->fn(p->user, &p->pos, section, name, value, &p->err) == 0;
}

int cfg_file_parse(const char *path, cfg_key_fn fn, void *user, struct ht_err *err)
{
    struct parse p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.pos.path = path;
    p.fn = fn;
    p.user = user;
    if (!(p.fp = fopen(path, "r"))) {
        ht_err_set(err, HT_ECONFIG, _("cannot open config file '%s': %s"), path,
                   strerror(errno));
        return -1;
    }
    rc = ini_parse_stream(reader, &p, handler, &p);
    fclose(p.fp);
    if (ht_err_isset(&p.err)) {
        ht_err_set(err, p.err.code, "%s", p.err.msg);
        return -1;
    }
    if (rc != 0) {
        ht_err_set(err, HT_ECONFIG,
                   _("%s:%d: syntax error (expected [section] or key = value)"), path,
                   rc > 0 ? rc : p.pos.line);
        return -1;
    }
    return 0;
}

const struct cfg_key *cfg_key_find(const struct cfg_key *keys, const char *section,
                                   const char *name)
{
    for (const struct cfg_key *k = keys; k->name; k++)
        if (strcmp(k->section, section) == 0 && strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

static void free_str(char **slot, const struct cfg_key *k)
{
    if (*slot && (k->flags & CFG_SECRET))
        explicit_bzero(*slot, strlen(*slot));
    free(*slot);
}

int cfg_key_set(void *base, const struct cfg_key *k, const char *value,
                struct ht_err *err)
{
    char *at = (char *)base + k->offset;
    struct ht_err e = HT_ERR_INIT;
    long l;
    double d;
    int b;

    switch (k->type) {
    case CFG_STR: {
        char **slot = (char **)(void *)at;
        char *v = strdup(value);

        if (!v) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        free_str(slot, k);
        *slot = v;
        return 0;
    }
    case CFG_INT:
        if (parse_int(value, -1000000000L, 1000000000L, &l, &e) < 0)
            goto bad;
        *(long *)(void *)at = l;
        return 0;
    case CFG_SECS:
        if (cfg_parse_secs(value, &l, &e) < 0)
            goto bad;
        *(long *)(void *)at = l;
        return 0;
    case CFG_DOUBLE:
        if (parse_double(value, 0.001, 1e6, &d, &e) < 0)
            goto bad;
        *(double *)(void *)at = d;
        return 0;
    case CFG_BOOL:
        if (parse_bool(value, &b, &e) < 0)
            goto bad;
        *(int *)(void *)at = b;
        return 0;
    }
    ht_err_set(&e, HT_EINVAL, "unsupported key type");
bad:
    if (k->flags & CFG_SECRET)
        ht_err_set(err, HT_ECONFIG, "invalid value");
    else
        ht_err_set(err, HT_ECONFIG, "invalid value '%s': %s", value, e.msg);
    return -1;
}

int cfg_keys_defaults(void *base, const struct cfg_key *keys, struct ht_err *err)
{
    for (const struct cfg_key *k = keys; k->name; k++)
        if (k->def && cfg_key_set(base, k, k->def, err) < 0)
            return -1;
    return 0;
}

void cfg_keys_free(void *base, const struct cfg_key *keys)
{
    for (const struct cfg_key *k = keys; k->name; k++)
        if (k->type == CFG_STR)
            free_str((char **)(void *)((char *)base + k->offset), k);
}
