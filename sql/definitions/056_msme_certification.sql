-- The one place that says whether a register MSME is certified, since when and through
-- which source (issue 14; docs/coverage.md, "Counting"): through the office's programmes
-- (an application of its own list certified: seen at the OF300 event's observation) or
-- through another channel (an accepted match of the public search: seen when it was
-- accepted). One MSME, one status: `source` is whichever saw it first, the other is kept
-- as corroboration (`corroborated`). `pending` counts the matches waiting for a person.
-- Scoped like every view over the register (access_scope_mine.read_ok).
CREATE VIEW msme_certification AS
SELECT m.id AS msme_id,
       o.seen_at AS programme_seen_at, o.cert_date AS programme_date,
       o.cert_no AS programme_no,
       x.seen_at AS matched_seen_at, x.cert_date AS matched_date, x.cert_no AS matched_no,
       CASE WHEN o.seen_at IS NULL AND x.seen_at IS NULL THEN NULL
            WHEN x.seen_at IS NULL OR o.seen_at <= x.seen_at THEN 'programme'
            ELSE 'matched' END AS source,
       CASE WHEN x.seen_at IS NULL OR o.seen_at <= x.seen_at THEN o.cert_date
            ELSE x.cert_date END AS certificate_date,
       CASE WHEN x.seen_at IS NULL OR o.seen_at <= x.seen_at THEN o.cert_no
            ELSE x.cert_no END AS certificate_no,
       o.seen_at IS NOT NULL AND x.seen_at IS NOT NULL AS corroborated,
       coalesce(p.n, 0) AS pending
  FROM msme m
  LEFT JOIN LATERAL (
        SELECT min(coalesce((SELECT min(e.observed_at) FROM stage_event e
                              WHERE e.application_id = a.id AND e.stage = 'certified'),
                            a.observed_at)) AS seen_at,
               min(a.certificate_date) AS cert_date, min(a.certificate_no) AS cert_no
          FROM application a WHERE a.msme_id = m.id AND a.stage = 'certified'
        HAVING count(*) > 0) o ON true
  LEFT JOIN LATERAL (
        SELECT min(cm.decided_at) AS seen_at, min(pc.tgl_sert) AS cert_date,
               (array_agg(pc.no_sert ORDER BY cm.decided_at, pc.no_sert))[1] AS cert_no
          FROM certificate_match cm JOIN public_certificate pc ON pc.id = cm.certificate_id
         WHERE cm.msme_id = m.id AND cm.status = 'accepted'
        HAVING count(*) > 0) x ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS n FROM certificate_match cm
         WHERE cm.msme_id = m.id AND cm.status = 'pending') p ON true
 WHERE (SELECT read_ok FROM access_scope_mine);
