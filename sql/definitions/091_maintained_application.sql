-- Keeps the maintained answers (0019_maintained.sql) of the applications a statement
-- inserted, deleted or changed in a column they read (the daemon's batch apply, replay,
-- msme_link_applications, the retention prune, any SQL), and the goal hits of their MSMEs
-- (before and after a relink), in the writing transaction.
CREATE FUNCTION maintained_application() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    apps bigint[];
    msmes bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.id), array_agg(DISTINCT n.msme_id) FILTER (WHERE n.msme_id IS NOT NULL)
          INTO apps, msmes FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.id), array_agg(DISTINCT o.msme_id) FILTER (WHERE o.msme_id IS NOT NULL)
          INTO apps, msmes FROM old_rows o;
    ELSE
        -- The goals read an application's MSME, programme code, submission, and its
        -- certification time: a move between two stages short of certified changes no hit.
        WITH ch AS (
            SELECT n.id, n.msme_id AS m1, o.msme_id AS m0,
                   (n.msme_id, n.kode_fac, n.tgl_daftar, n.stage = 'certified')
                       IS DISTINCT FROM (o.msme_id, o.kode_fac, o.tgl_daftar,
                                         o.stage = 'certified')
                   OR (n.stage = 'certified'
                       AND coalesce(n.stage_since, n.first_seen_at)
                           IS DISTINCT FROM coalesce(o.stage_since, o.first_seen_at)) AS goals
              FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.msme_id, n.kode_fac, n.status_code, n.stage, n.stage_since,
                    n.first_seen_at, n.tgl_daftar, n.channel_id)
                   IS DISTINCT FROM
                   (o.msme_id, o.kode_fac, o.status_code, o.stage, o.stage_since,
                    o.first_seen_at, o.tgl_daftar, o.channel_id))
        SELECT (SELECT array_agg(ch.id) FROM ch),
               (SELECT array_agg(DISTINCT x.m) FROM ch, LATERAL (VALUES (ch.m0), (ch.m1)) x(m)
                 WHERE x.m IS NOT NULL AND ch.goals)
          INTO apps, msmes;
    END IF;
    PERFORM maintained_refresh(apps, msmes);
    RETURN NULL;
END $$;
CREATE TRIGGER maintained_application_insert AFTER INSERT ON application
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_application();
CREATE TRIGGER maintained_application_update AFTER UPDATE ON application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_application();
CREATE TRIGGER maintained_application_delete AFTER DELETE ON application
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_application();
