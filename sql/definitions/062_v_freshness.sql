-- The newest observation, the last successful sync, and open data-quality problems.
CREATE VIEW v_freshness AS
SELECT (SELECT max(observed_at) FROM v_application) AS last_observed_at,
       (SELECT max(finished_at) FROM sync_run WHERE outcome IN ('ok', 'partial'))
           AS last_sync_at,
       extract(epoch FROM now() - (SELECT max(observed_at) FROM v_application))::bigint
           AS age_seconds,
       (SELECT count(*) FROM quarantine WHERE NOT resolved) AS quarantined,
       (SELECT count(*) FROM application WHERE msme_id IS NULL) AS unmatched_applications;
