-- Keeps the goal hits (goal_hit) of the MSMEs whose certificate matches a statement
-- changed (a match found, accepted, rejected or undone), in the writing transaction.
CREATE FUNCTION maintained_certificate_match() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    msmes bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT n.msme_id) INTO msmes FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT o.msme_id) INTO msmes FROM old_rows o;
    ELSE
        SELECT array_agg(DISTINCT x.id) INTO msmes
          FROM (SELECT n.msme_id AS id FROM new_rows n
                UNION ALL SELECT o.msme_id FROM old_rows o) x;
    END IF;
    PERFORM maintained_refresh(NULL, msmes);
    RETURN NULL;
END $$;
CREATE TRIGGER maintained_certificate_match_insert AFTER INSERT ON certificate_match
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_certificate_match();
CREATE TRIGGER maintained_certificate_match_update AFTER UPDATE ON certificate_match
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_certificate_match();
CREATE TRIGGER maintained_certificate_match_delete AFTER DELETE ON certificate_match
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_certificate_match();
