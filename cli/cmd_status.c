/* halaltrack status NIB: one MSME's card and, per application, its timeline against the
 * legal limits, who it waits on and the next step. Exit statuses: 0 shown, 1 failure,
 * 2 usage or malformed NIB, 3 NIB not in the register, 4 MSME has no application. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report_cli.h"
#include "halaltrack/calendar.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

#define EXIT_STATUS_UNKNOWN_NIB 3
#define EXIT_STATUS_NO_APPLICATION 4

static void usage(void)
{
    printf(_("Show one MSME's halal certification status.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack status [--format=text|json] NIB\n\n"));
    printf(_("Options:\n"));
    printf(_("  -f, --format=FORMAT   text (default) or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_(
        "Exit status: 0 shown, 1 failure, 2 usage error or malformed NIB, 3 NIB not in\n"
        "the register, 4 the MSME has no application yet.\n"));
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, '?'},
        {NULL, 0, NULL, 0},
    };
    struct ht_err err = HT_ERR_INIT;
    const char *format = "text";
    struct report_msme m;
    struct timeline *tl = NULL;
    struct calendar *cal = NULL;
    struct store *s = NULL;
    int64_t now;
    int c, q, rc = EXIT_FAIL;

    memset(&m, 0, sizeof(m));
    while ((c = getopt_long(argc, argv, "f:?", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case '?':
            if (optopt)
                return cli_usage_hint("status");
            usage();
            return EXIT_OK;
        default:
            return cli_usage_hint("status");
        }
    }
    if (rcli_check_format("status", format, "text,json") < 0)
        return cli_usage_hint("status");
    if (optind + 1 != argc) {
        cli_error("%s", optind >= argc ? _("missing NIB") : _("give exactly one NIB"));
        return cli_usage_hint("status");
    }
    if (ident_check_nib(argv[optind], &err) < 0) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    if (rcli_now(&now) < 0)
        return EXIT_USAGE;
    if (!(cal = calendar_load_default(&err))) {
        cli_fail(&err);
        return EXIT_FAIL;
    }
    if (!(s = cli_open_store(ctx)))
        goto out;
    q = store_report_msme(s, argv[optind], &m, &err);
    if (q < 0) {
        cli_fail(&err);
        goto out;
    }
    if (q == 1) {
        long upstream = 0;

        if (store_report_unmatched_apps(s, argv[optind], &upstream, &err) < 0) {
            cli_fail(&err);
            goto out;
        }
        if (upstream > 0)
            cli_error(
                _("NIB '%s' is not in the MSME register (%ld application(s) upstream "
                  "carry it: import the register or correct the NIB)"),
                argv[optind], upstream);
        else
            cli_error(_("NIB '%s' is not in the MSME register"), argv[optind]);
        rc = EXIT_STATUS_UNKNOWN_NIB;
        goto out;
    }
    if (m.napps > 0 && !(tl = calloc(m.napps, sizeof(*tl)))) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    for (size_t i = 0; i < m.napps; i++) {
        if (timeline_build(m.apps[i].events, m.apps[i].nevents, cal, now, &tl[i], &err) <
            0) {
            cli_fail(&err);
            goto out;
        }
    }
    if (strcmp(format, "json") == 0) {
        if (report_status_json(stdout, &m, tl, now) < 0)
            goto write_error;
    } else {
        if (report_status_text(stdout, &m, tl, now, ctx->color) < 0)
            goto write_error;
    }
    if (fflush(stdout) != 0)
        goto write_error;
    if (m.napps == 0) {
        cli_error(_("'%s' (NIB %s) has no halal certification application yet"),
                  m.business_name, m.nib);
        rc = EXIT_STATUS_NO_APPLICATION;
        goto out;
    }
    rc = EXIT_OK;
    goto out;
write_error:
    cli_error("%s", _("cannot write the output"));
out:
    for (size_t i = 0; tl && i < m.napps; i++)
        timeline_release(&tl[i]);
    free(tl);
    report_msme_release(&m);
    calendar_free(cal);
    store_free(s);
    return rc;
}
