-- MSME self-service (kiosk, website, WhatsApp bot) and kecamatan-limited readers.

-- Failed self-service attempts per NIB as typed (hashed), so unknown NIBs are throttled
-- exactly like known ones and the answers cannot tell them apart.
CREATE TABLE self_service_attempt (
    nib_key         text PRIMARY KEY CHECK (nib_key ~ '^[0-9a-f]{64}$'),
    failures        int NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_failure_at timestamptz
);

-- msme_status(nib, access_code): that MSME's status as JSON, or NULL for an unknown NIB,
-- a wrong code, or while repeated failures are being slowed down. Runs as its owner.
CREATE FUNCTION msme_status(p_nib text, p_code text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
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
        PERFORM pg_sleep(least(coalesce(a.failures, 0) + 1, 10) * 0.1);
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
                'waits_on', sd.waits_on,
                'certificate_no', ap.certificate_no,
                'certificate_date', ap.certificate_date,
                'observed_at', ap.observed_at) ORDER BY ap.tgl_daftar, ap.id_reg)
            FROM application ap JOIN stage_def sd ON sd.stage = ap.stage
            WHERE ap.msme_id = m.id), '[]'::jsonb))
    INTO result;
    RETURN result;
END $$;
REVOKE ALL ON FUNCTION msme_status(text, text) FROM PUBLIC;

-- Reader roles limited to one kecamatan (a kecamatan officer's dashboard). A role with no
-- row here sees everything it is granted; a role with rows sees only those kecamatan.
CREATE TABLE reader_scope (
    role_name      text NOT NULL,
    kecamatan_code text NOT NULL REFERENCES region (code)
                   CHECK (kecamatan_code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$'),
    PRIMARY KEY (role_name, kecamatan_code)
);

-- Policies: a role with no reader_scope row is unscoped. The uncorrelated sub-selects are
-- evaluated once per query (InitPlans), so unscoped roles pay nothing per row. Through a view
-- the sub-selects run with the view owner's rights, while current_user stays the caller.
-- Row-level security, forced so that it also holds when the rows are read through the
-- views (which run with their owner's rights). current_user stays the caller's role.
ALTER TABLE msme ENABLE ROW LEVEL SECURITY;
ALTER TABLE msme FORCE ROW LEVEL SECURITY;
CREATE POLICY msme_scope ON msme
    USING (NOT EXISTS (SELECT 1 FROM reader_scope WHERE role_name = current_user)
           OR left(kelurahan_code, 8) IN (SELECT kecamatan_code FROM reader_scope
                                          WHERE role_name = current_user));

ALTER TABLE application ENABLE ROW LEVEL SECURITY;
ALTER TABLE application FORCE ROW LEVEL SECURITY;
CREATE POLICY application_scope ON application
    USING (NOT EXISTS (SELECT 1 FROM reader_scope WHERE role_name = current_user)
           OR msme_id IN (SELECT id FROM msme));

ALTER TABLE stage_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_event FORCE ROW LEVEL SECURITY;
CREATE POLICY stage_event_scope ON stage_event
    USING (NOT EXISTS (SELECT 1 FROM reader_scope WHERE role_name = current_user)
           OR application_id IN (SELECT id FROM application));
