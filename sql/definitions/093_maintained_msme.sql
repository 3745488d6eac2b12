-- Keeps the goal hits (goal_hit) of the register MSMEs a statement deleted or changed in
-- what a goal's scope reads (kelurahan, KBLI, programmes: the register import and edit),
-- in the writing transaction. A new MSME has no application or match yet: its hits come
-- with them (091, 096).
CREATE FUNCTION maintained_msme() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    msmes bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.id) INTO msmes FROM old_rows o;
    ELSE
        SELECT array_agg(n.id) INTO msmes
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.kelurahan_code, n.kbli, n.programs)
               IS DISTINCT FROM (o.kelurahan_code, o.kbli, o.programs);
    END IF;
    PERFORM maintained_refresh(NULL, msmes);
    RETURN NULL;
END $$;
CREATE TRIGGER maintained_msme_update AFTER UPDATE ON msme
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_msme();
CREATE TRIGGER maintained_msme_delete AFTER DELETE ON msme
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_msme();
