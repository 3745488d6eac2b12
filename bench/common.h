/* Setup shared by the loop benchmarks (raw_pg, curl_loop, naive_poller): the simulator's
 * password, the login body, the schema name check and the PostgreSQL connection. Errors
 * go to stderr prefixed with the program's name; stdout (the figures bench/run.py
 * parses) is left to the programs. */
#ifndef HALALTRACK_BENCH_COMMON_H
#define HALALTRACK_BENCH_COMMON_H

#include <stddef.h>
#include <libpq-fe.h>

/* The simulator's password: HALALSIM_PASSWORD, or sim-password when unset or empty. */
const char *bench_password(void);
/* The JSON body of POST /api/authenticate for email and password. Returns 0, or -1 when
 * it does not fit in out. */
int bench_auth_body(char *out, size_t n, const char *email, const char *password);
/* Whether schema is a plain lower-case identifier ([a-z0-9_], as it goes into SQL text
 * unquoted). Returns 0, or -1 after saying so on stderr. */
int bench_schema_ok(const char *prog, const char *schema);
/* Connects with the PG* environment variables and runs "SET search_path = schema,
 * public; SET client_min_messages = warning; extra_sql" (extra_sql may be NULL). Returns
 * the connection, or NULL after saying why on stderr. schema must have passed
 * bench_schema_ok. */
PGconn *bench_pg_connect(const char *prog, const char *schema, const char *extra_sql);

#endif
