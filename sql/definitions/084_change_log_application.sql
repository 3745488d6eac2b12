-- The change feed's application entries: a new application, or one whose state a reader
-- sees changed (the columns of v_application, not the daemon's bookkeeping: observed_at,
-- detail_at, next_poll_at, detail_needed, the lease and the list fingerprint). Written in
-- the writing transaction; change_log_number (086) numbers them at its commit.
CREATE FUNCTION change_log_application() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO change_log (kind, op, ref_id, application_id)
        SELECT 'application', 'insert', n.id, n.id FROM new_rows n ORDER BY n.id;
    ELSE
        INSERT INTO change_log (kind, op, ref_id, application_id)
        SELECT 'application', 'update', n.id, n.id
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.id_reg, n.no_daftar, n.tgl_daftar, n.nib, n.msme_id, n.nama_pu,
                n.channel_id, n.jenis_daftar, n.jenis_produk, n.status_code, n.stage,
                n.stage_since, n.certificate_no, n.certificate_date, n.certificate_expiry,
                n.missing_since)
               IS DISTINCT FROM
               (o.id_reg, o.no_daftar, o.tgl_daftar, o.nib, o.msme_id, o.nama_pu,
                o.channel_id, o.jenis_daftar, o.jenis_produk, o.status_code, o.stage,
                o.stage_since, o.certificate_no, o.certificate_date, o.certificate_expiry,
                o.missing_since)
         ORDER BY n.id;
    END IF;
    IF FOUND THEN
        INSERT INTO change_pending (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER change_log_application_insert AFTER INSERT ON application
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_application();
CREATE TRIGGER change_log_application_update AFTER UPDATE ON application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_application();
