/* halaltrack msme issue-code: a one-time-displayed self-service access code for an MSME.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/store_roles.h"
#include "halaltrack/banned.h"

/* No 0/O, 1/I/L: codes are read aloud and typed on phones. */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static void usage(void)
{
    printf(_("Issue a new self-service access code for an MSME.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack msme issue-code NIB\n\n"));
    printf(_(
        "The code is printed once and stored only as a salted hash; issuing a new code\n"
        "replaces the old one. The MSME uses it with its NIB at the office's kiosk,\n"
        "website or WhatsApp service (the msme_status database function).\n\n"));
    printf(_("Options:\n"));
    printf(_("  -?, --help    show this help, then exit\n"));
}

static int fill_random(unsigned char *p, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r < 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* Writes "XXXX-XXXX" (10 bytes with NUL) from unbiased random picks. */
static int make_code(char out[10])
{
    size_t alpha = sizeof(code_alphabet) - 1;
    size_t i = 0;

    while (i < 8) {
        unsigned char b;
        if (fill_random(&b, 1) < 0)
            return -1;
        if (b >= 256 - 256 % alpha) /* rejection sampling: no modulo bias */
            continue;
        out[i < 4 ? i : i + 1] = code_alphabet[b % alpha];
        i++;
    }
    out[4] = '-';
    out[9] = '\0';
    return 0;
}

int cmd_msme_issue_code(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ht_err err = HT_ERR_INIT;
    unsigned char salt[16];
    char salt_hex[33], code[10];
    struct store *s;
    int c, q;

    while ((c = getopt_long(argc, argv, "?", opts, NULL)) != -1) {
        if (cli_asked_help(c, argv)) {
            usage();
            return EXIT_OK;
        }
        return cli_usage_hint("msme issue-code");
    }
    if (optind + 1 != argc) {
        cli_error("%s", _("expected exactly one NIB"));
        return cli_usage_hint("msme issue-code");
    }
    if (ident_check_nib(argv[optind], &err) < 0) {
        cli_error("%s", err.msg);
        return EXIT_USAGE;
    }
    if (fill_random(salt, sizeof(salt)) < 0 || make_code(code) < 0) {
        cli_error("%s", _("cannot read random bytes from the system"));
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < sizeof(salt); i++)
        snprintf(salt_hex + 2 * i, 3, "%02x", salt[i]);
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    q = store_set_access_code(s, argv[optind], salt_hex, code, &err);
    store_free(s);
    if (q < 0)
        return cli_fail(&err);
    if (q == 1) {
        cli_error(_("NIB '%s' is not in the register"), argv[optind]);
        return EXIT_FAIL;
    }
    printf(_("access code for NIB %s: %s\n"), argv[optind], code);
    fprintf(stderr, "%s\n",
            _("give it to the MSME now: it is not stored and cannot be shown again"));
    memset(code, 0, sizeof(code));
    return EXIT_OK;
}
