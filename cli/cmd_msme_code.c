/* halaltrack msme issue-code: a one-time-displayed self-service access code for an MSME,
 * and the printable slip the office hands the owner (text or PDF). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/html.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/safefile.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/serve_cfg.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/store_report.h"
#include "halaltrack/store_selfservice.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Issue a new self-service access code for an MSME.\n\n"));
    printf(_("Usage:\n"));
    printf(
        _("  halaltrack msme issue-code [--slip] [--format=FORMAT] [-o FILE] NIB\n\n"));
    printf(
        _("The code is printed once and stored only as a keyed slow hash; issuing a new\n"
          "code replaces the old one and lifts any slow-down of the NIB's lookups. The\n"
          "MSME checks its status with the NIB and the code on halaltrack-serve's page.\n"
          "The hash key (pepper) and the page's address come from halaltrack-serve's\n"
          "configuration file.\n\n"));
    printf(_("Options:\n"));
    printf(_("      --slip                print the slip for the owner: the code, the "
             "page's\n"
             "                            address and how to use it\n"));
    printf(_("  -f, --format=FORMAT       the slip as text (the default) or pdf\n"));
    printf(_("  -o, --output=FILE         write the slip to FILE (replaced whole)\n"));
    printf(_("      --serve-config=FILE   halaltrack-serve's configuration (default:\n"
             "                            HALALTRACK_SERVE_CONFIG, else %s)\n"),
           serve_cfg_default_path());
    printf(_("  -?, --help                show this help, then exit\n"));
}

struct slip {
    const char *nib, *business_name, *code, *url;
    const char *office; /* the office's name (setting office_name) */
};

static int slip_text(FILE *fp, const struct slip *s)
{
    fprintf(fp, "%s\n", _("HALAL CERTIFICATION STATUS: YOUR ACCESS CODE"));
    fprintf(fp, "%s\n\n", s->office);
    fprintf(fp, "  %-14s %s\n", _("Business"), s->business_name);
    fprintf(fp, "  %-14s %s\n", "NIB", s->nib);
    fprintf(fp, "  %-14s %s\n", _("Access code"), s->code);
    fprintf(fp, "  %-14s %s\n\n", _("Address"), s->url);
    fprintf(fp, "%s\n", _("How to use it:"));
    fprintf(fp, "  1. %s\n", _("Open the address above on a phone or computer."));
    fprintf(fp, "  2. %s\n", _("Type your NIB and this access code, then press Check."));
    fprintf(
        fp, "  3. %s\n",
        _("You see each step of your application, who holds it and what comes next."));
    fprintf(
        fp, "\n%s\n",
        _("Keep this code to yourself. If you lose it, the office issues a new one and "
          "this one stops working."));
    return ferror(fp) ? -1 : 0;
}

static int slip_html(FILE *fp, const void *arg)
{
    const struct slip *s = arg;

    fprintf(fp,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<title>",
            i18n_lang());
    html_escape(fp, _("Your access code"));
    fputs(
        "</title><style>"
        "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:12pt;color:#1b1b1b;"
        "max-width:16cm;margin:1cm auto}"
        "h1{font-size:15pt;color:#0b6e4f;margin:0 0 2px}.sub{color:#555;margin:0 0 12px}"
        "table{border-collapse:collapse;margin:8px 0 14px}"
        "th{text-align:left;padding:4px 12px 4px 0;font-weight:normal;color:#555}"
        "td{padding:4px 0;font-weight:bold}"
        ".code{font-family:'DejaVu Sans "
        "Mono',monospace;font-size:22pt;letter-spacing:2px}"
        "ol{padding-left:20px}.note{border-top:1px solid #ccc;padding-top:8px;"
        "font-size:10pt;color:#333}@page{size:A5;margin:12mm}"
        "</style></head><body>\n<h1>",
        fp);
    html_escape(fp, _("HALAL CERTIFICATION STATUS: YOUR ACCESS CODE"));
    fputs("</h1><p class=\"sub\">", fp);
    html_escape(fp, s->office);
    fputs("</p>\n<table><tr><th>", fp);
    html_escape(fp, _("Business"));
    fputs("</th><td>", fp);
    html_escape(fp, s->business_name);
    fputs("</td></tr><tr><th>NIB</th><td>", fp);
    html_escape(fp, s->nib);
    fputs("</td></tr><tr><th>", fp);
    html_escape(fp, _("Access code"));
    fputs("</th><td class=\"code\">", fp);
    html_escape(fp, s->code);
    fputs("</td></tr><tr><th>", fp);
    html_escape(fp, _("Address"));
    fputs("</th><td>", fp);
    html_escape(fp, s->url);
    fputs("</td></tr></table>\n<p>", fp);
    html_escape(fp, _("How to use it:"));
    fputs("</p><ol><li>", fp);
    html_escape(fp, _("Open the address above on a phone or computer."));
    fputs("</li><li>", fp);
    html_escape(fp, _("Type your NIB and this access code, then press Check."));
    fputs("</li><li>", fp);
    html_escape(
        fp,
        _("You see each step of your application, who holds it and what comes next."));
    fputs("</li></ol>\n<p class=\"note\">", fp);
    html_escape(
        fp, _("Keep this code to yourself. If you lose it, the office issues a new one "
              "and this one stops working."));
    fputs("</p>\n</body></html>\n", fp);
    return ferror(fp) ? -1 : 0;
}

static int write_slip(const struct slip *s, enum out_format f, const char *out)
{
    struct ht_err err = HT_ERR_INIT;
    struct safefile sf;
    FILE *fp = stdout;
    int rc;

    if (out) {
        if (safefile_open(&sf, out, &err) < 0)
            return cli_fail(&err);
        fp = sf.fp;
    }
    rc = f == OUT_PDF ? cli_write_pdf(slip_html, s, fp) : slip_text(fp, s);
    if (out) {
        if (rc < 0) {
            safefile_abort(&sf);
        } else if (safefile_commit(&sf, &err) < 0) {
            return cli_fail(&err);
        }
    } else if (rc == 0 && fflush(stdout) != 0) {
        rc = -1;
    }
    if (rc < 0) {
        if (f != OUT_PDF)
            cli_error("%s", _("cannot write the slip"));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* Hashes a new code for nib and stores it. Returns EXIT_OK with code filled, or the exit
 * code after printing the error. */
static int issue(struct store *s, const struct serve_cfg *cfg, const char *nib,
                 char code[static SELFSERVICE_CODE_TEXT])
{
    struct ht_err err = HT_ERR_INIT;
    struct selfservice_pepper pepper;
    char salt[SELFSERVICE_SALT_HEX], norm[SELFSERVICE_CODE_NORM];
    char proof[SELFSERVICE_HEX], verifier[SELFSERVICE_HEX];
    int q;

    if (selfservice_pepper_load(&pepper, cfg->pepper_file, &err) < 0) {
        cli_error(_("%s (self_service.pepper_file in '%s')"), err.msg, cfg->path);
        return EXIT_FAIL;
    }
    if (selfservice_make_code(code) < 0 || selfservice_make_salt(salt) < 0) {
        selfservice_pepper_clear(&pepper);
        cli_error("%s", _("cannot read random bytes from the system"));
        return EXIT_FAIL;
    }
    selfservice_normalize(code, norm);
    q = selfservice_proof(&pepper, norm, salt, cfg->kdf, proof, &err);
    selfservice_pepper_clear(&pepper);
    explicit_bzero(norm, sizeof(norm));
    if (q < 0 || selfservice_verifier(proof, verifier) < 0) {
        explicit_bzero(proof, sizeof(proof));
        return cli_fail(&err);
    }
    explicit_bzero(proof, sizeof(proof));
    q = store_set_access_code(s, nib, salt, cfg->kdf, verifier, &err);
    if (q < 0)
        return cli_fail(&err);
    if (q == 1) {
        cli_error(_("NIB '%s' is not in the register"), nib);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cmd_msme_issue_code(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"slip", no_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"serve-config", required_argument, NULL, 'c'},
        CLI_OPT_FORMAT,
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p =
        CLI_PARSE("msme issue-code", usage, OUT_F(OUT_TABLE) | OUT_F(OUT_PDF), OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    const char *out = NULL, *cfg_path = NULL;
    struct serve_cfg *cfg = NULL;
    struct report_msme m;
    struct store *s = NULL;
    char code[SELFSERVICE_CODE_TEXT] = "";
    int c, rc, want_slip = 0;

    memset(&m, 0, sizeof(m));
    while ((c = cli_getopt(&p, argc, argv, "o:", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 's')
            want_slip = 1;
        else if (c == 'o')
            out = optarg;
        else if (c == 'c')
            cfg_path = optarg;
        else
            return cli_usage_hint(p.cmd);
    }
    if ((rc = cli_args(&p, argc, argv, 1, 1, "NIB")) != 0 ||
        (rc = cli_nib_arg(&p, argv[optind])) != CLI_CONTINUE)
        return rc;
    if (!want_slip && (out || p.format == OUT_PDF)) {
        cli_error("%s", _("--format and --output are for the slip: add --slip"));
        return cli_usage_hint(p.cmd);
    }
    if (!(cfg = serve_cfg_load(cfg_path ? cfg_path : serve_cfg_default_path(), &err))) {
        cli_fail(&err);
        return EXIT_FAIL;
    }
    rc = EXIT_FAIL;
    if (!(s = cli_open_store(ctx)))
        goto out;
    if ((rc = issue(s, cfg, argv[optind], code)) != EXIT_OK)
        goto out;
    if (want_slip) {
        struct slip sl = {argv[optind], NULL, code, cfg->public_url, NULL};
        struct ht_settings set;

        rc = EXIT_FAIL;
        if (store_report_msme(s, argv[optind], &m, &err) != 0 ||
            store_settings_load(s, &set, &err) < 0) {
            cli_fail(&err);
            goto out;
        }
        sl.business_name = m.business_name;
        sl.office = settings_office_name(&set);
        rc = write_slip(&sl, p.format, out);
        if (rc == EXIT_OK && out)
            fprintf(stderr, _("slip for NIB %s written to '%s'\n"), argv[optind], out);
    } else {
        printf(_("access code for NIB %s: %s\n"), argv[optind], code);
    }
    fprintf(stderr, "%s\n",
            _("give it to the MSME now: it is not stored and cannot be shown again"));
out:
    explicit_bzero(code, sizeof(code));
    report_msme_release(&m);
    store_free(s);
    serve_cfg_free(cfg);
    return rc;
}
