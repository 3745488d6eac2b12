-- msme_status(nib, access_code): that MSME's status as JSON, or NULL for an unknown NIB,
-- a wrong code, or while repeated failures are being slowed down. Runs as its owner;
-- `db migrate` pins its search_path to the schema with pg_temp last, so a caller's
-- temporary tables or views cannot stand in for msme or self_service_attempt. pg_sleep is
-- qualified: its argument is numeric, and a pg_sleep(numeric) elsewhere would match better.
CREATE FUNCTION msme_status(p_nib text, p_code text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    k text := encode(sha256(convert_to('halaltrack-nib:' || coalesce(p_nib, ''), 'UTF8')), 'hex');
    a self_service_attempt%ROWTYPE;
    m msme%ROWTYPE;
    ok boolean := false;
    result jsonb;
BEGIN
    SELECT * INTO a FROM self_service_attempt WHERE nib_key = k;
    SELECT * INTO m FROM msme WHERE nib = p_nib;
    IF m.id IS NOT NULL AND m.access_code_hash IS NOT NULL THEN
        ok := m.access_code_hash = encode(sha256(convert_to(m.access_code_salt || ':' ||
                  upper(replace(coalesce(p_code, ''), '-', '')), 'UTF8')), 'hex');
    ELSE
        -- Same work for an unknown NIB as for a wrong code.
        PERFORM encode(sha256(convert_to('x:' || coalesce(p_code, ''), 'UTF8')), 'hex');
    END IF;
    -- After 5 failures, every answer waits out a window that doubles per failure (max 1 h),
    -- even a right code: a guesser learns nothing from timing or content.
    IF a.failures >= 5 AND a.last_failure_at >
       clock_timestamp() - least(interval '1 hour', interval '30 seconds' * power(2, a.failures - 5)) THEN
        ok := false;
    END IF;
    IF NOT ok THEN
        INSERT INTO self_service_attempt AS t (nib_key, failures, last_failure_at)
        VALUES (k, 1, clock_timestamp())
        ON CONFLICT (nib_key) DO UPDATE SET failures = t.failures + 1,
                                            last_failure_at = clock_timestamp();
        PERFORM pg_catalog.pg_sleep(least(coalesce(a.failures, 0) + 1, 10) * 0.1);
        RETURN NULL;
    END IF;
    DELETE FROM self_service_attempt WHERE nib_key = k;
    SELECT jsonb_build_object(
        'nib', m.nib,
        'business_name', m.business_name,
        'kelurahan', (SELECT name FROM region WHERE code = m.kelurahan_code),
        'applications', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                'no_daftar', ap.no_daftar,
                'status_code', ap.status_code,
                'stage', ap.stage,
                'stage_label', sd.label_id,
                'stage_label_en', sd.label_en,
                'stage_since', ap.stage_since,
                'waits_on', step_holder(ap.channel_id, ap.status_code, ap.stage),
                'certificate_no', ap.certificate_no,
                'certificate_date', ap.certificate_date,
                'observed_at', ap.observed_at) ORDER BY ap.tgl_daftar, ap.id_reg)
            FROM application ap JOIN stage_def sd ON sd.stage = ap.stage
            WHERE ap.msme_id = m.id), '[]'::jsonb))
    INTO result;
    RETURN result;
END $$;
REVOKE ALL ON FUNCTION msme_status(text, text) FROM PUBLIC;
