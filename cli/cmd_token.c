/* halaltrack token issue | list | revoke: bearer tokens of the monitoring applications
 * that read halaltrack-serve's /api/v1 (a dashboard, a WhatsApp bot). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/apitoken.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_serve.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Manage the bearer tokens of monitoring applications.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack token issue --name=APP --scope=kota|kecamatan:CODE\n"));
    printf(_("  halaltrack token list [--format=table|csv|json]\n"));
    printf(_("  halaltrack token revoke NAME|ID\n\n"));
    printf(_("Options:\n"));
    printf(_(
        "      --name=APP        the application, e.g. grafana-dinas (letters, digits,\n"
        "                        '.', '_', '-'; one active token per name)\n"));
    printf(
        _("      --scope=SCOPE     kota (every kecamatan) or kecamatan:CODE (one only,\n"
          "                        enforced by the database's row-level security)\n"));
    printf(_("  -f, --format=FORMAT   list output: table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(
        _("The token is printed once; only its SHA-256 is stored. The application sends\n"
          "it as \"Authorization: Bearer TOKEN\" to halaltrack-serve.\n"));
}

static int valid_name(const char *n)
{
    size_t len = strlen(n);

    return len >= 1 && len <= 63 &&
           strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
                     "rstuvwxyz0123456789._-") == len &&
           n[0] != '.' && n[0] != '_' && n[0] != '-';
}

static int token_issue(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"scope", required_argument, NULL, 's'},
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE("token", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    const char *name = NULL, *scope = NULL, *kecamatan = NULL;
    char token[APITOKEN_TEXT], hash[APITOKEN_HASH];
    struct store *s;
    long id = 0;
    int c, q;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 'n')
            name = optarg;
        else if (c == 's')
            scope = optarg;
        else
            return cli_usage_hint(p.cmd);
    }
    if ((q = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return q;
    if (!name || !scope) {
        cli_error("%s", _("token issue needs --name and --scope"));
        return cli_usage_hint(p.cmd);
    }
    if (!valid_name(name)) {
        cli_error(_("invalid token name '%s' (1 to 63 letters, digits, '.', '_', '-')"),
                  name);
        return EXIT_USAGE;
    }
    if (strncmp(scope, "kecamatan:", 10) == 0) {
        kecamatan = scope + 10;
        scope = "kecamatan";
    } else if (strcmp(scope, "kota") != 0) {
        cli_error(_("invalid scope '%s' (expected kota or kecamatan:CODE)"), scope);
        return EXIT_USAGE;
    }
    if (apitoken_new(token) < 0 || apitoken_hash(token, hash) < 0) {
        cli_error("%s", _("cannot read random bytes from the system"));
        return EXIT_FAIL;
    }
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    q = store_token_issue(s, name, scope, kecamatan, hash, &id, &err);
    store_free(s);
    if (q < 0) {
        explicit_bzero(token, sizeof(token));
        return cli_fail(&err);
    }
    printf(_("token for %s (id %ld, scope %s%s%s): %s\n"), name, id, scope,
           kecamatan ? " " : "", kecamatan ? kecamatan : "", token);
    fprintf(stderr, "%s\n",
            _("give it to the application now: it is not stored and cannot be shown "
              "again"));
    explicit_bzero(token, sizeof(token));
    return EXIT_OK;
}

static int token_rows(struct store *s, struct out_table *tab, void *arg)
{
    struct ht_err err = HT_ERR_INIT;
    struct store_token *t = NULL;
    size_t n = 0;
    int rc = 0;

    (void)arg;
    if (store_token_list(s, &t, &n, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[24], scope[40];
        const char *row[7] = {id,
                              t[i].name,
                              scope,
                              t[i].kecamatan_name,
                              t[i].created_at,
                              t[i].last_used_at,
                              t[i].revoked_at};

        snprintf(id, sizeof(id), "%ld", t[i].id);
        snprintf(scope, sizeof(scope), "%s%s%s", t[i].scope_kind,
                 t[i].kecamatan_code ? ":" : "",
                 t[i].kecamatan_code ? t[i].kecamatan_code : "");
        rc = cli_add_row(tab, 0, row);
    }
    store_tokens_free(t, n);
    return rc;
}

static int token_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"id", "id", OUT_NUM},
        {"name", N_("name"), OUT_NARROW},
        {"scope", N_("scope"), 0},
        {"kecamatan", N_("kecamatan"), OUT_NARROW},
        {"created_at", N_("created"), 0},
        {"last_used_at", N_("last used"), 0},
        {"revoked_at", N_("revoked"), 0},
    };
    struct cli_parse p = CLI_PARSE("token", usage, OUT_ROWS, OUT_TABLE);

    return cli_list(ctx, &p, argc, argv, cols, HT_ARRAY_LEN(cols), token_rows, NULL);
}

static int token_revoke(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("token", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store *s;
    int q = cli_parse_plain(&p, argc, argv, 1, 1, _("token name or id"));

    if (q != CLI_CONTINUE)
        return q;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    q = store_token_revoke(s, argv[optind], &err);
    store_free(s);
    if (q < 0)
        return cli_fail(&err);
    if (q == 1) {
        cli_error(_("no active token named '%s'"), argv[optind]);
        return EXIT_FAIL;
    }
    printf(
        _("token '%s' revoked: halaltrack-serve refuses it from the next request on\n"),
        argv[optind]);
    return EXIT_OK;
}

int cmd_token(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"issue", token_issue},
        {"list", token_list},
        {"revoke", token_revoke},
    };

    return cli_dispatch(ctx, "token", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}
