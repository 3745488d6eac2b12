/* Configuration keys in one table, parsed with libinih, validated, reloadable. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "halaltrack/cfg.h"
#include "halaltrack/cfg_file.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/status_label.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

#define OFF(f) offsetof(struct cfg, f)
#define POLL(st) (offsetof(struct cfg, stage_poll) + (size_t)(st) * sizeof(long))

static const struct cfg_key keys[] = {
    {"api", "base_url", CFG_STR, OFF(base_url), CFG_REQUIRED, NULL},
    {"api", "auth_url", CFG_STR, OFF(auth_url), 0, ""},
    {"api", "facilitation_codes", CFG_STR, OFF(facilitation_codes), 0, ""},
    {"api", "email", CFG_STR, OFF(email), CFG_REQUIRED, NULL},
    {"api", "password_file", CFG_STR, OFF(password_file), 0, NULL},
    {"api", "password_env", CFG_STR, OFF(password_env), 0, "HALALTRACK_API_PASSWORD"},
    {"api", "ca_file", CFG_STR, OFF(ca_file), CFG_NO_RELOAD, NULL},
    {"api", "tls_verify", CFG_BOOL, OFF(tls_verify), CFG_NO_RELOAD, "yes"},
    {"api", "allow_insecure_http", CFG_BOOL, OFF(allow_insecure_http), 0, "no"},
    {"api", "connect_timeout", CFG_SECS, OFF(connect_timeout), CFG_NO_RELOAD, "10"},
    {"api", "timeout", CFG_SECS, OFF(timeout), CFG_NO_RELOAD, "30"},
    {"api", "page_size", CFG_INT, OFF(page_size), 0, "100"},
    {"api", "max_pages", CFG_INT, OFF(max_pages), 0, "100000"},
    {"api", "auth_backoff", CFG_SECS, OFF(auth_backoff), 0, "60"},
    {"api", "concurrency", CFG_INT, OFF(concurrency), CFG_NO_RELOAD, "8"},
    {"api", "max_retries", CFG_INT, OFF(max_retries), 0, "5"},
    {"api", "backoff_base_ms", CFG_INT, OFF(backoff_base_ms), 0, "200"},
    {"api", "backoff_max_ms", CFG_INT, OFF(backoff_max_ms), 0, "10000"},
    {"api", "retry_after_max", CFG_SECS, OFF(retry_after_max), 0, "60"},
    {"api", "breaker_threshold", CFG_INT, OFF(breaker_threshold), 0, "10"},
    {"api", "breaker_cooldown", CFG_SECS, OFF(breaker_cooldown), 0, "30"},
    {"api", "rate", CFG_DOUBLE, OFF(rate), 0, "20"},
    {"api", "burst", CFG_DOUBLE, OFF(burst), 0, "40"},
    {"public_search", "base_url", CFG_STR, OFF(ps_base_url), 0, ""},
    {"public_search", "rate", CFG_DOUBLE, OFF(ps_rate), 0, "1"},
    {"public_search", "burst", CFG_DOUBLE, OFF(ps_burst), 0, "1"},
    {"public_search", "interval", CFG_SECS, OFF(ps_interval), 0, "7d"},
    {"public_search", "batch", CFG_INT, OFF(ps_batch), 0, "20"},
    {"public_search", "pages", CFG_INT, OFF(ps_pages), 0, "5"},
    {"public_search", "auto_accept", CFG_DOUBLE, OFF(ps_auto_accept), 0, "0.93"},
    {"public_search", "review_min", CFG_DOUBLE, OFF(ps_review_min), 0, "0.6"},
    {"poll", "cycle", CFG_SECS, OFF(cycle), 0, "60"},
    {"poll", "draft", CFG_SECS, POLL(STAGE_DRAFT), 0, "1d"},
    {"poll", "submitted", CFG_SECS, POLL(STAGE_SUBMITTED), 0, "1h"},
    {"poll", "verification", CFG_SECS, POLL(STAGE_VERIFICATION), 0, "1h"},
    {"poll", "lph_assignment", CFG_SECS, POLL(STAGE_LPH_ASSIGNMENT), 0, "6h"},
    {"poll", "inspection", CFG_SECS, POLL(STAGE_INSPECTION), 0, "6h"},
    {"poll", "pph_verification", CFG_SECS, POLL(STAGE_PPH_VERIFICATION), 0, "6h"},
    {"poll", "fatwa", CFG_SECS, POLL(STAGE_FATWA), 0, "1h"},
    {"poll", "issuance", CFG_SECS, POLL(STAGE_ISSUANCE), 0, "1h"},
    {"poll", "certified", CFG_SECS, POLL(STAGE_CERTIFIED), 0, "7d"},
    {"poll", "returned", CFG_SECS, POLL(STAGE_RETURNED), 0, "1d"},
    {"poll", "rejected", CFG_SECS, POLL(STAGE_REJECTED), 0, "7d"},
    {"poll", "cancelled", CFG_SECS, POLL(STAGE_CANCELLED), 0, "7d"},
    {"poll", "unknown", CFG_SECS, POLL(STAGE_UNKNOWN), 0, "1h"},
    {"database", "conninfo", CFG_STR, OFF(conninfo), CFG_NO_RELOAD | CFG_SECRET, ""},
    {"database", "schema", CFG_STR, OFF(schema), CFG_NO_RELOAD, "halaltrack"},
    {"database", "statement_timeout", CFG_SECS, OFF(statement_timeout), 0, "60"},
    {"database", "batch_size", CFG_INT, OFF(batch_size), 0, "1000"},
    {"database", "lease", CFG_SECS, OFF(lease), 0, "5m"},
    {"http", "listen", CFG_STR, OFF(listen), CFG_NO_RELOAD, "127.0.0.1:9187"},
    {"http", "ready_max_age", CFG_SECS, OFF(ready_max_age), CFG_NO_RELOAD, "15m"},
    {"retention", "budget_grant", CFG_SECS, OFF(keep_budget_grant), 0, "30d"},
    {"retention", "sync_run", CFG_SECS, OFF(keep_sync_run), 0, "90d"},
    {"retention", "quarantine_resolved", CFG_SECS, OFF(keep_quarantine_resolved), 0,
     "90d"},
    {"retention", "self_service_attempt", CFG_SECS, OFF(keep_self_service_attempt), 0,
     "30d"},
    {"log", "level", CFG_STR, OFF(log_level), 0, "info"},
    {"log", "file", CFG_STR, OFF(log_file), 0, ""},
    {"daemon", "name", CFG_STR, OFF(name), CFG_NO_RELOAD, ""},
    {NULL, NULL, 0, 0, 0, NULL},
};

/* Bounds checked after parsing; a bad figure names its key. */
struct range {
    const char *name;
    long min, max;
};
static const struct range ranges[] = {
    {"page_size", 1, 100},
    {"max_pages", 1, 10000000},
    {"auth_backoff", 1, 86400},
    {"concurrency", 1, 64},
    {"max_retries", 0, 20},
    {"backoff_base_ms", 1, 600000},
    {"backoff_max_ms", 1, 3600000},
    {"breaker_threshold", 1, 1000},
    {"batch_size", 1, 10000},
    {"connect_timeout", 1, 600},
    {"timeout", 1, 3600},
    {"cycle", 0, 86400 * 7},
    {"batch", 1, 10000},
    {"pages", 1, 100},
    {"interval", 60, 86400 * 366},
    {"lease", 5, 86400},
    {"statement_timeout", 1, 3600},
};

int cfg_parse_secs(const char *s, long *out, struct ht_err *err)
{
    char num[32];
    size_t n = strlen(s);
    long mult = 1, v;

    if (n == 0 || n >= sizeof(num)) {
        ht_err_set(err, HT_EINVAL, "invalid duration '%s'", s);
        return -1;
    }
    memcpy(num, s, n + 1);
    switch (num[n - 1]) {
    case 's':
        mult = 1;
        num[n - 1] = '\0';
        break;
    case 'm':
        mult = 60;
        num[n - 1] = '\0';
        break;
    case 'h':
        mult = 3600;
        num[n - 1] = '\0';
        break;
    case 'd':
        mult = 86400;
        num[n - 1] = '\0';
        break;
    default:
        break;
    }
    if (parse_int(num, 0, 100L * 365 * 86400 / mult, &v, NULL) < 0) {
        ht_err_set(err, HT_EINVAL, "invalid duration '%s' (use e.g. 30, 30s, 5m, 2h, 1d)",
                   s);
        return -1;
    }
    *out = v * mult;
    return 0;
}

static const struct cfg_key *find_key(const char *section, const char *name)
{
    return cfg_key_find(keys, section, name);
}

long cfg_default_secs(const char *section, const char *name)
{
    const struct cfg_key *k = find_key(section, name);
    long v = 0;

    if (!k || k->type != CFG_SECS || !k->def || cfg_parse_secs(k->def, &v, NULL) < 0)
        return 0;
    return v;
}

struct parse_state {
    struct cfg *c;
    unsigned char seen[64];
};

/* A line of [office], [calendar] or [sla] into set; an error names file:line. Returns 0
 * (go on) or -1 (stop), as cfg_file_parse's handlers do. */
static int settings_line(struct ht_settings *set, const struct cfg_pos *pos,
                         const char *section, const char *name, const char *value,
                         struct ht_err *err)
{
    const char *key = settings_config_key(section, name);
    struct ht_err e = HT_ERR_INIT;

    if (!key) {
        ht_err_set(err, HT_ECONFIG, _("%s:%d: unknown key '%s' in section [%s]"),
                   pos->path, pos->line, name, section);
        return -1;
    }
    if (settings_set(set, key, value, &e) < 0) {
        ht_err_set(err, HT_ECONFIG, _("%s:%d: key '%s.%s': %s"), pos->path, pos->line,
                   section, name, e.msg);
        return -1;
    }
    return 0;
}

static int handler(void *user, const struct cfg_pos *pos, const char *section,
                   const char *name, const char *value, struct ht_err *err)
{
    struct parse_state *ps = user;
    const struct cfg_key *k;
    struct ht_err e = HT_ERR_INIT;
    if (strcmp(section, "stage_map") == 0) {
        struct cfg *c = ps->c;
        char **mc = realloc(c->map_code, (c->nmap + 1) * sizeof(char *));
        char **ms;

        if (mc)
            c->map_code = mc;
        ms = mc ? realloc(c->map_stage, (c->nmap + 1) * sizeof(char *)) : NULL;
        if (ms)
            c->map_stage = ms;
        if (!mc || !ms) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        c->map_code[c->nmap] = strdup(name);
        c->map_stage[c->nmap] = strdup(value);
        c->nmap++;
        if (!c->map_code[c->nmap - 1] || !c->map_stage[c->nmap - 1]) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        /* Check the mapping now so the error names its line. */
        {
            enum ht_stage st;
            if (!stage_code_wellformed(name) || stage_lookup(name) ||
                stage_parse(value, &st) < 0 || st == STAGE_UNKNOWN ||
                st == STAGE_NOT_APPLIED) {
                ht_err_set(
                    err, HT_ECONFIG,
                    _("%s:%d: [stage_map] '%s': invalid mapping to '%s' (a new OF code "
                      "to a known stage)"),
                    pos->path, pos->line, name, value);
                return -1;
            }
        }
        return 0;
    }
    if (strcmp(section, "status_labels") == 0) {
        struct cfg *c = ps->c;
        char **lt = realloc(c->label_text, (c->nlabel + 1) * sizeof(char *));
        char **lc;

        if (lt)
            c->label_text = lt;
        lc = lt ? realloc(c->label_code, (c->nlabel + 1) * sizeof(char *)) : NULL;
        if (lc)
            c->label_code = lc;
        if (!lt || !lc) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        c->label_text[c->nlabel] = strdup(name);
        c->label_code[c->nlabel] = strdup(value);
        c->nlabel++;
        if (!c->label_text[c->nlabel - 1] || !c->label_code[c->nlabel - 1]) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        if (stage_code_wellformed(name) || !stage_code_wellformed(value)) {
            ht_err_set(err, HT_ECONFIG,
                       _("%s:%d: [status_labels] '%s': invalid mapping to '%s' (a status "
                         "label to a code like OF10)"),
                       pos->path, pos->line, name, value);
            return -1;
        }
        return 0;
    }
    if (settings_config_section(section))
        return settings_line(&ps->c->settings, pos, section, name, value, err);
    k = find_key(section, name);
    if (!k) {
        ht_err_set(err, HT_ECONFIG, _("%s:%d: unknown key '%s' in section [%s]"),
                   pos->path, pos->line, name, section);
        return -1;
    }
    if (cfg_key_set(ps->c, k, value, &e) < 0) {
        ht_err_set(err, e.code, _("%s:%d: key '%s.%s': %s"), pos->path, pos->line,
                   section, name, e.msg);
        return -1;
    }
    ps->seen[k - keys] = 1;
    return 0;
}

static int read_password(struct cfg *c, struct ht_err *err)
{
    FILE *fp = NULL;
    struct stat st;
    char line[1024];
    int rc = -1;

    if (c->password_file && *c->password_file) {
        fp = fopen(c->password_file, "r");
        if (!fp) {
            ht_err_set(err, HT_ECONFIG, _("%s: api.password_file '%s': %s"), c->path,
                       c->password_file, strerror(errno));
            goto out;
        }
        if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
            ht_err_set(err, HT_ECONFIG,
                       _("%s: api.password_file '%s': not a regular file"), c->path,
                       c->password_file);
            goto out;
        }
        if (st.st_mode & (S_IRWXG | S_IRWXO)) {
            ht_err_set(
                err, HT_ECONFIG,
                _("%s: api.password_file '%s' is readable by group or others (mode "
                  "%03o); run chmod 600 on it"),
                c->path, c->password_file, (unsigned)(st.st_mode & 0777));
            goto out;
        }
        if (!fgets(line, sizeof(line), fp)) {
            ht_err_set(err, HT_ECONFIG, _("%s: api.password_file '%s' is empty"), c->path,
                       c->password_file);
            goto out;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line) {
            ht_err_set(err, HT_ECONFIG, _("%s: api.password_file '%s' is empty"), c->path,
                       c->password_file);
            goto out;
        }
        c->password = strdup(line);
        explicit_bzero(line, sizeof(line));
    } else {
        const char *v =
            c->password_env && *c->password_env ? getenv(c->password_env) : NULL;

        if (!v || !*v) {
            ht_err_set(err, HT_ECONFIG,
                       _("%s: no API password: set api.password_file or the environment "
                         "variable '%s'"),
                       c->path, c->password_env ? c->password_env : "");
            goto out;
        }
        c->password = strdup(v);
    }
    if (!c->password) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    rc = 0;
out:
    if (fp)
        fclose(fp);
    return rc;
}

static int url_at(const char *list, size_t i, char *out, size_t outsz);

/* Checks a key holding one or more URLs (mirrors, separated by spaces or commas): each
 * http(s), and plain http only to loopback unless api.allow_insecure_http. */
static int check_urls(const struct cfg *c, const char *key, const char *list,
                      int required, struct ht_err *err)
{
    size_t n = cfg_list_count(list);
    char u[512], red[512];

    if (n == 0 && !required)
        return 0;
    for (size_t i = 0; i < n || i == 0; i++) {
        if (url_at(list, i, u, sizeof(u)) < 0 ||
            (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)) {
            cfg_url_redact(list, red, sizeof(red));
            ht_err_set(err, HT_ECONFIG,
                       _("%s: key '%s' = '%s' is not a list of http(s) URLs"), c->path,
                       key, red);
            return -1;
        }
        if (strncmp(u, "http://", 7) == 0 && !cfg_url_is_loopback(u) &&
            !c->allow_insecure_http) {
            cfg_url_redact(u, red, sizeof(red));
            ht_err_set(err, HT_ECONFIG,
                       _("%s: key '%s': '%s' is plain http to a host that is not "
                         "loopback; use https, or set api.allow_insecure_http = yes"),
                       c->path, key, red);
            return -1;
        }
    }
    return 0;
}

static long *long_slot(struct cfg *c, const char *name)
{
    for (const struct cfg_key *k = keys; k->name; k++)
        if (strcmp(k->name, name) == 0 && (k->type == CFG_INT || k->type == CFG_SECS))
            return (long *)(void *)((char *)c + k->offset);
    return NULL;
}

struct cfg *cfg_load(const char *path, struct ht_err *err)
{
    struct parse_state ps;
    struct cfg *c = calloc(1, sizeof(*c));

    memset(&ps, 0, sizeof(ps));
    if (!c || !(c->path = strdup(path))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        cfg_free(c);
        return NULL;
    }
    ps.c = c;
    settings_init(&c->settings);
    if (cfg_keys_defaults(c, keys, err) < 0 ||
        cfg_file_parse(path, handler, &ps, err) < 0)
        goto fail;
    for (const struct cfg_key *k = keys; k->name; k++) {
        if (!(k->flags & CFG_REQUIRED))
            continue;
        char *v = *(char **)(void *)((char *)c + k->offset);
        if (!ps.seen[k - keys] || !v || !*v) {
            ht_err_set(err, HT_ECONFIG,
                       _("%s: missing required key '%s' in section [%s]"), path, k->name,
                       k->section);
            goto fail;
        }
    }
    for (size_t i = 0; i < HT_ARRAY_LEN(ranges); i++) {
        long *v = long_slot(c, ranges[i].name);
        if (v && (*v < ranges[i].min || *v > ranges[i].max)) {
            ht_err_set(err, HT_ECONFIG,
                       _("%s: key '%s' = %ld is out of range [%ld, %ld]"), path,
                       ranges[i].name, *v, ranges[i].min, ranges[i].max);
            goto fail;
        }
    }
    if (check_urls(c, "api.base_url", c->base_url, 1, err) < 0 ||
        check_urls(c, "api.auth_url", c->auth_url, 0, err) < 0 ||
        check_urls(c, "public_search.base_url", c->ps_base_url, 0, err) < 0)
        goto fail;
    if (c->ps_burst < 1 || c->ps_review_min > c->ps_auto_accept ||
        c->ps_auto_accept > 1) {
        ht_err_set(err, HT_ECONFIG,
                   _("%s: [public_search] needs burst >= 1 and review_min <= auto_accept "
                     "<= 1"),
                   path);
        goto fail;
    }
    {
        enum log_level lvl;
        if (log_level_parse(c->log_level, &lvl) < 0) {
            ht_err_set(
                err, HT_ECONFIG,
                _("%s: key 'log.level' = '%s' is not one of error, warn, info, debug"),
                path, c->log_level);
            goto fail;
        }
    }
    if (c->burst < 1) {
        ht_err_set(err, HT_ECONFIG, _("%s: key 'api.burst' must be at least 1"), path);
        goto fail;
    }
    if (!*c->name) {
        char host[128] = "halaltrackd";
        char nm[200];
        (void)gethostname(host, sizeof(host) - 1);
        host[sizeof(host) - 1] = '\0';
        snprintf(nm, sizeof(nm), "%s-%ld", host, (long)getpid());
        free(c->name);
        if (!(c->name = strdup(nm))) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            goto fail;
        }
    }
    if (read_password(c, err) < 0)
        goto fail;
    return c;
fail:
    cfg_free(c);
    return NULL;
}

void cfg_free(struct cfg *c)
{
    if (!c)
        return;
    cfg_keys_free(c, keys);
    if (c->password) {
        explicit_bzero(c->password, strlen(c->password));
        free(c->password);
    }
    for (size_t i = 0; i < c->nmap; i++) {
        free(c->map_code[i]);
        free(c->map_stage[i]);
    }
    free(c->map_code);
    free(c->map_stage);
    for (size_t i = 0; i < c->nlabel; i++) {
        free(c->label_text[i]);
        free(c->label_code[i]);
    }
    free(c->label_text);
    free(c->label_code);
    free(c->path);
    free(c);
}

struct stage_map *cfg_stage_map(const struct cfg *c, struct ht_err *err)
{
    struct stage_map *m = stage_map_new();

    if (!m) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < c->nmap; i++)
        if (stage_map_add(m, c->map_code[i], c->map_stage[i], err) < 0)
            goto fail;
    for (size_t i = 0; i < c->nlabel; i++)
        if (stage_map_add_label(m, c->label_text[i], c->label_code[i], err) < 0)
            goto fail;
    return m;
fail:
    stage_map_free(m);
    return NULL;
}

void cfg_keep_no_reload(const struct cfg *old, struct cfg *next)
{
    for (const struct cfg_key *k = keys; k->name; k++) {
        if (!(k->flags & CFG_NO_RELOAD))
            continue;
        if (k->type == CFG_STR) {
            char **o = (char **)(void *)((char *)old + k->offset);
            char **n = (char **)(void *)((char *)next + k->offset);
            if (strcmp(*o ? *o : "", *n ? *n : "") != 0) {
                char *dup = xstrdup_or_null(*o);
                if (!dup && *o)
                    continue;
                log_warn("config key changed but needs a restart key=%s.%s", k->section,
                         k->name);
                free(*n);
                *n = dup;
            }
        } else if (k->type == CFG_BOOL) {
            int *o = (int *)(void *)((char *)old + k->offset);
            int *n = (int *)(void *)((char *)next + k->offset);
            if (*o != *n) {
                log_warn("config key changed but needs a restart key=%s.%s", k->section,
                         k->name);
                *n = *o;
            }
        } else if (k->type == CFG_DOUBLE) {
            double *o = (double *)(void *)((char *)old + k->offset);
            double *n = (double *)(void *)((char *)next + k->offset);
            if (*o != *n) {
                log_warn("config key changed but needs a restart key=%s.%s", k->section,
                         k->name);
                *n = *o;
            }
        } else {
            long *o = (long *)(void *)((char *)old + k->offset);
            long *n = (long *)(void *)((char *)next + k->offset);
            if (*o != *n) {
                log_warn("config key changed but needs a restart key=%s.%s", k->section,
                         k->name);
                *n = *o;
            }
        }
    }
}

void cfg_dump(const struct cfg *c, FILE *out)
{
    for (const struct cfg_key *k = keys; k->name; k++) {
        const char *base = (const char *)c;

        fprintf(out, "%s.%s = ", k->section, k->name);
        if (k->flags & CFG_SECRET) {
            fputs("(secret)\n", out);
            continue;
        }
        switch (k->type) {
        case CFG_STR: {
            const char *v = *(char *const *)(const void *)(base + k->offset);
            fprintf(out, "%s\n", v ? v : "");
            break;
        }
        case CFG_INT:
        case CFG_SECS:
            fprintf(out, "%ld\n", *(const long *)(const void *)(base + k->offset));
            break;
        case CFG_DOUBLE:
            fprintf(out, "%g\n", *(const double *)(const void *)(base + k->offset));
            break;
        case CFG_BOOL:
            fprintf(out, "%d\n", *(const int *)(const void *)(base + k->offset));
            break;
        }
    }
    for (size_t i = 0; i < c->nmap; i++)
        fprintf(out, "stage_map.%s = %s\n", c->map_code[i], c->map_stage[i]);
    for (size_t i = 0; i < c->nlabel; i++)
        fprintf(out, "status_labels.%s = %s\n", c->label_text[i], c->label_code[i]);
    fprintf(out, "office.name = %s\n", c->settings.office_name);
    fprintf(out, "calendar.cuti_bersama = %s\n",
            settings_cuti_name(c->settings.cuti_working));
    fprintf(out, "sla.rules = %s\n", sla_rules_name(c->settings.rules));
}

static int map_handler(void *user, const struct cfg_pos *pos, const char *section,
                       const char *name, const char *value, struct ht_err *err)
{
    struct stage_map *m = user;
    struct ht_err e = HT_ERR_INIT;

    if (strcmp(section, "status_labels") == 0) {
        if (stage_map_add_label(m, name, value, &e) < 0) {
            ht_err_set(err, HT_ECONFIG, _("%s:%d: [status_labels] '%s': %s"), pos->path,
                       pos->line, name, e.msg);
            return -1;
        }
        return 0;
    }
    if (strcmp(section, "stage_map") != 0)
        return 0;
    if (stage_map_add(m, name, value, &e) < 0) {
        ht_err_set(err, HT_ECONFIG, _("%s:%d: [stage_map] '%s': %s"), pos->path,
                   pos->line, name, e.msg);
        return -1;
    }
    return 0;
}

int cfg_read_stage_map(const char *path, struct stage_map *m, struct ht_err *err)
{
    return cfg_file_parse(path, map_handler, m, err);
}

static int settings_handler(void *user, const struct cfg_pos *pos, const char *section,
                            const char *name, const char *value, struct ht_err *err)
{
    if (!settings_config_section(section))
        return 0;
    return settings_line(user, pos, section, name, value, err);
}

int cfg_read_settings(const char *path, struct ht_settings *out, struct ht_err *err)
{
    settings_init(out);
    return cfg_file_parse(path, settings_handler, out, err);
}

static const char *url_sep = " \t,";

size_t cfg_list_count(const char *list)
{
    size_t n = 0;
    const char *p = list ? list : "";

    for (;;) {
        p += strspn(p, url_sep);
        if (!*p)
            return n;
        n++;
        p += strcspn(p, url_sep);
    }
}

int cfg_list_at(const char *list, size_t i, char *out, size_t outsz)
{
    const char *p = list ? list : "";

    for (size_t k = 0;; k++) {
        size_t len;
        p += strspn(p, url_sep);
        if (!*p)
            return -1;
        len = strcspn(p, url_sep);
        if (k == i) {
            if (len + 1 > outsz)
                return -1;
            memcpy(out, p, len);
            out[len] = '\0';
            return 0;
        }
        p += len;
    }
}

size_t cfg_base_url_count(const struct cfg *c)
{
    return cfg_list_count(c->base_url);
}

/* The i-th URL of a list without a trailing '/'. */
static int url_at(const char *list, size_t i, char *out, size_t outsz)
{
    size_t len;

    if (cfg_list_at(list, i, out, outsz) < 0)
        return -1;
    len = strlen(out);
    while (len > 0 && out[len - 1] == '/')
        out[--len] = '\0';
    return 0;
}

int cfg_base_url_at(const struct cfg *c, size_t i, char *out, size_t outsz)
{
    return url_at(c->base_url, i, out, outsz);
}

static const char *auth_list(const struct cfg *c)
{
    return c->auth_url && *c->auth_url ? c->auth_url : c->base_url;
}

size_t cfg_auth_url_count(const struct cfg *c)
{
    return cfg_list_count(auth_list(c));
}

int cfg_auth_url_at(const struct cfg *c, size_t i, char *out, size_t outsz)
{
    return url_at(auth_list(c), i, out, outsz);
}

/* The host part of an http(s) URL: after "://" and any userinfo, up to the port, path
 * or end; IPv6 literals keep their brackets. */
static size_t url_host(const char *url, const char **host)
{
    const char *p = strstr(url, "://"), *end, *at;

    p = p ? p + 3 : url;
    end = p + strcspn(p, "/?#");
    at = memchr(p, '@', (size_t)(end - p));
    if (at)
        p = at + 1;
    *host = p;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        return rb ? (size_t)(rb - p) + 1 : (size_t)(end - p);
    }
    return strcspn(p, ":/?#");
}

int cfg_url_is_loopback(const char *url)
{
    const char *h;
    size_t n = url_host(url, &h);

    if ((n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
        (n == 5 && strncmp(h, "[::1]", 5) == 0))
        return 1;
    /* 127.0.0.0/8 written as a dotted quad */
    if (n >= 9 && n <= 15 && strncmp(h, "127.", 4) == 0) {
        int dots = 0;
        for (size_t i = 0; i < n; i++) {
            if (h[i] == '.')
                dots++;
            else if (h[i] < '0' || h[i] > '9')
                return 0;
        }
        return dots == 3;
    }
    return 0;
}

void cfg_url_redact(const char *url, char *out, size_t outsz)
{
    size_t o = 0;
    const char *p = url ? url : "";

    /* Token by token (base_url may list mirrors): any userinfo becomes "***". */
    while (*p && o + 1 < outsz) {
        size_t tok = strcspn(p, url_sep), skip;
        const char *sch = strstr(p, "://"), *auth, *end, *at;

        if (sch && (size_t)(sch - p) < tok) {
            auth = sch + 3;
            end = auth + strcspn(auth, "/?#");
            if (end > p + tok)
                end = p + tok;
            at = memchr(auth, '@', (size_t)(end - auth));
            if (at) {
                o += (size_t)snprintf(out + o, outsz - o, "%.*s***", (int)(auth - p), p);
                if (o >= outsz)
                    break;
                tok -= (size_t)(at - p);
                p = at;
            }
        }
        skip = tok + strspn(p + tok, url_sep);
        o += (size_t)snprintf(out + o, outsz - o, "%.*s", (int)skip, p);
        p += skip;
    }
    if (outsz)
        out[o < outsz ? o : outsz - 1] = '\0';
}

void cfg_stage_poll_defaults(long out[STAGE__COUNT])
{
    for (int i = 0; i < STAGE__COUNT; i++)
        out[i] = 3600;
    for (const struct cfg_key *k = keys; k->name; k++) {
        size_t lo = POLL(0), hi = POLL(STAGE__COUNT);
        long v;
        if (k->offset >= lo && k->offset < hi && k->def &&
            cfg_parse_secs(k->def, &v, NULL) == 0)
            out[(k->offset - lo) / sizeof(long)] = v;
    }
}
