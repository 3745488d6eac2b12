-- MSME self-service (kiosk, website, WhatsApp bot) and kecamatan-limited readers: the
-- attempt log and the reader scopes, and row-level security switched on. The lookup
-- function (msme_status) and the policies are in sql/definitions/.

-- Failed self-service attempts per NIB as typed (hashed), so unknown NIBs are throttled
-- exactly like known ones and the answers cannot tell them apart.
CREATE TABLE self_service_attempt (
    nib_key         text PRIMARY KEY CHECK (nib_key ~ '^[0-9a-f]{64}$'),
    failures        int NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_failure_at timestamptz
);

-- Reader roles limited to one kecamatan (a kecamatan officer's dashboard). A role with no
-- row here sees everything it is granted; a role with rows sees only those kecamatan.
CREATE TABLE reader_scope (
    role_name      text NOT NULL,
    kecamatan_code text NOT NULL REFERENCES region (code)
                   CHECK (kecamatan_code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$'),
    PRIMARY KEY (role_name, kecamatan_code)
);

-- Row-level security, forced so that it also holds when the rows are read through the
-- views (which run with their owner's rights). The policies: sql/definitions/.
ALTER TABLE msme ENABLE ROW LEVEL SECURITY;
ALTER TABLE msme FORCE ROW LEVEL SECURITY;
ALTER TABLE application ENABLE ROW LEVEL SECURITY;
ALTER TABLE application FORCE ROW LEVEL SECURITY;
ALTER TABLE stage_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_event FORCE ROW LEVEL SECURITY;
