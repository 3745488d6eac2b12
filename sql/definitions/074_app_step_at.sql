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
CREATE FUNCTION app_step_at(t timestamptz, today date DEFAULT NULL)
RETURNS TABLE (application_id bigint, channel_id text, path text, status_code text,
               stage text, stage_since timestamptz, step text, holder text, paused boolean,
               terminal boolean, step_since timestamptz, days_in_step int, limit_days int,
               extension_days int, taken_over boolean, allowed_days int, days_overdue int,
               calendar_gaps int[])
LANGUAGE sql STABLE AS $$
    WITH st AS MATERIALIZED (
        -- The channel to read the step table with: the file's, else the path its codes
        -- show (steps_channel_key), else '*'.
        SELECT s.*, coalesce(ch.channel, CASE WHEN ch.channel IS NULL THEN (
                   SELECT CASE WHEN bool_and(p.paths = 'reguler') THEN 'CH001'
                               WHEN bool_and(p.paths = 'self_declare') THEN 'CH003' END
                     FROM stage_event e JOIN status_code_def p ON p.code = e.status_code
                    WHERE e.application_id = s.application_id AND e.at < t
                      AND e.observed_at < t AND p.paths <> 'both') END, '*') AS ck
          FROM app_state_asof(t) s
          LEFT JOIN channel_def ch ON ch.channel = s.channel_id
    ),
    cur AS MATERIALIZED (
        SELECT s.application_id, s.channel_id, s.ck, coalesce(ch.path, 'unknown') AS path,
               s.status_code, s.stage, s.at,
               coalesce(k1.step, k2.step, 'unknown') AS step,
               coalesce(k1.holder, k2.holder, 'none') AS holder,
               coalesce(today, wib_date(t)) AS d1
          FROM st s
          LEFT JOIN channel_def ch ON ch.channel = s.ck
          LEFT JOIN step_code k1 ON k1.channel = s.ck AND k1.code = s.status_code
          LEFT JOIN step_code k2 ON k2.channel = s.ck AND k2.code = '*' || s.stage
    ),
    -- The history (as known at t) of the files still under way, each event marked when it
    -- belongs to another step than the current one.
    ev AS MATERIALIZED (
        SELECT e.application_id, e.at, coalesce(k1.step, k2.step, 'unknown') <> c.step AS other
          FROM cur c JOIN step_def d ON d.step = c.step AND NOT d.terminal
          JOIN stage_event e ON e.application_id = c.application_id AND e.at <= c.at
                            AND e.at < t AND e.observed_at < t
          LEFT JOIN step_code k1 ON k1.channel = c.ck AND k1.code = e.status_code
          LEFT JOIN step_code k2 ON k2.channel = c.ck AND k2.code = '*' || e.stage
    ),
    -- The current run of the step begins with the first event after the newest event of
    -- another step.
    since AS (
        SELECT v.application_id, min(v.at) FILTER (WHERE v.at > b.other_at OR b.other_at IS NULL)
               AS since
          FROM ev v
          LEFT JOIN (SELECT application_id, max(at) AS other_at FROM ev WHERE other
                      GROUP BY application_id) b ON b.application_id = v.application_id
         GROUP BY v.application_id
    ),
    run AS MATERIALIZED (
        SELECT c.*, d.paused, d.terminal, d.extension_days AS ext_max, d.takeover_holder,
               d.takeover_days, coalesce(sn.since, c.at) AS since,
               wib_date(coalesce(sn.since, c.at)) AS d0,
               CASE WHEN d.paused OR d.terminal OR c.path = 'unknown' THEN 0
                    ELSE coalesce(l.limit_days, 0) END AS base
          FROM cur c JOIN step_def d ON d.step = c.step
          LEFT JOIN since sn ON sn.application_id = c.application_id
          LEFT JOIN step_limit l ON l.step = c.step
                                AND l.rules = (SELECT v.value FROM setting v
                                                WHERE v.key = 'sla_rules')
    ),
    -- Working days and calendar gaps once per distinct span, not once per file.
    span AS MATERIALIZED (
        SELECT x.d0, x.d1, greatest(workdays_between(x.d0, x.d1), 0) AS days,
               calendar_gaps(x.d0, x.d1) AS gaps
          FROM (SELECT DISTINCT r.d0, r.d1 FROM run r WHERE NOT r.terminal) x
    ),
    clk AS (
        SELECT r.*, coalesce(sp.days, 0) AS days, coalesce(sp.gaps, '{}') AS gaps,
               CASE WHEN r.base = 0 THEN 0
                    ELSE least(r.ext_max, coalesce((
                        SELECT sum(x.days) FROM step_extension x
                         WHERE x.application_id = r.application_id AND x.step = r.step
                           AND x.granted_on >= r.d0 AND x.created_at < t), 0))
               END::int AS ext
          FROM run r
          LEFT JOIN span sp ON NOT r.terminal AND sp.d0 = r.d0 AND sp.d1 = r.d1
    ),
    tk AS (
        SELECT k.*, k.base > 0 AND k.takeover_holder IS NOT NULL
                    AND k.days > k.base + k.ext AS over
          FROM clk k
    )
    SELECT tk.application_id, tk.channel_id, tk.path, tk.status_code, tk.stage, tk.at,
           tk.step, CASE WHEN tk.over THEN tk.takeover_holder ELSE tk.holder END,
           tk.paused, tk.terminal, tk.since, tk.days,
           CASE WHEN tk.base > 0 THEN tk.base + tk.ext END, tk.ext, tk.over,
           CASE WHEN tk.base > 0 THEN tk.base + tk.ext
                                      + CASE WHEN tk.over THEN tk.takeover_days ELSE 0 END
           END,
           CASE WHEN tk.base > 0 THEN greatest(tk.days - tk.base - tk.ext
                                      - CASE WHEN tk.over THEN tk.takeover_days ELSE 0 END, 0)
                ELSE 0 END,
           tk.gaps
      FROM tk
$$;
