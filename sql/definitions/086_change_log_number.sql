-- Numbers a transaction's change_log rows when it commits (a deferred trigger on its
-- change_pending row, so once per transaction). The UPDATE of change_counter takes a row
-- lock held until the commit has completed: the next writer numbers its rows only after
-- this one is visible, so seq follows commit order and has no gaps (a rollback takes the
-- numbers back with the counter). A reader that saw seq n has therefore seen every row
-- below n, and "seq > cursor" never misses a row that commits later (bigserial ids do:
-- they are drawn when a row is written, not when it commits). The lock is held only for
-- the commit itself, not for the writer's whole transaction.
CREATE FUNCTION change_log_number() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    n bigint;
    base bigint;
BEGIN
    DELETE FROM change_pending WHERE xid = NEW.xid;
    -- Unnumbered rows visible here are this transaction's own (others' are uncommitted).
    SELECT count(*) INTO n FROM change_log WHERE seq IS NULL;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE change_counter SET last_seq = last_seq + n WHERE id = 1
    RETURNING last_seq - n INTO base;
    UPDATE change_log c SET seq = base + x.rn
      FROM (SELECT l.id, row_number() OVER (ORDER BY l.id) AS rn
              FROM change_log l WHERE l.seq IS NULL) x
     WHERE c.id = x.id;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER change_log_number AFTER INSERT ON change_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_log_number();
