/* The database connection string in error messages (issue 10, low items): libpq's parse
 * errors quote the piece they choke on, which may be the password; what we print is
 * redacted. No server is needed: a string that does not parse fails before connecting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include "test_util.h"
#include "halaltrack/store.h"

#define SECRET "Sekali99-rahasia"

TestSuite(conninfo);

static void redacts(const char *ci, const char *want)
{
    char out[256];

    store_conninfo_redact(ci, out, sizeof(out));
    cr_assert_str_eq(out, want, "%s", ci);
    cr_assert_null(strstr(out, SECRET), "%s", out);
}

Test(conninfo, low_db_password_redacted_in_the_shown_conninfo)
{
    redacts("host=db.internal user=halaltrackd password=" SECRET " dbname=halaltrack",
            "host=db.internal user=halaltrackd password=*** dbname=halaltrack");
    /* The password typed without its key, or with a misspelt one. */
    redacts("host=db user=x " SECRET, "host=db user=x ***");
    redacts("host=db " SECRET "=x", "host=db ***=***");
    redacts("host=db pasword=" SECRET, "host=db ***=***");
    redacts("host=db password = '" SECRET " \\' x' port=5432",
            "host=db password=*** port=5432");
    redacts("host=db password='" SECRET, "host=db password=***");
    redacts("host=db sslpassword=" SECRET, "host=db sslpassword=***");
    redacts("postgresql://u:" SECRET "@db/halaltrack?sslmode=require",
            "postgresql://u:***@db/halaltrack?sslmode=require");
    redacts("postgres://u@db/halaltrack?password=" SECRET "&port=5432",
            "postgres://u@db/halaltrack?password=***&port=5432");
    redacts("", "");
}

Test(conninfo, low_db_password_never_in_connection_errors)
{
    static const char *const bad[] = {
        "host=127.0.0.1 user=x " SECRET,            /* missing "=" after "..." */
        "host=127.0.0.1 password='" SECRET,         /* unterminated quoted string */
        "host=127.0.0.1 " SECRET "=x",              /* invalid connection option "..." */
        "postgresql://u:" SECRET "@127.0.0.1/db?x", /* bad URI query parameter */
    };
    struct ht_err err = HT_ERR_INIT;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *argv[] = {
            tu_bin("cli/halaltrack"), "-d", bad[i], "db", "status", NULL};
        struct tu_result r;

        ht_err_clear(&err);
        cr_assert_null(store_open(bad[i], NULL, 0, &err), "%s", bad[i]);
        cr_assert_not_null(strstr(err.msg, "invalid database connection string"), "%s",
                           err.msg);
        cr_assert_null(strstr(err.msg, SECRET), "%s", err.msg);
        /* And the CLI, which prints it. */
        r = tu_run(argv, NULL, NULL, 30);
        cr_assert_eq(r.status, 1, "%s: exit %d", bad[i], r.status);
        cr_assert_not_null(strstr(r.err, "invalid database connection string"), "%s",
                           r.err);
        cr_assert_null(strstr(r.err, SECRET), "%s", r.err);
        cr_assert_null(strstr(r.out, SECRET), "%s", r.out);
        tu_result_release(&r);
    }
}
