-- The change feed's stage event entries: every new event (stage_event is append-only).
CREATE FUNCTION change_log_stage_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    INSERT INTO change_log (kind, op, ref_id, application_id)
    SELECT 'stage_event', 'insert', n.id, n.application_id FROM new_rows n ORDER BY n.id;
    IF FOUND THEN
        INSERT INTO change_pending (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER change_log_stage_event AFTER INSERT ON stage_event
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_stage_event();
