-- Keeps the goal hits (goal_hit) of the MSMEs matched to public certificates whose date a
-- statement changed, in the writing transaction (a deleted certificate takes its matches
-- with it: 096 sees them go).
CREATE FUNCTION maintained_public_certificate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    msmes bigint[];
BEGIN
    SELECT array_agg(DISTINCT cm.msme_id) INTO msmes
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      JOIN certificate_match cm ON cm.certificate_id = n.id
     WHERE n.tgl_sert IS DISTINCT FROM o.tgl_sert;
    PERFORM maintained_refresh(NULL, msmes);
    RETURN NULL;
END $$;
CREATE TRIGGER maintained_public_certificate_update AFTER UPDATE ON public_certificate
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintained_public_certificate();
