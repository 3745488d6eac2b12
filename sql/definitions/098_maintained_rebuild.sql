-- Recomputes every maintained answer (0019_maintained.sql) from the history and the
-- register. `db migrate` runs it below whenever a definition changed (the rules the
-- maintained rows follow may have changed with it; the step tables generated from the C
-- tables are rewritten before the definitions); nothing else needs it, the triggers keep
-- the rows in every writer's transaction.
CREATE FUNCTION maintained_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    DELETE FROM app_now;
    DELETE FROM goal_hit;
    INSERT INTO app_now SELECT * FROM app_now_of(ARRAY(SELECT id FROM application));
    INSERT INTO goal_hit SELECT * FROM goal_hits_of(ARRAY(SELECT id FROM msme), NULL);
END $$;
SELECT maintained_rebuild();
