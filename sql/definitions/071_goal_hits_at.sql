-- When each MSME first met each goal's metric inside the goal's window, as known at t.
-- An application's certification time is its OF300 event (its as-of state is "certified",
-- see app_state_asof); its submission time is tgl_daftar, else its first OF10 event;
-- applications first seen at or after t do not count. Distinct MSMEs, not applications.
-- A 'kode_fac' goal counts only the applications carrying its code. A certificate of the
-- public search counts for 'certified' from its tgl_sert once its match was accepted
-- before t (never for a 'kode_fac' goal); `via` says which source saw the MSME's hit
-- first (an application: its OF300 time; a match: when it was accepted), so that one
-- MSME is counted once, for one source (docs/coverage.md, "Counting").
CREATE FUNCTION goal_hits_at(t timestamptz)
RETURNS TABLE (goal_id bigint, msme_id bigint, first_at timestamptz, via text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH ap AS MATERIALIZED (
        SELECT s.msme_id, a.kode_fac,
               CASE WHEN s.stage = 'certified' THEN s.at END AS cert_at,
               coalesce(s.tgl_daftar,
                        (SELECT min(e.at) FROM stage_event e
                          WHERE e.application_id = s.application_id AND e.status_code = 'OF10'
                            AND e.at < t AND e.observed_at < t)) AS sub_at,
               'programme' AS via, s.at AS seen_at
          FROM app_state_asof(t) s JOIN application a ON a.id = s.application_id
         WHERE s.msme_id IS NOT NULL
        UNION ALL
        SELECT cm.msme_id, NULL, wib_midnight(pc.tgl_sert), NULL, 'matched', cm.decided_at
          FROM certificate_match cm JOIN public_certificate pc ON pc.id = cm.certificate_id
         WHERE cm.status = 'accepted' AND cm.decided_at < t AND pc.tgl_sert IS NOT NULL
    ), sc AS MATERIALIZED (
        SELECT g.id AS goal_id, g.metric = 'certified' AS cert,
               wib_midnight(g.start_date) AS w0, least(t, wib_midnight(g.deadline + 1)) AS w1,
               m.id AS msme_id, CASE WHEN g.scope_kind = 'kode_fac' THEN g.scope_value END AS fac
          FROM goal g
          JOIN msme m ON goal_in_scope(g.scope_kind, g.scope_value, m.kelurahan_code, m.kbli,
                                       m.programs)
    )
    SELECT sc.goal_id, sc.msme_id,
           min(CASE WHEN sc.cert THEN ap.cert_at ELSE ap.sub_at END),
           (array_agg(ap.via ORDER BY ap.seen_at, ap.via DESC))[1]
      FROM sc JOIN ap ON ap.msme_id = sc.msme_id
     WHERE CASE WHEN sc.cert THEN ap.cert_at ELSE ap.sub_at END >= sc.w0
       AND CASE WHEN sc.cert THEN ap.cert_at ELSE ap.sub_at END < sc.w1
       AND (sc.fac IS NULL OR ap.kode_fac = sc.fac)
     GROUP BY sc.goal_id, sc.msme_id
$$;
