/* End to end, issue 12: the daemon against the national API as a Dinas account sees it,
 * in every combination of halalsim's switches (status as code, label or mixed; detail
 * denied or not; rows with or without id_reg; one host or split authentication), all on
 * one simulated world; then the switches changing under a running database (detail
 * becoming readable replaces the observed history, and the other way round). Each time
 * the database must equal /_sim/truth: the same applications and statuses; for those
 * with upstream history the whole v_application row and exactly the events; for those
 * with observed history every event inside its uncertainty window. */
#include "e2e.h"

TestSuite(contract, .fini = pgt_close, .timeout = 900);

/* A config for this schema, authenticating on the second port when split. Terminal
 * stages are polled every cycle too: a refused detail of a certified application is asked
 * again at once when the switches change. */
static char *contract_conf(struct sim *s, int split)
{
    char api[256];

    snprintf(api, sizeof(api), "page_size = 25\nauth_url = %s",
             split ? s->auth_base : "");
    return e2e_conf(s, api, "[poll]\ncertified = 0\nrejected = 0\ncancelled = 0\n");
}

static void once_ok(const char *conf, const char *ctx)
{
    struct tu_result r = daemon_once(conf);
    cr_assert(eq(int, r.status, 0), "%s: halaltrackd --once exited %d: %s", ctx, r.status,
              r.err);
    tu_result_release(&r);
}

Test(contract, every_combination_of_the_switches)
{
    static const char *const status_as[] = {"code", "label", "mixed"};
    const char *extra[] = {"--split-hosts", NULL};
    struct sim sim;
    int combos = 0;

    sim_start(&sim, 400, extra);
    cr_assert(sim.auth_port > 0);
    for (int sa = 0; sa < 3; sa++)
        for (int deny = 0; deny < 2; deny++)
            for (int noid = 0; noid < 2; noid++)
                for (int split = 0; split < 2; split++) {
                    struct store *st = pgt_open();
                    char sw[256], ctx[300], *conf;
                    long napps, observed, denied_truth;

                    snprintf(sw, sizeof(sw),
                             "{\"status_as\":\"%s\",\"deny_detail\":%s,\"no_id_reg\":%s,"
                             "\"split_hosts\":%s}",
                             status_as[sa], deny ? "0.3" : "0", noid ? "true" : "false",
                             split ? "true" : "false");
                    snprintf(ctx, sizeof(ctx), "switches %s", sw);
                    sim_switches(&sim, sw);
                    conf = contract_conf(&sim, split);
                    once_ok(conf, ctx);
                    ASSERT_TRUTH(&sim, st, ctx);
                    sim_advance(&sim, 5);
                    once_ok(conf, ctx);
                    ASSERT_TRUTH(&sim, st, ctx);
                    napps = pgt_long("SELECT count(*) FROM v_application");
                    observed = pgt_long("SELECT count(*) FROM v_application"
                                        " WHERE history_source = 'observed'");
                    if (noid) {
                        cr_assert(eq(long, observed, napps), "%s", ctx);
                        cr_assert(eq(long,
                                     pgt_long("SELECT count(*) FROM v_application"
                                              " WHERE id_reg IS NOT NULL"),
                                     0),
                                  "%s", ctx);
                    } else if (deny) {
                        char *t = sim_call(&sim, "GET", "/_sim/truth", NULL);
                        denied_truth = tu_count(t, "\"detail_denied\":true");
                        free(t);
                        cr_assert(eq(long, observed, denied_truth), "%s", ctx);
                        cr_assert(observed > 0, "%s", ctx);
                    } else {
                        cr_assert(eq(long, observed, 0), "%s", ctx);
                    }
                    /* observed history: one event per change, in a window */
                    cr_assert(
                        eq(long,
                           pgt_long("SELECT count(*) FROM v_stage_event"
                                    " WHERE source = 'observed' AND window_from > at"),
                           0));
                    pgt_close();
                    free(conf);
                    combos++;
                }
    cr_assert(eq(int, combos, 24));
    sim_stop(&sim);
}

/* The switches change under one database: rows lose and regain their id_reg, details
 * become readable (upstream tracking replaces the observed events) and are refused
 * again (observation takes over from the last upstream state). */
Test(contract, switches_change_under_a_running_database)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;

    sim_start(&sim, 400, NULL);
    conf = contract_conf(&sim, 0);
    sim_switches(&sim, "{\"status_as\":\"mixed\",\"no_id_reg\":true}");
    once_ok(conf, "no id_reg");
    ASSERT_TRUTH(&sim, st, "no id_reg");
    cr_assert(pgt_long("SELECT count(*) FROM v_stage_event WHERE source = 'observed'") >
              0);
    sim_advance(&sim, 4);
    sim_switches(&sim, "{\"no_id_reg\":false,\"deny_detail\":0.4}");
    once_ok(conf, "id_reg, some denied");
    ASSERT_TRUTH(&sim, st, "id_reg, some denied");
    sim_advance(&sim, 4);
    sim_switches(&sim, "{\"deny_detail\":0}");
    e2e_sleep_ms(5500); /* a refused detail is asked again after max(poll, 5 s) */
    once_ok(conf, "all readable");
    ASSERT_TRUTH(&sim, st, "all readable");
    /* every observed event was replaced by upstream tracking */
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_stage_event WHERE source = 'observed'"),
                 0));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_application"
                          " WHERE history_source = 'observed'"),
                 0));
    sim_advance(&sim, 4);
    sim_switches(&sim, "{\"deny_detail\":0.5}");
    once_ok(conf, "denied again");
    sim_advance(&sim, 4);
    once_ok(conf, "denied again, later");
    ASSERT_TRUTH(&sim, st, "denied again, later");
    sim_stop(&sim);
    free(conf);
}
