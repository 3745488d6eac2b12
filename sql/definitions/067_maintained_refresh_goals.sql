-- Brings the hits of the goals goals (goal_hit) back to what goal_hits_of computes now, for
-- every MSME: a goal added, changed or removed (094). The register is locked first
-- (EXCLUSIVE until commit: plain reads go on), so that no MSME's hits are recomputed
-- meanwhile without this goal's change or this goal's without theirs (see
-- maintained_refresh).
CREATE FUNCTION maintained_refresh_goals(goals bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    IF cardinality(goals) > 0 THEN
        LOCK TABLE msme IN EXCLUSIVE MODE;
        DELETE FROM goal_hit h WHERE h.goal_id = ANY (goals);
        INSERT INTO goal_hit SELECT * FROM goal_hits_of(ARRAY(SELECT id FROM msme), goals);
    END IF;
END $$;
