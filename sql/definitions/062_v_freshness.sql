-- The newest observation, the last successful sync, and open data-quality problems. The
-- last two are about the whole register (a quarantined payload belongs to no kecamatan, an
-- unmatched application to no register MSME): a kecamatan reader gets NULL for them.
CREATE VIEW v_freshness AS
SELECT (SELECT max(observed_at) FROM v_application) AS last_observed_at,
       (SELECT max(finished_at) FROM sync_run WHERE outcome IN ('ok', 'partial'))
           AS last_sync_at,
       extract(epoch FROM now() - (SELECT max(observed_at) FROM v_application))::bigint
           AS age_seconds,
       CASE WHEN s.all_kecamatan THEN (SELECT count(*) FROM quarantine WHERE NOT resolved)
       END AS quarantined,
       CASE WHEN s.all_kecamatan THEN (SELECT count(*) FROM application WHERE msme_id IS NULL)
       END AS unmatched_applications
  FROM access_scope_mine s
 WHERE s.read_ok;
