/* Setup shared by the loop benchmarks (common.h). */
#include <stdio.h>
#include <stdlib.h>
#include "common.h"
#include "halaltrack/banned.h"

const char *bench_password(void)
{
    const char *pw = getenv("HALALSIM_PASSWORD");

    return pw && *pw ? pw : "sim-password";
}

int bench_auth_body(char *out, size_t n, const char *email, const char *password)
{
    int len = snprintf(out, n, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);

    return len < 0 || (size_t)len >= n ? -1 : 0;
}

int bench_schema_ok(const char *prog, const char *schema)
{
    for (const char *p = schema; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9'))) {
            fprintf(stderr, "%s: invalid schema name '%s'\n", prog, schema);
            return -1;
        }
    }
    return 0;
}

PGconn *bench_pg_connect(const char *prog, const char *schema, const char *extra_sql)
{
    PGconn *c = PQconnectdb("");
    PGresult *r;
    char sql[512];

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "%s: cannot connect: %s", prog, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    if ((size_t)snprintf(
            sql, sizeof(sql),
            "SET search_path = %s, public; SET client_min_messages = warning;"
            " %s",
            schema, extra_sql ? extra_sql : "") >= sizeof(sql)) {
        fprintf(stderr, "%s: schema name too long: '%s'\n", prog, schema);
        PQfinish(c);
        return NULL;
    }
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "%s: cannot prepare schema '%s': %s", prog, schema,
                PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return NULL;
    }
    PQclear(r);
    return c;
}
