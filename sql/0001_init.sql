-- halaltrack data model: regions, the MSME register, national applications and their
-- stage history, quarantine, sync bookkeeping, goals, the shared request budget, reports.
-- Objects are created in the first schema of search_path (halaltrack in production,
-- a per-test schema in the tests), so nothing here is schema-qualified. Migrations hold
-- tables, columns, indexes and data; views, functions, triggers and policies live one per
-- file in sql/definitions/ (see sql/README.md).

-- Kemendagri region codes: 35 (provinsi), 35.75 (kab/kota), 35.75.01 (kecamatan),
-- 35.75.01.1001 (kelurahan/desa).
CREATE TABLE region (
    code        text PRIMARY KEY
                CHECK (code ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$'),
    name        text NOT NULL CHECK (length(btrim(name)) > 0),
    level       text NOT NULL CHECK (level IN ('provinsi', 'kabkota', 'kecamatan', 'kelurahan')),
    parent_code text REFERENCES region (code),
    CHECK ((level = 'provinsi') = (parent_code IS NULL)),
    CHECK (level <> 'provinsi'  OR code ~ '^[0-9]{2}$'),
    CHECK (level <> 'kabkota'   OR code ~ '^[0-9]{2}\.[0-9]{2}$'),
    CHECK (level <> 'kecamatan' OR code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$'),
    CHECK (level <> 'kelurahan' OR code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
    CHECK (parent_code IS NULL OR starts_with(code, parent_code || '.'))
);
CREATE INDEX region_parent_idx ON region (parent_code);
CREATE INDEX region_name_idx ON region (lower(name));

-- KBLI 2020 five-digit codes of the food and beverage divisions (10, 11, 56).
CREATE TABLE kbli (
    code  text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
    title text NOT NULL
);

-- National holidays and cuti bersama: the working-day calendar in SQL (views).
CREATE TABLE holiday (
    day  date PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama'))
);

-- Canonical stages: filled from the C stage table by `halaltrack db migrate`
-- (lib/stage.c is the single source), read by the views.
CREATE TABLE stage_def (
    stage       text PRIMARY KEY,
    ordinal     int  NOT NULL UNIQUE,
    waits_on    text NOT NULL CHECK (waits_on IN ('none', 'msme', 'bpjph', 'lph', 'p3h', 'fatwa')),
    limit_days  int CHECK (limit_days IS NULL OR limit_days > 0),
    terminal    boolean NOT NULL,
    label_id    text NOT NULL,
    label_en    text NOT NULL
);

-- The office's MSME register.
CREATE TABLE msme (
    id              bigserial PRIMARY KEY,
    nib             text NOT NULL UNIQUE CHECK (nib ~ '^[0-9]{13}$'),
    business_name   text NOT NULL CHECK (length(btrim(business_name)) BETWEEN 1 AND 200),
    owner_name      text CHECK (owner_name IS NULL OR length(owner_name) <= 200),
    kbli            text CHECK (kbli ~ '^[0-9]{5}$'),
    size_class      text CHECK (size_class IN ('mikro', 'kecil', 'menengah', 'besar')),
    kelurahan_code  text NOT NULL REFERENCES region (code)
                    CHECK (kelurahan_code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
    address         text CHECK (address IS NULL OR length(address) <= 500),
    phone           text CHECK (phone IS NULL OR phone ~ '^\+?[0-9][0-9 -]{5,20}$'),
    programs        text[] NOT NULL DEFAULT '{}',
    access_code_hash text,
    access_code_salt text,
    access_failures int NOT NULL DEFAULT 0,
    access_blocked_until timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((access_code_hash IS NULL) = (access_code_salt IS NULL))
);
CREATE INDEX msme_kelurahan_idx ON msme (kelurahan_code);
CREATE INDEX msme_kbli_idx ON msme (kbli);
CREATE INDEX msme_programs_idx ON msme USING gin (programs);

-- One row per national application (id_reg), with its current state.
CREATE TABLE application (
    id              bigserial PRIMARY KEY,
    id_reg          text NOT NULL UNIQUE CHECK (length(id_reg) BETWEEN 1 AND 64),
    no_daftar       text CHECK (no_daftar ~ '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$'),
    tgl_daftar      timestamptz,
    nib             text CHECK (nib ~ '^[0-9]{13}$'),
    msme_id         bigint REFERENCES msme (id) ON DELETE SET NULL,
    nama_pu         text,
    channel_id      text CHECK (channel_id ~ '^CH[0-9]{3}$'),
    jenis_daftar    text,
    jenis_produk    text,
    status_code     text NOT NULL CHECK (length(status_code) BETWEEN 1 AND 16),
    stage           text NOT NULL REFERENCES stage_def (stage) DEFERRABLE INITIALLY DEFERRED,
    stage_since     timestamptz,
    certificate_no  text CHECK (certificate_no ~ '^ID[0-9]{17}$'),
    certificate_date date,
    certificate_expiry date,
    list_fingerprint text,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    observed_at     timestamptz NOT NULL DEFAULT now(),
    detail_at       timestamptz,
    next_poll_at    timestamptz NOT NULL DEFAULT now(),
    detail_needed   boolean NOT NULL DEFAULT true,
    lease_owner     text,
    lease_until     timestamptz,
    CHECK ((certificate_no IS NULL) OR (certificate_date IS NOT NULL)),
    CHECK (certificate_expiry IS NULL OR certificate_expiry > certificate_date)
);
CREATE INDEX application_nib_idx ON application (nib);
CREATE INDEX application_msme_idx ON application (msme_id);
CREATE INDEX application_stage_idx ON application (stage);
CREATE INDEX application_due_idx ON application (next_poll_at) WHERE detail_needed OR next_poll_at IS NOT NULL;
CREATE INDEX application_unmatched_idx ON application (nib) WHERE msme_id IS NULL;

-- Append-only stage history; any past week is rebuilt from it.
CREATE TABLE stage_event (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    status_code     text NOT NULL CHECK (length(status_code) BETWEEN 1 AND 16),
    stage           text NOT NULL REFERENCES stage_def (stage) DEFERRABLE INITIALLY DEFERRED,
    at              timestamptz NOT NULL,
    observed_at     timestamptz NOT NULL DEFAULT now(),
    actor           text,
    comment         text,
    UNIQUE (application_id, status_code, at)
);
CREATE INDEX stage_event_at_idx ON stage_event (at);
CREATE INDEX stage_event_observed_idx ON stage_event (observed_at);
CREATE INDEX stage_event_stage_at_idx ON stage_event (stage, at);

-- Whatever could not be decoded or mapped: raw bytes and the reason, replayable.
CREATE TABLE quarantine (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL CHECK (source IN ('list', 'detail', 'auth', 'certificate', 'import')),
    ref         text,
    reason      text NOT NULL,
    raw         bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    resolved    boolean NOT NULL DEFAULT false
);
CREATE INDEX quarantine_open_idx ON quarantine (created_at) WHERE NOT resolved;
CREATE UNIQUE INDEX quarantine_dedup_idx ON quarantine (source, coalesce(ref, ''), md5(raw), reason)
    WHERE NOT resolved;

-- One row per daemon poll cycle.
CREATE TABLE sync_run (
    id              bigserial PRIMARY KEY,
    daemon          text NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    outcome         text NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'ok', 'partial', 'failed', 'aborted')),
    sweep           boolean NOT NULL DEFAULT false,
    requests        bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
    bytes           bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    items_seen      bigint NOT NULL DEFAULT 0,
    items_changed   bigint NOT NULL DEFAULT 0,
    details_fetched bigint NOT NULL DEFAULT 0,
    events_inserted bigint NOT NULL DEFAULT 0,
    quarantined     bigint NOT NULL DEFAULT 0,
    errors          bigint NOT NULL DEFAULT 0,
    message         text,
    CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX sync_run_started_idx ON sync_run (started_at);

-- Bookmarks and other daemon state; written only after the data they describe commits.
CREATE TABLE sync_state (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The office's certification targets.
CREATE TABLE goal (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    scope_kind  text NOT NULL CHECK (scope_kind IN ('kota', 'kecamatan', 'kelurahan', 'kbli', 'program')),
    scope_value text,
    metric      text NOT NULL CHECK (metric IN ('certified', 'applied')),
    target      int  NOT NULL CHECK (target > 0),
    start_date  date NOT NULL,
    deadline    date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (deadline > start_date),
    CHECK ((scope_kind = 'kota') OR scope_value IS NOT NULL),
    CHECK (scope_kind <> 'kbli' OR scope_value ~ '^[0-9]{1,5}$')
);

-- Token bucket shared by every daemon on this database.
CREATE TABLE rate_budget (
    name        text PRIMARY KEY,
    capacity    double precision NOT NULL CHECK (capacity >= 1),
    refill_rate double precision NOT NULL CHECK (refill_rate > 0),
    tokens      double precision NOT NULL CHECK (tokens >= 0),
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    granted     bigint NOT NULL DEFAULT 0
);

-- Every generated report, with a hash of its totals.
CREATE TABLE report_run (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('weekly')),
    period       text NOT NULL CHECK (period ~ '^[0-9]{4}-W[0-9]{2}$'),
    format       text NOT NULL CHECK (format IN ('text', 'csv', 'json', 'html', 'pdf')),
    as_of        timestamptz NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now(),
    totals       jsonb NOT NULL,
    totals_hash  text NOT NULL CHECK (totals_hash ~ '^[0-9a-f]{64}$'),
    output       text
);
CREATE INDEX report_run_period_idx ON report_run (period);
