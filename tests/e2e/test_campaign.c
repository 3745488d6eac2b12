/* End to end: the fault campaign (issue 6) in a size that fits CI: every simulator fault
 * at once, PostgreSQL restarts and SIGKILLs at seeded points, two daemons for half the
 * run, then the database must equal /_sim/truth exactly, the quarantine must hold the
 * injected bad records and the request budget must never have been exceeded. The full
 * size runs from scripts/campaign (docs/campaign.md). Runs on a cluster of its own
 * (pg-restart, tests/CMakeLists.txt): the restarts cut every session on it. */
#include "campaign.h"

/* No Criterion timeout: CTest gives the CI size 900 s; scripts/campaign runs longer. */
TestSuite(campaign, .fini = pgt_close);

Test(campaign, seeded_faults_restarts_and_kills_end_equal_to_the_truth)
{
    struct camp_params p;

    /* Under the sanitizers every program is several times slower: a smaller world. */
    if (camp_sanitized())
        camp_params_load(&p, 250, 10, 2, 2);
    else
        camp_params_load(&p, 800, 24, 2, 2); /* 24 cycles: every switch combination */
    campaign_run(&p);
}
