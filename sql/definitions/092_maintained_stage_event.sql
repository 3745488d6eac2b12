-- Keeps the maintained answers (0019_maintained.sql) of the applications whose history a
-- statement changed (the batch apply's merge, replay, upstream tracking replacing observed
-- history, the retention prune, any SQL), and the goal hits of their MSMEs when an OF10
-- event (a submission time) came or went, in the writing transaction.
CREATE FUNCTION maintained_stage_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    apps bigint[];
    msmes bigint[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT array_agg(DISTINCT e.application_id),
               array_agg(DISTINCT e.application_id) FILTER (WHERE e.status_code = 'OF10')
          INTO apps, msmes FROM new_rows e;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT array_agg(DISTINCT x.id) FILTER (WHERE x.id IS NOT NULL),
               array_agg(DISTINCT x.of10) FILTER (WHERE x.of10 IS NOT NULL)
          INTO apps, msmes
          FROM (SELECT e.application_id AS id,
                       CASE WHEN e.status_code = 'OF10' THEN e.application_id END AS of10
                  FROM old_rows e
                UNION ALL SELECT u, NULL FROM unnest(apps) u
                UNION ALL SELECT NULL, u FROM unnest(msmes) u) x;
    END IF;
    -- The applications are locked before their rows are recomputed (see
    -- maintained_refresh): the writer of an event need not hold its application's row.
    IF cardinality(apps) > 10000 THEN
        LOCK TABLE application IN EXCLUSIVE MODE;
    ELSIF cardinality(apps) > 0 THEN
        PERFORM 1 FROM application a WHERE a.id = ANY (apps) ORDER BY a.id
            FOR NO KEY UPDATE;
    END IF;
    -- msmes holds the applications with an OF10 event changed: their MSMEs
    SELECT array_agg(DISTINCT a.msme_id) INTO msmes
      FROM application a WHERE a.id = ANY (msmes) AND a.msme_id IS NOT NULL;
    PERFORM maintained_refresh(apps, msmes);
    RETURN NULL;
END $$;
CREATE TRIGGER maintained_stage_event_insert AFTER INSERT ON stage_event
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_stage_event();
CREATE TRIGGER maintained_stage_event_update AFTER UPDATE ON stage_event
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_stage_event();
CREATE TRIGGER maintained_stage_event_delete AFTER DELETE ON stage_event
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_stage_event();
