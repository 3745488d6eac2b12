/* PostgreSQL connection, transactions and the one checked place that runs statements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/log.h"
#include "halaltrack/banned.h"

static int valid_ident(const char *s)
{
    if (!s || !*s || strlen(s) > 63)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' ||
              (*p >= '0' && *p <= '9' && p != s)))
            return 0;
    return 1;
}

void store_set_error(struct store *s, const PGresult *res, const char *what,
                     struct ht_err *err)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    enum ht_errc code = HT_EDB;
    char clean[200];
    size_t n;

    if (!msg || !*msg)
        msg = s && s->conn ? PQerrorMessage(s->conn) : "no connection";
    if (!s || !s->conn || PQstatus(s->conn) != CONNECTION_OK)
        code = HT_EDBCONN;
    else if (state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
                       strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0))
        code = HT_EDBCONN;
    else if (state && strcmp(state, "57014") == 0)
        code = HT_ETIMEOUT;
    else if (state && (strncmp(state, "23", 2) == 0 || strcmp(state, "40001") == 0 ||
                       strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
        code = HT_ECONFLICT;
    /* The server's message ends with a newline; keep the first line only. */
    n = strcspn(msg, "\n");
    if (n >= sizeof(clean))
        n = sizeof(clean) - 1;
    memcpy(clean, msg, n);
    clean[n] = '\0';
    ht_err_set(err, code, "%s: %s", what, clean);
}

PGresult *store_run(struct store *s, const char *sql, int nparams,
                    const char *const *params, ExecStatusType expect, struct ht_err *err)
{
    PGresult *res;

    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        ht_err_set(err, HT_EDBCONN, "database connection lost");
        return NULL;
    }
    res = PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != expect) {
        store_set_error(s, res, "query failed", err);
        log_debug("query failed sql=\"%.200s\"", sql);
        PQclear(res);
        if (PQstatus(s->conn) != CONNECTION_OK)
            s->in_tx = 0;
        return NULL;
    }
    return res;
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("server notice: %s", message);
}

static int setup_session(struct store *s, int create_schema, struct ht_err *err)
{
    char sql[256];
    PGresult *res;

    PQsetNoticeProcessor(s->conn, quiet_notice, NULL);
    if (create_schema) {
        /* Only when missing: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege
         * on the database, which the least-privilege roles (daemon, reader) do not have.
         */
        const char *p[1] = {s->schema};
        int missing;

        res = store_run(s, "SELECT 1 FROM pg_namespace WHERE nspname = $1", 1, p,
                        PGRES_TUPLES_OK, err);
        if (!res)
            return -1;
        missing = PQntuples(res) == 0;
        PQclear(res);
        if (missing) {
            snprintf(sql, sizeof(sql), "CREATE SCHEMA IF NOT EXISTS %s", s->schema);
            res = store_run(s, sql, 0, NULL, PGRES_COMMAND_OK, err);
            if (!res)
                return -1;
            PQclear(res);
        }
    }
    /* Only the schema: never public (where any login may be able to CREATE, a namesake
     * of a function we call with a better-matching argument type would run instead), and
     * pg_temp last. */
    snprintf(sql, sizeof(sql),
             "SET search_path = %s, pg_temp; SET statement_timeout = %d; "
             "SET TIME ZONE 'UTC'; SET lock_timeout = %d; "
             /* JIT compiles every report query anew: measured 8x slower at 10k
              * applications (docs/performance.md). */
             "SET jit = off",
             s->schema, s->statement_timeout_ms,
             s->statement_timeout_ms ? s->statement_timeout_ms : 0);
    res = PQexec(s->conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        store_set_error(s, res, "cannot set up the session", err);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

#define REDACTED "***"

/* Appends the n bytes at p to out (cap outsz, always terminated). */
static void put(char *out, size_t outsz, size_t *len, const char *p, size_t n)
{
    if (*len + 1 >= outsz)
        return;
    if (n > outsz - 1 - *len)
        n = outsz - 1 - *len;
    memcpy(out + *len, p, n);
    *len += n;
    out[*len] = '\0';
}

static void put_pair(char *out, size_t outsz, size_t *len, const char *k, size_t kn,
                     const char *v, size_t vn);

/* A URI: the password of its userinfo and its query parameters as put_pair shows them. */
static void redact_uri(const char *ci, char *out, size_t outsz)
{
    const char *host = strstr(ci, "://") + 3;
    const char *at = host + strcspn(host, "@/?");
    const char *colon = memchr(host, ':', (size_t)(at - host));
    const char *p = ci, *query = strchr(ci, '?');
    size_t len = 0;

    out[0] = '\0';
    if (*at == '@' && colon) {
        put(out, outsz, &len, ci, (size_t)(colon + 1 - ci));
        put(out, outsz, &len, REDACTED, strlen(REDACTED));
        p = at;
    }
    if (!query || query < p) {
        put(out, outsz, &len, p, strlen(p));
        return;
    }
    put(out, outsz, &len, p, (size_t)(query + 1 - p));
    for (p = query + 1; *p;) {
        size_t n = strcspn(p, "&"), k = strcspn(p, "=&");

        if (k < n)
            put_pair(out, outsz, &len, p, k, p + k + 1, n - k - 1);
        else
            put(out, outsz, &len, REDACTED, strlen(REDACTED));
        p += n;
        if (*p == '&')
            put(out, outsz, &len, p++, 1);
    }
}

/* What may be shown of a conninfo key (n bytes): 2 = the key and its value, 1 = the key
 * only (libpq marks its value secret: password, sslpassword), 0 = nothing (not a libpq
 * option: maybe a misspelt "password", or the password itself). */
static int option_shown(const char *key, size_t n)
{
    PQconninfoOption *opts = PQconndefaults();
    int shown = 0;

    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strlen(o->keyword) == n && strncmp(o->keyword, key, n) == 0) {
            shown = o->dispchar && strchr(o->dispchar, '*') ? 1 : 2;
            break;
        }
    PQconninfoFree(opts);
    return shown;
}

/* Appends key=value (value: v, vn bytes) as much as option_shown allows. */
static void put_pair(char *out, size_t outsz, size_t *len, const char *k, size_t kn,
                     const char *v, size_t vn)
{
    int shown = option_shown(k, kn);

    put(out, outsz, len, shown ? k : REDACTED, shown ? kn : strlen(REDACTED));
    put(out, outsz, len, "=", 1);
    put(out, outsz, len, shown == 2 ? v : REDACTED, shown == 2 ? vn : strlen(REDACTED));
}

void store_conninfo_redact(const char *ci, char *out, size_t outsz)
{
    size_t len = 0;
    const char *p = ci ? ci : "";

    if (outsz == 0)
        return;
    out[0] = '\0';
    if (strncmp(p, "postgresql://", 13) == 0 || strncmp(p, "postgres://", 11) == 0) {
        redact_uri(p, out, outsz);
        return;
    }
    /* key = value pairs; a value may be 'quoted' with \ escapes. A word that is not
     * followed by "=" may be a password typed in the wrong place: it is not shown. */
    while (*p) {
        const char *k = p, *v;
        size_t klen;

        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        klen = strcspn(k, "= \t\n\r");
        v = k + klen;
        v += strspn(v, " \t\n\r");
        if (len)
            put(out, outsz, &len, " ", 1);
        if (*v != '=') {
            put(out, outsz, &len, REDACTED, strlen(REDACTED));
            p = k + klen;
            continue;
        }
        v++;
        v += strspn(v, " \t\n\r");
        p = v;
        if (*p == '\'') {
            for (p++; *p && *p != '\''; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p) { /* unterminated: nothing of it is shown */
                put_pair(out, outsz, &len, k, klen, REDACTED, strlen(REDACTED));
                break;
            }
            p++;
        } else {
            p += strcspn(p, " \t\n\r");
        }
        put_pair(out, outsz, &len, k, klen, v, (size_t)(p - v));
    }
}

/* libpq's parse error, first line, with every quoted piece that is neither "=" nor the
 * name of a libpq option replaced: `missing "=" after "Sekali99"` quotes the value it
 * choked on. */
static void redact_parse_error(const char *msg, char *out, size_t outsz)
{
    size_t len = 0;
    const char *p = msg;

    out[0] = '\0';
    while (*p && *p != '\n') {
        const char *q = strchr(p, '"'), *e = q ? strchr(q + 1, '"') : NULL;
        size_t n;

        if (!e) {
            put(out, outsz, &len, p, strcspn(p, "\n"));
            break;
        }
        n = (size_t)(e - q - 1);
        put(out, outsz, &len, p, (size_t)(q + 1 - p));
        if ((n == 1 && q[1] == '=') || (n > 0 && option_shown(q + 1, n)))
            put(out, outsz, &len, q + 1, n);
        else
            put(out, outsz, &len, REDACTED, strlen(REDACTED));
        put(out, outsz, &len, "\"", 1);
        p = e + 1;
    }
}

static int connect_now(struct store *s, struct ht_err *err)
{
    const char *keys[] = {"dbname", "application_name", "connect_timeout", NULL};
    const char *vals[] = {s->conninfo, "halaltrack", "10", NULL};

    if (s->conn)
        PQfinish(s->conn);
    s->conn = NULL;
    /* A conninfo libpq cannot parse: its message quotes the piece it choked on, which may
     * be the password. Say what is wrong with the secrets left out. */
    if (s->conninfo[0]) {
        char *perr = NULL;
        PQconninfoOption *opts = PQconninfoParse(s->conninfo, &perr);

        if (!opts) {
            char shown[256], why[256];

            store_conninfo_redact(s->conninfo, shown, sizeof(shown));
            redact_parse_error(perr ? perr : "out of memory", why, sizeof(why));
            if (perr) {
                explicit_bzero(perr, strlen(perr));
                PQfreemem(perr);
            }
            ht_err_set(err, HT_EDBCONN, "invalid database connection string '%s': %s",
                       shown, why);
            return -1;
        }
        for (PQconninfoOption *o = opts; o->keyword; o++)
            if (o->val)
                explicit_bzero(o->val, strlen(o->val));
        PQconninfoFree(opts);
    }
    /* expand_dbname lets the conninfo string (or URI) supply every parameter while the
     * environment (PGHOST, PGSERVICE...) fills what it leaves out. */
    s->conn = PQconnectdbParams(keys, vals, 1);
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        const char *m = s->conn ? PQerrorMessage(s->conn) : "out of memory";
        size_t n = strcspn(m, "\n");

        ht_err_set(err, HT_EDBCONN, "cannot connect to the database: %.*s", (int)n, m);
        PQfinish(s->conn);
        s->conn = NULL;
        return -1;
    }
    s->in_tx = 0;
    return 0;
}

struct store *store_open(const char *conninfo, const char *schema,
                         int statement_timeout_ms, struct ht_err *err)
{
    struct store *s = NULL;

    if (!schema || !*schema)
        schema = STORE_DEFAULT_SCHEMA;
    if (!valid_ident(schema)) {
        ht_err_set(err, HT_EINVAL, "invalid schema name '%s'", schema);
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s || !(s->conninfo = strdup(conninfo ? conninfo : "")) ||
        !(s->schema = strdup(schema))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        store_free(s);
        return NULL;
    }
    s->statement_timeout_ms = statement_timeout_ms;
    if (connect_now(s, err) < 0 || setup_session(s, 1, err) < 0) {
        store_free(s);
        return NULL;
    }
    return s;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    if (s->conn)
        PQfinish(s->conn);
    if (s->conninfo) /* may hold a password */
        memset(s->conninfo, 0, strlen(s->conninfo));
    free(s->conninfo);
    free(s->schema);
    free(s);
}

int store_ok(const struct store *s)
{
    return s && s->conn && PQstatus(s->conn) == CONNECTION_OK;
}

int store_reconnect(struct store *s, struct ht_err *err)
{
    if (connect_now(s, err) < 0)
        return -1;
    return setup_session(s, 0, err);
}

const char *store_schema(const struct store *s)
{
    return s->schema;
}

int store_exec(struct store *s, const char *sql, struct ht_err *err)
{
    PGresult *res;

    if (!store_ok(s)) {
        ht_err_set(err, HT_EDBCONN, "database connection lost");
        return -1;
    }
    res = PQexec(s->conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQresultStatus(res) != PGRES_TUPLES_OK) {
        store_set_error(s, res, "statement failed", err);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

int store_begin(struct store *s, struct ht_err *err)
{
    if (store_exec(s, "BEGIN", err) < 0)
        return -1;
    s->in_tx = 1;
    return 0;
}

int store_commit(struct store *s, struct ht_err *err)
{
    PGresult *res;
    int rc = 0;

    if (!store_ok(s)) {
        ht_err_set(err, HT_EDBCONN, "database connection lost before commit");
        s->in_tx = 0;
        return -1;
    }
    res = PQexec(s->conn, "COMMIT");
    /* A failed transaction answers COMMIT with ROLLBACK: check the command tag. */
    if (PQresultStatus(res) != PGRES_COMMAND_OK ||
        strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        store_set_error(s, res, "commit failed", err);
        if (!ht_err_isset(err))
            ht_err_set(err, HT_EDB, "commit failed: transaction was rolled back");
        rc = -1;
    }
    PQclear(res);
    s->in_tx = 0;
    return rc;
}

void store_rollback(struct store *s)
{
    if (store_ok(s) && PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        PQclear(PQexec(s->conn, "ROLLBACK"));
    s->in_tx = 0;
}

int store_query_value(struct store *s, const char *sql, int nparams,
                      const char *const *params, char **out, struct ht_err *err)
{
    PGresult *res = store_run(s, sql, nparams, params, PGRES_TUPLES_OK, err);

    *out = NULL;
    if (!res)
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 1;
    }
    if (!PQgetisnull(res, 0, 0) && !(*out = strdup(PQgetvalue(res, 0, 0)))) {
        PQclear(res);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    PQclear(res);
    return 0;
}

int store_command(struct store *s, const char *sql, int nparams,
                  const char *const *params, long *affected, struct ht_err *err)
{
    PGresult *res;

    res = PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
                 PQresultStatus(res) != PGRES_TUPLES_OK)) {
        store_set_error(s, res, "statement failed", err);
        PQclear(res);
        return -1;
    }
    if (affected)
        *affected = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return 0;
}

int store_query_rows(struct store *s, const char *sql, int nparams,
                     const char *const *params, struct store_rows *out,
                     struct ht_err *err)
{
    PGresult *res = store_run(s, sql, nparams, params, PGRES_TUPLES_OK, err);
    int nr, nc;

    memset(out, 0, sizeof(*out));
    if (!res)
        return -1;
    nr = PQntuples(res);
    nc = PQnfields(res);
    out->names = calloc((size_t)nc + 1, sizeof(char *));
    out->cells = calloc((size_t)nr * (size_t)nc + 1, sizeof(char *));
    if (!out->names || !out->cells)
        goto oom;
    out->ncols = nc;
    out->nrows = nr;
    for (int c = 0; c < nc; c++)
        if (!(out->names[c] = strdup(PQfname(res, c))))
            goto oom;
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < nc; c++)
            if (!PQgetisnull(res, r, c) &&
                !(out->cells[(size_t)r * (size_t)nc + (size_t)c] =
                      strdup(PQgetvalue(res, r, c))))
                goto oom;
    PQclear(res);
    return 0;
oom:
    PQclear(res);
    store_rows_release(out);
    ht_err_set(err, HT_ENOMEM, "out of memory");
    return -1;
}

int store_query_array(struct store *s, const char *sql, int nparams,
                      const char *const *params, struct store_rows *out, size_t elem,
                      void **array, struct ht_err *err)
{
    *array = NULL;
    if (store_query_rows(s, sql, nparams, params, out, err) < 0)
        return -1;
    if (out->nrows > 0 && !(*array = calloc((size_t)out->nrows, elem))) {
        store_rows_release(out);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    return 0;
}

const char *store_rows_get(const struct store_rows *r, int row, int col)
{
    if (row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
        return NULL;
    return r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}

void store_rows_release(struct store_rows *r)
{
    if (r->names)
        for (int c = 0; c < r->ncols; c++)
            free(r->names[c]);
    if (r->cells)
        for (size_t i = 0; i < (size_t)r->nrows * (size_t)r->ncols; i++)
            free(r->cells[i]);
    free(r->names);
    free(r->cells);
    memset(r, 0, sizeof(*r));
}
