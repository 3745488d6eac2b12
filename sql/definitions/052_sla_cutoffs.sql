-- The legal clock per status code at instant t: for each code with a limit (and, under the
-- key '*<stage>', for codes status_code_def does not know, their stage's limit), the instant
-- before which a step that began is past its limit at t. A step begun on day d is past a
-- limit of L working days when n(today) - n(d) > L, i.e. when d is before the first day
-- whose n reaches n(today) - L; comparing stage_since with that instant keeps the breach
-- test a plain filter on each row.
CREATE FUNCTION sla_cutoffs(t timestamptz)
RETURNS TABLE (code_key text, waits_on text, limit_days int, before timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH wd AS MATERIALIZED (SELECT * FROM v_workday),
    today AS (SELECT n FROM wd WHERE day = wib_date(t)),
    lims AS (
        SELECT c.code AS code_key, c.waits_on, c.limit_days
          FROM status_code_def c WHERE c.limit_days IS NOT NULL
        UNION ALL
        SELECT '*' || d.stage, d.waits_on, d.limit_days
          FROM stage_def d WHERE d.limit_days IS NOT NULL AND NOT d.terminal
    )
    SELECT l.code_key, l.waits_on, l.limit_days,
           wib_midnight((SELECT min(w.day) FROM wd w, today
                          WHERE w.n >= today.n - l.limit_days))
      FROM lims l
$$;
