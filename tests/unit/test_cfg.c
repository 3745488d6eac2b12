/* Unit tests for the config table: defaults, every error naming file:line and key, the
 * password file's mode, [stage_map], reload keeping NO_RELOAD keys, secrets never dumped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/cfg.h"
#include "halaltrack/stage.h"
#include "halaltrack/status_label.h"
#include "test_util.h"

/* Temporary files of a test: freed and removed when it ends. */
static char *tmps[32];
static size_t ntmps;

static char *track(char *path)
{
    cr_assert(ntmps < sizeof(tmps) / sizeof(tmps[0]));
    tmps[ntmps++] = path;
    return path;
}

static void cleanup(void)
{
    for (size_t i = 0; i < ntmps; i++) {
        unlink(tmps[i]);
        free(tmps[i]);
    }
    ntmps = 0;
}

TestSuite(cfg, .fini = cleanup);

static char *pwfile(mode_t mode)
{
    char *p = track(tu_write_temp(".pw", "s3cret-pass\n", 12));
    cr_assert(chmod(p, mode) == 0);
    return p;
}

/* A config with the required keys plus extra text. */
static char *conf(const char *pw, const char *extra)
{
    char text[4096];

    snprintf(text, sizeof(text),
             "# test\n[api]\nbase_url = http://127.0.0.1:1\nemail = ops@example.id\n"
             "password_file = %s\n%s",
             pw, extra);
    return track(tu_write_temp(".conf", text, strlen(text)));
}

static struct cfg *load_ok(const char *path)
{
    struct ht_err e = HT_ERR_INIT;
    struct cfg *c = cfg_load(path, &e);
    cr_assert(c != NULL, "load failed: %s", e.msg);
    return c;
}

static void load_bad(const char *path, const char *needle)
{
    struct ht_err e = HT_ERR_INIT;
    struct cfg *c = cfg_load(path, &e);
    cr_assert(c == NULL, "loaded a bad config");
    cr_assert(eq(int, e.code, HT_ECONFIG), "code %d: %s", e.code, e.msg);
    cr_assert(strstr(e.msg, needle) != NULL, "'%s' not in '%s'", needle, e.msg);
    cr_assert(strstr(e.msg, "s3cret") == NULL, "secret leaked: %s", e.msg);
}

Test(cfg, defaults_and_values)
{
    char *pw = pwfile(0600);
    char *p = conf(
        pw, "page_size = 50\ntimeout = 2m\nrate = 2.5\n[poll]\nfatwa = 30s\n"
            "[database]\nconninfo = host=/tmp dbname=x\n[http]\nlisten = 127.0.0.1:0\n");
    struct cfg *c = load_ok(p);

    cr_assert(eq(str, c->base_url, "http://127.0.0.1:1"));
    cr_assert(eq(str, c->password, "s3cret-pass"));
    cr_assert(eq(long, c->page_size, 50));
    cr_assert(eq(long, c->timeout, 120));
    cr_assert(eq(long, c->connect_timeout, 10)); /* default from the table */
    cr_assert(c->rate > 2.49 && c->rate < 2.51);
    cr_assert(eq(long, c->stage_poll[STAGE_FATWA], 30));
    cr_assert(eq(long, c->stage_poll[STAGE_CERTIFIED], 7 * 86400));
    cr_assert(eq(str, c->listen, "127.0.0.1:0"));
    cr_assert(eq(str, c->schema, "halaltrack"));
    cfg_free(c);
    unlink(p);
    unlink(pw);
}

Test(cfg, unknown_key_names_file_line_key)
{
    char *pw = pwfile(0600);
    char *p = conf(pw, "colour = blue\n");
    char want[512];

    snprintf(want, sizeof(want), "%s:6: unknown key 'colour' in section [api]", p);
    load_bad(p, want);
    unlink(p);
    unlink(pw);
}

Test(cfg, bad_value_names_line_and_key)
{
    char *pw = pwfile(0600);
    char *p = conf(pw, "\n[poll]\ncycle = soon\n");
    char want[512];

    snprintf(want, sizeof(want), "%s:8: key 'poll.cycle': invalid value 'soon'", p);
    load_bad(p, want);
    unlink(p);
    unlink(pw);
}

Test(cfg, out_of_range)
{
    char *pw = pwfile(0600);
    char *p = conf(pw, "page_size = 500\n");

    load_bad(p, "key 'page_size' = 500 is out of range [1, 100]");
    unlink(p);
    unlink(pw);
}

Test(cfg, missing_required_key)
{
    char *p = track(tu_write_temp(".conf", "[api]\nbase_url = http://x\n", 26));

    load_bad(p, "missing required key 'email' in section [api]");
    unlink(p);
}

Test(cfg, world_readable_password_file)
{
    char *pw = pwfile(0644);
    char *p = conf(pw, "");

    load_bad(p, "is readable by group or others (mode 644)");
    chmod(pw, 0640);
    load_bad(p, "(mode 640)");
    unlink(p);
    unlink(pw);
}

Test(cfg, unreadable_password_file)
{
    char *p = conf("/nonexistent/pw", "");

    load_bad(p, "api.password_file '/nonexistent/pw': No such file or directory");
    unlink(p);
}

Test(cfg, password_from_environment)
{
    const char *t =
        "[api]\nbase_url = http://127.0.0.1\nemail = a@b\npassword_env = HT_TEST_PW\n";
    char *p = track(tu_write_temp(".conf", t, strlen(t)));
    struct cfg *c;

    unsetenv("HT_TEST_PW");
    load_bad(p, "no API password: set api.password_file or the environment variable "
                "'HT_TEST_PW'");
    setenv("HT_TEST_PW", "from-env", 1);
    c = load_ok(p);
    cr_assert(eq(str, c->password, "from-env"));
    cfg_free(c);
    unlink(p);
}

Test(cfg, stage_map_adds_codes)
{
    char *pw = pwfile(0600);
    char *p = conf(pw, "[stage_map]\nOF130 = issuance\n");
    struct ht_err e = HT_ERR_INIT;
    struct cfg *c = load_ok(p);
    struct stage_map *m;

    cr_assert(eq(int, stage_of_code("OF130"), STAGE_UNKNOWN));
    m = cfg_stage_map(c, &e);
    cr_assert_not_null(m, "%s", e.msg);
    cr_assert(eq(int, stage_map_stage_of(m, "OF130"), STAGE_ISSUANCE));
    /* The map is a value: the built-in table is unchanged. */
    cr_assert(eq(int, stage_of_code("OF130"), STAGE_UNKNOWN));
    stage_map_free(m);
    cfg_free(c);
    unlink(p);
    p = conf(pw, "[stage_map]\nOF131 = nowhere\n");
    load_bad(p, ":7: [stage_map] 'OF131': invalid mapping to 'nowhere'");
    unlink(p);
    p = conf(pw, "[stage_map]\nOF10 = fatwa\n"); /* built-in codes cannot be remapped */
    load_bad(p, "[stage_map] 'OF10'");
    unlink(p);
    unlink(pw);
}

Test(cfg, dump_hides_secrets)
{
    char *pw = pwfile(0600);
    char *p = conf(pw, "[database]\nconninfo = password=hunter2 host=x\n");
    struct cfg *c = load_ok(p);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    cfg_dump(c, f);
    fclose(f);
    cr_assert(strstr(out, "database.conninfo = (secret)") != NULL);
    cr_assert(strstr(out, "hunter2") == NULL);
    cr_assert(strstr(out, "s3cret") == NULL);
    cr_assert(strstr(out, "api.email = ops@example.id") != NULL);
    free(out);
    cfg_free(c);
    unlink(p);
    unlink(pw);
}

Test(cfg, reload_keeps_no_reload_keys)
{
    char *pw = pwfile(0600);
    char *p1 = conf(pw, "[http]\nlisten = 127.0.0.1:1000\n[poll]\ncycle = 10\n");
    char *p2 = conf(pw, "[http]\nlisten = 127.0.0.1:2000\n[poll]\ncycle = 20\n");
    struct cfg *a = load_ok(p1), *b = load_ok(p2);

    cfg_keep_no_reload(a, b);
    cr_assert(eq(str, b->listen, "127.0.0.1:1000")); /* needs a restart: ignored */
    cr_assert(eq(long, b->cycle, 20));               /* reloadable: taken */
    cfg_free(a);
    cfg_free(b);
    unlink(p1);
    unlink(p2);
    unlink(pw);
}

Test(cfg, durations)
{
    long v;
    cr_assert(eq(int, cfg_parse_secs("90", &v, NULL), 0));
    cr_assert(eq(long, v, 90));
    cr_assert(eq(int, cfg_parse_secs("5m", &v, NULL), 0));
    cr_assert(eq(long, v, 300));
    cr_assert(eq(int, cfg_parse_secs("2h", &v, NULL), 0));
    cr_assert(eq(long, v, 7200));
    cr_assert(eq(int, cfg_parse_secs("1d", &v, NULL), 0));
    cr_assert(eq(long, v, 86400));
    cr_assert(eq(int, cfg_parse_secs("", &v, NULL), -1));
    cr_assert(eq(int, cfg_parse_secs("5x", &v, NULL), -1));
    cr_assert(eq(int, cfg_parse_secs("-1", &v, NULL), -1));
}

Test(cfg, several_base_urls)
{
    char *pw = pwfile(0600);
    char text[512], u[128];
    char *p;
    struct cfg *c;

    snprintf(
        text, sizeof(text),
        "[api]\nbase_url = https://a.example/, http://127.0.0.1:8080  https://c.example\n"
        "email = a@b\npassword_file = %s\n",
        pw);
    p = track(tu_write_temp(".conf", text, strlen(text)));
    c = load_ok(p);
    cr_assert(eq(sz, cfg_base_url_count(c), 3));
    cr_assert(eq(int, cfg_base_url_at(c, 0, u, sizeof(u)), 0));
    cr_assert(eq(str, u, "https://a.example"));
    cr_assert(eq(int, cfg_base_url_at(c, 1, u, sizeof(u)), 0));
    cr_assert(eq(str, u, "http://127.0.0.1:8080"));
    cr_assert(eq(int, cfg_base_url_at(c, 2, u, sizeof(u)), 0));
    cr_assert(eq(str, u, "https://c.example"));
    cr_assert(eq(int, cfg_base_url_at(c, 3, u, sizeof(u)), -1));
    cfg_free(c);
    unlink(p);
    snprintf(text, sizeof(text),
             "[api]\nbase_url = https://a.example ftp://b\nemail = a@b\n"
             "password_file = %s\n",
             pw);
    p = track(tu_write_temp(".conf", text, strlen(text)));
    load_bad(
        p,
        "key 'api.base_url' = 'https://a.example ftp://b' is not a list of http(s) URLs");
    unlink(p);
    unlink(pw);
}

/* Issue 10 (low): plain http to a host that is not loopback is refused unless
 * api.allow_insecure_http = yes; loopback hosts stay allowed for tests and demos. */
Test(cfg, low_http_base_url_refused_for_non_loopback)
{
    char *pw = pwfile(0600);
    char text[1024];
    char *p;
    struct cfg *c;

    snprintf(text, sizeof(text),
             "[api]\nbase_url = https://a.example http://u:hunter2@api.example.id/x\n"
             "email = ops@example.id\npassword_file = %s\n",
             pw);
    p = track(tu_write_temp(".conf", text, strlen(text)));
    load_bad(p, "is plain http to a host that is not loopback");
    {
        struct ht_err e = HT_ERR_INIT;
        cr_assert(cfg_load(p, &e) == NULL);
        cr_assert(strstr(e.msg, "hunter2") == NULL, "the password leaked: %s", e.msg);
    }
    snprintf(text, sizeof(text),
             "[api]\nbase_url = http://api.example.id\nallow_insecure_http = yes\n"
             "email = ops@example.id\npassword_file = %s\n",
             pw);
    p = track(tu_write_temp(".conf", text, strlen(text)));
    c = load_ok(p);
    cfg_free(c);
    cr_assert(cfg_url_is_loopback("http://127.0.0.1:8080/x"));
    cr_assert(cfg_url_is_loopback("http://user:pw@localhost/x"));
    cr_assert(cfg_url_is_loopback("http://[::1]:80"));
    cr_assert(eq(int, cfg_url_is_loopback("http://127.0.0.1.evil.example/"), 0));
    cr_assert(eq(int, cfg_url_is_loopback("http://localhost.evil.example/"), 0));
    cr_assert(eq(int, cfg_url_is_loopback("http://10.0.0.1/"), 0));
}

/* Issue 10 (low): credentials embedded in base_url never reach a log line. */
Test(cfg, low_url_credentials_redacted)
{
    char out[256];

    cfg_url_redact("https://dinas:s3cret@api.example.id/base", out, sizeof(out));
    cr_assert(eq(str, out, "https://***@api.example.id/base"));
    cfg_url_redact("https://a.example, http://u:p@127.0.0.1:9/x https://b.example/p@q",
                   out, sizeof(out));
    cr_assert(eq(str, out,
                 "https://a.example, http://***@127.0.0.1:9/x https://b.example/p@q"));
    cfg_url_redact("https://plain.example", out, sizeof(out));
    cr_assert(eq(str, out, "https://plain.example"));
}

/* Issue 12: the authentication service on a host of its own (api.auth_url, default
 * base_url, mirrors), and the office's facilitation codes as a list. */
Test(cfg, auth_url_defaults_to_base_url_and_takes_mirrors)
{
    char *pw = pwfile(0600);
    char u[128];
    struct cfg *c = load_ok(conf(pw, ""));

    cr_assert(eq(sz, cfg_auth_url_count(c), 1));
    cr_assert(eq(int, cfg_auth_url_at(c, 0, u, sizeof(u)), 0));
    cr_assert(eq(str, u, "http://127.0.0.1:1"));
    cr_assert(eq(sz, cfg_list_count(c->facilitation_codes), 0));
    cfg_free(c);
    c = load_ok(conf(pw, "auth_url = https://auth.example, http://127.0.0.1:8081\n"
                         "facilitation_codes = FAS-3575-2026,  SEHATI26\n"));
    cr_assert(eq(sz, cfg_auth_url_count(c), 2));
    cr_assert(eq(int, cfg_auth_url_at(c, 1, u, sizeof(u)), 0));
    cr_assert(eq(str, u, "http://127.0.0.1:8081"));
    cr_assert(eq(sz, cfg_list_count(c->facilitation_codes), 2));
    cr_assert(eq(int, cfg_list_at(c->facilitation_codes, 1, u, sizeof(u)), 0));
    cr_assert(eq(str, u, "SEHATI26"));
    cfg_free(c);
    load_bad(conf(pw, "auth_url = http://auth.example\n"),
             "'http://auth.example' is plain http to a host that is not loopback");
    load_bad(conf(pw, "auth_url = ftp://auth.example\n"),
             "key 'api.auth_url' = 'ftp://auth.example' is not a list of http(s) URLs");
}

/* [status_labels]: a label the built-in table does not know, mapped to a code; a bad
 * code is an error naming the line. */
Test(cfg, status_labels_map_labels_to_codes)
{
    char *pw = pwfile(0600);
    struct ht_err e = HT_ERR_INIT;
    struct cfg *c =
        load_ok(conf(pw, "[status_labels]\nMenunggu  Verifikasi Ulang = OF11\n"));

    struct stage_map *m;

    cr_assert(status_label_code(NULL, "menunggu verifikasi ulang") == NULL);
    m = cfg_stage_map(c, &e);
    cr_assert_not_null(m, "%s", e.msg);
    cr_assert(eq(str, (char *)status_label_code(m, "menunggu verifikasi ulang"), "OF11"));
    cr_assert(eq(str, (char *)status_resolve(m, "MENUNGGU VERIFIKASI ULANG"), "OF11"));
    cr_assert(status_resolve(NULL, "MENUNGGU VERIFIKASI ULANG") == NULL);
    stage_map_free(m);
    cfg_free(c);
    load_bad(conf(pw, "[status_labels]\nDitunda = pending\n"),
             ":7: [status_labels] 'Ditunda': invalid mapping to 'pending'");
}
