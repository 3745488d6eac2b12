-- The rows of goal_hit (0019_maintained.sql) for the MSMEs msmes and the goals goals (NULL:
-- every goal): goal_hits_at's rule (071) for an instant after every observation. An
-- application's certification time is its current state's time when it is certified; its
-- submission time is tgl_daftar, else its first OF10 event; an accepted match counts from
-- its certificate's tgl_sert (never for a 'kode_fac' goal), seen when it was accepted.
-- Both the triggers that keep goal_hit and its full recomputation call this.
CREATE FUNCTION goal_hits_of(msmes bigint[], goals bigint[])
RETURNS TABLE (goal_id bigint, msme_id bigint, first_at timestamptz, via text)
LANGUAGE sql STABLE AS $$
    WITH ms AS MATERIALIZED (
        SELECT DISTINCT u.id FROM unnest(msmes) u(id)
    ), ap AS MATERIALIZED (
        SELECT a.msme_id, a.kode_fac,
               CASE WHEN a.stage = 'certified'
                    THEN coalesce(a.stage_since, a.first_seen_at) END AS cert_at,
               coalesce(a.tgl_daftar,
                        (SELECT min(e.at) FROM stage_event e
                          WHERE e.application_id = a.id AND e.status_code = 'OF10'))
                   AS sub_at,
               'programme' AS via, coalesce(a.stage_since, a.first_seen_at) AS seen_at
          FROM ms JOIN application a ON a.msme_id = ms.id
        UNION ALL
        SELECT cm.msme_id, NULL, wib_midnight(pc.tgl_sert), NULL, 'matched', cm.decided_at
          FROM ms JOIN certificate_match cm ON cm.msme_id = ms.id
          JOIN public_certificate pc ON pc.id = cm.certificate_id
         WHERE cm.status = 'accepted' AND pc.tgl_sert IS NOT NULL
    ), sc AS MATERIALIZED (
        SELECT g.id AS goal_id, g.metric = 'certified' AS cert,
               wib_midnight(g.start_date) AS w0, wib_midnight(g.deadline + 1) AS w1,
               m.id AS msme_id, CASE WHEN g.scope_kind = 'kode_fac' THEN g.scope_value END AS fac
          FROM goal g
          JOIN ms ON true
          JOIN msme m ON m.id = ms.id
                     AND goal_in_scope(g.scope_kind, g.scope_value, m.kelurahan_code, m.kbli,
                                       m.programs)
         WHERE goals IS NULL OR g.id = ANY (goals)
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
