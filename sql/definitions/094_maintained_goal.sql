-- Keeps the hits (goal_hit) of the goals a statement added, changed or removed, for every
-- MSME, in the writing transaction.
CREATE FUNCTION maintained_goal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    goals bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.id) INTO goals FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.id) INTO goals FROM old_rows o;
    ELSE
        SELECT array_agg(DISTINCT x.id) INTO goals
          FROM (SELECT n.id FROM new_rows n UNION ALL SELECT o.id FROM old_rows o) x;
    END IF;
    PERFORM maintained_refresh_goals(goals);
    RETURN NULL;
END $$;
CREATE TRIGGER maintained_goal_insert AFTER INSERT ON goal
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_goal();
CREATE TRIGGER maintained_goal_update AFTER UPDATE ON goal
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_goal();
CREATE TRIGGER maintained_goal_delete AFTER DELETE ON goal
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_goal();
