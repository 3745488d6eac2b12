-- Each application's current legal step as known at t (its state from app_state_asof),
-- on its channel's path (or, without a known channel, the path its codes show), with the
-- step's clock counted to the Jakarta date today (default: t's): the step and who
-- holds it, since when (the first code of the step's current run: after the last event of
-- another step), the working days since, the limit of the rules in the setting sla_rules
-- (none for a paused or terminal step, or on an unknown path), an extension granted during
-- the run (step_extension recorded before t, up to the step's extension_days), the
-- takeover when the limit ran out (the fatwa session: the Komite Fatwa, takeover_days
-- more), the days allowed and the days over them, and the years counted without holiday
-- rows. The rule of lib/timeline.c; tests/db/test_steps.c compares the two.
-- When the maintained answers stand for t (maintained_current: nothing they depend on
-- happened at or after t, as for every report of the present), each file's state, step
-- and step start are read from app_now (kept by the writers' triggers through app_now_of,
-- the same rule for an instant after every observation) instead of its history.
CREATE FUNCTION app_step_at(t timestamptz, today date DEFAULT NULL)
RETURNS TABLE (application_id bigint, channel_id text, path text, status_code text,
               stage text, stage_since timestamptz, step text, holder text, paused boolean,
               terminal boolean, step_since timestamptz, days_in_step int, limit_days int,
               extension_days int, taken_over boolean, allowed_days int, days_overdue int,
               calendar_gaps int[])
LANGUAGE sql STABLE AS $$
    -- Every file's current code and stage, the channel to read the step table with (the
    -- file's, else the path its codes show: steps_channel_key, else '*'), its step and the
    -- holder. Not materialized: a caller that keeps the open steps only (NOT terminal)
    -- never reads the others.
    WITH g AS MATERIALIZED (SELECT maintained_current(t) AS ok),
    cur AS NOT MATERIALIZED (
        SELECT s.application_id, s.channel_id, x.ck, coalesce(ch.path, 'unknown') AS path,
               s.status_code, s.stage, s.at,
               coalesce(k1.step, k2.step, 'unknown') AS step,
               coalesce(k1.holder, k2.holder, 'none') AS holder
          FROM app_state_asof(t) s
          LEFT JOIN channel_def c0 ON c0.channel = s.channel_id
          CROSS JOIN LATERAL (SELECT coalesce(c0.channel, CASE WHEN c0.channel IS NULL THEN (
                   SELECT CASE WHEN bool_and(p.paths = 'reguler') THEN 'CH001'
                               WHEN bool_and(p.paths = 'self_declare') THEN 'CH003' END
                     FROM stage_event e JOIN status_code_def p ON p.code = e.status_code
                    WHERE e.application_id = s.application_id AND e.at < t
                      AND e.observed_at < t AND p.paths <> 'both') END, '*') AS ck) x
          LEFT JOIN channel_def ch ON ch.channel = x.ck
          LEFT JOIN step_code k1 ON k1.channel = x.ck AND k1.code = s.status_code
          LEFT JOIN step_code k2 ON k2.channel = x.ck AND k2.code = '*' || s.stage
         WHERE NOT (SELECT ok FROM g)
    ),
    -- The same from app_now (since0: the step's start), when it is the answer at t.
    now_ AS NOT MATERIALIZED (
        SELECT n.application_id, n.channel_id, n.ck, coalesce(ch.path, 'unknown') AS path,
               n.status_code, n.stage, n.at, n.step, n.holder, n.step_since AS since0,
               n.terminal
          FROM app_now n LEFT JOIN channel_def ch ON ch.channel = n.ck
         WHERE (SELECT ok FROM g)
    ),
    -- The files still under way: only their steps have a clock (since0: their step's start
    -- when app_now answers, else read from the history by ev below).
    op_h AS MATERIALIZED (
        SELECT c.*, NULL::timestamptz AS since0, d.paused, d.extension_days AS ext_max,
               d.takeover_holder, d.takeover_days
          FROM cur c JOIN step_def d ON d.step = c.step AND NOT d.terminal
    ),
    op AS MATERIALIZED (
        SELECT * FROM op_h
        UNION ALL
        SELECT n.application_id, n.channel_id, n.ck, n.path, n.status_code, n.stage, n.at,
               n.step, n.holder, n.since0, d.paused, d.extension_days, d.takeover_holder,
               d.takeover_days
          FROM now_ n JOIN step_def d ON d.step = n.step
         WHERE NOT n.terminal
    ),
    -- Their history (as known at t), with the newest event of another step than the
    -- current one; the current run of the step begins with the first event after it. Read
    -- file by file through the index (OFFSET 0 keeps the planner from hashing the whole
    -- stage_event table when it underestimates the open files).
    ev AS (
        SELECT c.application_id, e.at,
               max(e.at) FILTER (WHERE coalesce(k1.step, k2.step, 'unknown') <> c.step)
                   OVER (PARTITION BY c.application_id) AS other_at
          FROM op_h c
          CROSS JOIN LATERAL (SELECT e.at, e.status_code, e.stage FROM stage_event e
                               WHERE e.application_id = c.application_id AND e.at <= c.at
                                 AND e.at < t AND e.observed_at < t OFFSET 0) e
          LEFT JOIN step_code k1 ON k1.channel = c.ck AND k1.code = e.status_code
          LEFT JOIN step_code k2 ON k2.channel = c.ck AND k2.code = '*' || e.stage
    ),
    since AS (
        SELECT v.application_id,
               min(v.at) FILTER (WHERE v.at > v.other_at OR v.other_at IS NULL) AS since
          FROM ev v
         GROUP BY v.application_id
    ),
    run AS MATERIALIZED (
        SELECT c.*, coalesce(c.since0, sn.since, c.at) AS since,
               wib_date(coalesce(c.since0, sn.since, c.at)) AS d0,
               CASE WHEN c.paused OR c.path = 'unknown' THEN 0
                    ELSE coalesce(l.limit_days, 0) END AS base
          FROM op c
          LEFT JOIN since sn ON sn.application_id = c.application_id
          LEFT JOIN step_limit l ON l.step = c.step
                                AND l.rules = (SELECT v.value FROM setting v
                                                WHERE v.key = 'sla_rules')
    ),
    -- Working days and calendar gaps once per first day (all spans end today), not once
    -- per file.
    span AS MATERIALIZED (
        SELECT x.d0, greatest(workdays_between(x.d0, coalesce(today, wib_date(t))), 0) AS days,
               calendar_gaps(x.d0, coalesce(today, wib_date(t))) AS gaps
          FROM (SELECT DISTINCT r.d0 FROM run r) x
    ),
    -- The extensions are summed once per file (a join, not a subquery repeated wherever
    -- the sum is used below).
    clk AS (
        SELECT r.*, sp.days, sp.gaps,
               CASE WHEN r.base = 0 THEN 0 ELSE least(r.ext_max, coalesce(xs.n, 0)) END::int
                   AS ext
          FROM run r JOIN span sp ON sp.d0 = r.d0
          LEFT JOIN LATERAL (SELECT sum(x.days) AS n FROM step_extension x
                              WHERE x.application_id = r.application_id AND x.step = r.step
                                AND x.granted_on >= r.d0 AND x.created_at < t) xs
                 ON r.base > 0
    ),
    tk AS (
        SELECT k.*, k.base > 0 AND k.takeover_holder IS NOT NULL
                    AND k.days > k.base + k.ext AS over
          FROM clk k
    )
    SELECT tk.application_id, tk.channel_id, tk.path, tk.status_code, tk.stage, tk.at,
           tk.step, CASE WHEN tk.over THEN tk.takeover_holder ELSE tk.holder END,
           tk.paused, false, tk.since, tk.days,
           CASE WHEN tk.base > 0 THEN tk.base + tk.ext END, tk.ext, tk.over,
           CASE WHEN tk.base > 0 THEN tk.base + tk.ext
                                      + CASE WHEN tk.over THEN tk.takeover_days ELSE 0 END
           END,
           CASE WHEN tk.base > 0 THEN greatest(tk.days - tk.base - tk.ext
                                      - CASE WHEN tk.over THEN tk.takeover_days ELSE 0 END, 0)
                ELSE 0 END,
           tk.gaps
      FROM tk
    UNION ALL
    -- A terminal step (certified, rejected, ...) has no clock.
    SELECT c.application_id, c.channel_id, c.path, c.status_code, c.stage, c.at, c.step,
           c.holder, d.paused, true, c.at, 0, NULL, 0, false, NULL, 0, '{}'::int[]
      FROM cur c JOIN step_def d ON d.step = c.step AND d.terminal
    UNION ALL
    SELECT n.application_id, n.channel_id, n.path, n.status_code, n.stage, n.at, n.step,
           n.holder, d.paused, true, n.at, 0, NULL, 0, false, NULL, 0, '{}'::int[]
      FROM now_ n JOIN step_def d ON d.step = n.step
     WHERE n.terminal
$$;
