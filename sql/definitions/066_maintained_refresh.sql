-- Brings the maintained answers (0019_maintained.sql) of the applications apps and of the
-- MSMEs msmes (every goal's hits) back to what app_now_of and goal_hits_of compute now: the
-- one step every maintaining trigger (091-097) ends with, in the writer's transaction.
-- SECURITY DEFINER: the writers (the daemon, the CLI's roles) may not write these tables.
CREATE FUNCTION maintained_refresh(apps bigint[], msmes bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    IF cardinality(apps) > 0 THEN
        DELETE FROM app_now n WHERE n.application_id = ANY (apps);
        INSERT INTO app_now SELECT * FROM app_now_of(apps);
    END IF;
    IF cardinality(msmes) > 0 THEN
        DELETE FROM goal_hit h WHERE h.msme_id = ANY (msmes);
        INSERT INTO goal_hit SELECT * FROM goal_hits_of(msmes, NULL);
    END IF;
END $$;
