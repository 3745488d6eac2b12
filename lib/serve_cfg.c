/* halaltrack-serve's configuration: one table of keys, parsed with libinih. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/cfg_file.h"
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

static int handler(void *user, const struct cfg_pos *pos, const char *section,
                   const char *name, const char *value, struct ht_err *err)
{
    const struct cfg_key *k = cfg_key_find(keys, section, name);
    struct ht_err e = HT_ERR_INIT;

    if (!k) {
        ht_err_set(err, HT_ECONFIG, _("%s:%d: unknown key '%s' in section [%s]"),
                   pos->path, pos->line, name, section);
        return -1;
    }
    if (cfg_key_set(user, k, value, &e) < 0) {
        ht_err_set(err, HT_ECONFIG, _("%s:%d: key '%s.%s': %s"), pos->path, pos->line,
                   section, name, e.msg);
        return -1;
    }
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
    if (cfg_keys_defaults(c, keys, err) < 0) {
        serve_cfg_free(c);
        return NULL;
    }
    return c;
}

struct serve_cfg *serve_cfg_load(const char *path, struct ht_err *err)
{
    struct serve_cfg *c = with_defaults(path, err);

    if (!c)
        return NULL;
    if (cfg_file_parse(path, handler, c, err) < 0 || check(c, path, err) < 0) {
        serve_cfg_free(c);
        return NULL;
    }
    return c;
}

void serve_cfg_free(struct serve_cfg *c)
{
    if (!c)
        return;
    cfg_keys_free(c, keys);
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
