/* halaltrack-serve's configuration: one table of keys, parsed with libinih. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include "halaltrack/cfg.h"
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/serve_cfg.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

#define OFF(f) offsetof(struct serve_cfg, f)

static const struct cfg_key keys[] = {
    {"database", "conninfo", CFG_STR, OFF(conninfo), CFG_SECRET, ""},
    {"database", "schema", CFG_STR, OFF(schema), 0, "halaltrack"},
    {"database", "statement_timeout", CFG_SECS, OFF(statement_timeout), 0, "10"},
    {"database", "pool", CFG_INT, OFF(pool), 0, "4"},
    {"http", "listen", CFG_STR, OFF(listen), 0, "127.0.0.1:8380"},
    {"http", "trusted_proxies", CFG_STR, OFF(trusted_proxies), 0, ""},
    {"http", "max_connections", CFG_INT, OFF(max_connections), 0, "256"},
    {"http", "max_per_client", CFG_INT, OFF(max_per_client), 0, "8"},
    {"http", "timeout", CFG_SECS, OFF(timeout), 0, "10"},
    {"http", "max_body", CFG_INT, OFF(max_body), 0, "8192"},
    {"self_service", "pepper_file", CFG_STR, OFF(pepper_file), 0, ""},
    {"self_service", "public_url", CFG_STR, OFF(public_url), 0, "http://127.0.0.1:8380/"},
    {"self_service", "answer_ms", CFG_INT, OFF(answer_ms), 0, "400"},
    {"self_service", "kdf", CFG_STR, OFF(kdf), 0, SELFSERVICE_KDF_DEFAULT},
    {"self_service", "kdf_threads", CFG_INT, OFF(kdf_threads), 0, "2"},
    {"log", "level", CFG_STR, OFF(log_level), 0, "info"},
    {"log", "access_log", CFG_BOOL, OFF(access_log), 0, "yes"},
    {NULL, NULL, 0, 0, 0, NULL},
};

static const struct {
    size_t off;
    const char *name;
    long min, max;
} ranges[] = {
    {OFF(statement_timeout), "database.statement_timeout", 1, 3600},
    {OFF(pool), "database.pool", 1, 64},
    {OFF(max_connections), "http.max_connections", 1, 10000},
    {OFF(max_per_client), "http.max_per_client", 1, 1000},
    {OFF(timeout), "http.timeout", 1, 600},
    {OFF(max_body), "http.max_body", 256, 1048576},
    {OFF(answer_ms), "self_service.answer_ms", 0, 10000},
    {OFF(kdf_threads), "self_service.kdf_threads", 1, 64},
};

struct state {
    FILE *fp;
    const char *path;
    int line;
    struct serve_cfg *c;
    struct ht_err err;
};

static int set(struct serve_cfg *c, const struct cfg_key *k, const char *v,
               struct ht_err *err)
{
    char *base = (char *)c;
    long l;
    int b;

    switch (k->type) {
    case CFG_STR: {
        char **slot = (char **)(void *)(base + k->offset);
        char *d = strdup(v);

        if (!d) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        if (*slot && (k->flags & CFG_SECRET))
            explicit_bzero(*slot, strlen(*slot));
        free(*slot);
        *slot = d;
        return 0;
    }
    case CFG_INT:
        if (parse_int(v, -1000000000L, 1000000000L, &l, err) < 0)
            return -1;
        *(long *)(void *)(base + k->offset) = l;
        return 0;
    case CFG_SECS:
        if (cfg_parse_secs(v, &l, err) < 0)
            return -1;
        *(long *)(void *)(base + k->offset) = l;
        return 0;
    case CFG_BOOL:
        if (parse_bool(v, &b, err) < 0)
            return -1;
        *(int *)(void *)(base + k->offset) = b;
        return 0;
    default:
        ht_err_set(err, HT_EINVAL, "unsupported key type");
        return -1;
    }
}

static char *reader(char *str, int num, void *stream)
{
    struct state *st = stream;
    char *r = fgets(str, num, st->fp);

    if (r)
        st->line++;
    return r;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct state *st = user;
    struct ht_err e = HT_ERR_INIT;

    if (ht_err_isset(&st->err))
        return 0;
    for (const struct cfg_key *k = keys; k->name; k++) {
        if (strcmp(k->section, section) != 0 || strcmp(k->name, name) != 0)
            continue;
        if (set(st->c, k, value, &e) < 0) {
            if (k->flags & CFG_SECRET)
                ht_err_set(&st->err, HT_ECONFIG, _("%s:%d: key '%s.%s': invalid value"),
                           st->path, st->line, section, name);
            else
                ht_err_set(&st->err, HT_ECONFIG, _("%s:%d: key '%s.%s': %s"), st->path,
                           st->line, section, name, e.msg);
            return 0;
        }
        return 1;
    }
    ht_err_set(&st->err, HT_ECONFIG, _("%s:%d: unknown key '%s' in section [%s]"),
               st->path, st->line, name, section);
    return 0;
}

static int check(struct serve_cfg *c, const char *path, struct ht_err *err)
{
    enum log_level lvl;

    for (size_t i = 0; i < HT_ARRAY_LEN(ranges); i++) {
        long v = *(long *)(void *)((char *)c + ranges[i].off);

        if (v < ranges[i].min || v > ranges[i].max) {
            ht_err_set(err, HT_ECONFIG,
                       _("%s: key '%s' = %ld is out of range [%ld, %ld]"), path,
                       ranges[i].name, v, ranges[i].min, ranges[i].max);
            return -1;
        }
    }
    if (log_level_parse(c->log_level, &lvl) < 0) {
        ht_err_set(err, HT_ECONFIG,
                   _("%s: key 'log.level' = '%s' is not one of error, warn, info, debug"),
                   path, c->log_level);
        return -1;
    }
    if (!selfservice_kdf_valid(c->kdf)) {
        ht_err_set(
            err, HT_ECONFIG,
            _("%s: key 'self_service.kdf' = '%s' is not scrypt:N:r:p (N a power of "
              "two from 1024 to 1048576, r 1-32, p 1-16)"),
            path, c->kdf);
        return -1;
    }
    if (strncmp(c->public_url, "http://", 7) != 0 &&
        strncmp(c->public_url, "https://", 8) != 0) {
        ht_err_set(err, HT_ECONFIG,
                   _("%s: key 'self_service.public_url' = '%s' is not an http(s) URL"),
                   path, c->public_url);
        return -1;
    }
    return 0;
}

static struct serve_cfg *with_defaults(const char *path, struct ht_err *err)
{
    struct serve_cfg *c = calloc(1, sizeof(*c));

    if (!c || !(c->path = strdup(path))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        serve_cfg_free(c);
        return NULL;
    }
    for (const struct cfg_key *k = keys; k->name; k++)
        if (set(c, k, k->def, err) < 0) {
            serve_cfg_free(c);
            return NULL;
        }
    return c;
}

struct serve_cfg *serve_cfg_defaults(struct ht_err *err)
{
    return with_defaults("(defaults)", err);
}

struct serve_cfg *serve_cfg_load(const char *path, struct ht_err *err)
{
    struct state st;
    struct serve_cfg *c = with_defaults(path, err);
    int rc;

    if (!c)
        return NULL;
    memset(&st, 0, sizeof(st));
    st.path = path;
    st.c = c;
    if (!(st.fp = fopen(path, "r"))) {
        ht_err_set(err, HT_ECONFIG, _("cannot open config file '%s': %s"), path,
                   strerror(errno));
        goto fail;
    }
    rc = ini_parse_stream(reader, &st, handler, &st);
    fclose(st.fp);
    if (ht_err_isset(&st.err)) {
        ht_err_set(err, st.err.code, "%s", st.err.msg);
        goto fail;
    }
    if (rc != 0) {
        ht_err_set(err, HT_ECONFIG,
                   _("%s:%d: syntax error (expected [section] or key = value)"), path,
                   rc > 0 ? rc : st.line);
        goto fail;
    }
    if (check(c, path, err) < 0)
        goto fail;
    return c;
fail:
    serve_cfg_free(c);
    return NULL;
}

void serve_cfg_free(struct serve_cfg *c)
{
    if (!c)
        return;
    for (const struct cfg_key *k = keys; k->name; k++)
        if (k->type == CFG_STR) {
            char **slot = (char **)(void *)((char *)c + k->offset);

            if (*slot && (k->flags & CFG_SECRET))
                explicit_bzero(*slot, strlen(*slot));
            free(*slot);
        }
    free(c->path);
    free(c);
}

const char *serve_cfg_default_path(void)
{
    static char path[512];
    const char *env = getenv("HALALTRACK_SERVE_CONFIG");

    if (env && *env)
        return env;
    snprintf(path, sizeof(path), "%s/%s", HT_SYSCONFDIR, SERVE_CFG_FILE);
    return path;
}
