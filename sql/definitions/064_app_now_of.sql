-- The rows of app_now (0019_maintained.sql) for the applications ids, computed from the
-- application rows and their event history: app_step_at's rule (074) for an instant after
-- every observation (all events count). The channel key is the file's channel, else the
-- path its codes show, else '*'; the step and its holder come from step_code, by code,
-- else by stage; the step's run begins with the first event after the newest event of
-- another step (terminal steps: at the current state). Both the triggers that keep
-- app_now and its full recomputation (maintained_rebuild, maintained_diff) call this.
CREATE FUNCTION app_now_of(ids bigint[])
RETURNS TABLE (application_id bigint, msme_id bigint, channel_id text, status_code text,
               stage text, at timestamptz, known_from timestamptz, ck text,
               step text, holder text, terminal boolean, step_since timestamptz)
LANGUAGE sql STABLE AS $$
    WITH cur AS MATERIALIZED (
        SELECT a.id, a.msme_id, a.channel_id, a.status_code, a.stage,
               coalesce(a.stage_since, a.first_seen_at) AS at,
               greatest(a.first_seen_at, a.stage_since, a.tgl_daftar,
                        (SELECT max(greatest(e.at, e.observed_at)) FROM stage_event e
                          WHERE e.application_id = a.id)) AS known_from,
               coalesce(c0.channel, CASE WHEN c0.channel IS NULL THEN (
                   SELECT CASE WHEN bool_and(p.paths = 'reguler') THEN 'CH001'
                               WHEN bool_and(p.paths = 'self_declare') THEN 'CH003' END
                     FROM stage_event e JOIN status_code_def p ON p.code = e.status_code
                    WHERE e.application_id = a.id AND p.paths <> 'both') END, '*') AS ck
          FROM (SELECT DISTINCT u.id FROM unnest(ids) u(id)) u
          JOIN application a ON a.id = u.id
          LEFT JOIN channel_def c0 ON c0.channel = a.channel_id
    ),
    st AS MATERIALIZED (
        SELECT c.*, coalesce(k1.step, k2.step, 'unknown') AS step,
               coalesce(k1.holder, k2.holder, 'none') AS holder, d.terminal
          FROM cur c
          LEFT JOIN step_code k1 ON k1.channel = c.ck AND k1.code = c.status_code
          LEFT JOIN step_code k2 ON k2.channel = c.ck AND k2.code = '*' || c.stage
          LEFT JOIN step_def d ON d.step = coalesce(k1.step, k2.step, 'unknown')
    )
    SELECT s.id, s.msme_id, s.channel_id, s.status_code, s.stage, s.at, s.known_from, s.ck, s.step, s.holder, s.terminal,
           CASE WHEN s.terminal IS DISTINCT FROM false THEN s.at
                ELSE coalesce((
                    SELECT min(v.at) FILTER (WHERE v.at > v.other_at OR v.other_at IS NULL)
                      FROM (SELECT e.at,
                                   max(e.at) FILTER (WHERE coalesce(k1.step, k2.step,
                                                                    'unknown') <> s.step)
                                       OVER () AS other_at
                              FROM stage_event e
                              LEFT JOIN step_code k1 ON k1.channel = s.ck
                                                    AND k1.code = e.status_code
                              LEFT JOIN step_code k2 ON k2.channel = s.ck
                                                    AND k2.code = '*' || e.stage
                             WHERE e.application_id = s.id AND e.at <= s.at) v), s.at)
           END
      FROM st s
$$;
