-- Brings the maintained answers (0019_maintained.sql) of the applications apps and of the
-- MSMEs msmes (every goal's hits) back to what app_now_of and goal_hits_of compute now: the
-- one step every maintaining trigger (091-097) ends with, in the writer's transaction.
-- SECURITY DEFINER: the writers (the daemon, the CLI's roles) may not write these tables.
-- Concurrent writers of one application or one MSME are serialized before anything is
-- computed: the applications are locked by the writing statement itself (an update or
-- delete of their row; maintained_stage_event locks them for an event), the MSMEs here
-- (FOR NO KEY UPDATE, in id order, until the writer commits; foreign-key checks are not
-- blocked). Every statement after the lock reads with a new snapshot (READ COMMITTED), so
-- it sees the other writer's committed rows and never writes a recomputation that missed
-- them. A bulk write (more than 10,000 MSMEs) takes the whole table instead (EXCLUSIVE:
-- plain reads go on), so that a load does not lock the register row by row. Two writers
-- that lock overlapping sets in different orders over several statements can deadlock:
-- PostgreSQL cancels one, which rolls back whole (the daemon applies the batch again).
CREATE FUNCTION maintained_refresh(apps bigint[], msmes bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    IF cardinality(apps) > 0 THEN
        DELETE FROM app_now n WHERE n.application_id = ANY (apps);
        INSERT INTO app_now SELECT * FROM app_now_of(apps);
    END IF;
    IF cardinality(msmes) > 10000 THEN
        LOCK TABLE msme IN EXCLUSIVE MODE;
    ELSIF cardinality(msmes) > 0 THEN
        PERFORM 1 FROM msme m WHERE m.id = ANY (msmes) ORDER BY m.id FOR NO KEY UPDATE;
    END IF;
    IF cardinality(msmes) > 0 THEN
        DELETE FROM goal_hit h WHERE h.msme_id = ANY (msmes);
        INSERT INTO goal_hit SELECT * FROM goal_hits_of(msmes, NULL);
    END IF;
END $$;
