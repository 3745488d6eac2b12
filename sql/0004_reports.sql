-- Reports: the per-code table of waiting parties and limits, and the indexes that keep the
-- report queries set-based. The views (the stable read API for dashboards, documented in
-- docs/views.md) and the functions behind them are in sql/definitions/.

-- Per-code waiting party and legal limit: mirrors lib/stage.c's code table (the C table is
-- the source; tests/db/test_report_views.c fails when the two disagree). Codes not listed
-- here (config mappings) fall back to their stage's row in stage_def.
CREATE TABLE status_code_def (
    code       text PRIMARY KEY,
    stage      text NOT NULL,
    waits_on   text NOT NULL CHECK (waits_on IN ('none', 'msme', 'bpjph', 'lph', 'p3h', 'fatwa')),
    limit_days int  CHECK (limit_days IS NULL OR limit_days > 0)
);
INSERT INTO status_code_def (code, stage, waits_on, limit_days) VALUES
    ('OF1', 'draft', 'msme', NULL),
    ('OF2', 'returned', 'msme', NULL),
    ('OF5', 'lph_assignment', 'msme', NULL),
    ('OF10', 'submitted', 'bpjph', 1),
    ('OF11', 'verification', 'bpjph', 1),
    ('OF12', 'lph_assignment', 'lph', 1),
    ('OF15', 'verification', 'bpjph', 1),
    ('OF50', 'lph_assignment', 'lph', 1),
    ('OF55', 'lph_assignment', 'lph', 1),
    ('OF56', 'lph_assignment', 'msme', NULL),
    ('OF60', 'inspection', 'lph', 15),
    ('OF70', 'inspection', 'lph', 15),
    ('OF71', 'pph_verification', 'p3h', 10),
    ('OF72', 'pph_verification', 'p3h', 10),
    ('OF74', 'fatwa', 'fatwa', 1),
    ('OF75', 'fatwa', 'fatwa', 3),
    ('OF80', 'fatwa', 'fatwa', 3),
    ('OF100', 'fatwa', 'bpjph', 1),
    ('OF120', 'issuance', 'bpjph', 1),
    ('OF280', 'returned', 'msme', NULL),
    ('OF285', 'returned', 'msme', NULL),
    ('OF290', 'rejected', 'none', NULL),
    ('OF300', 'certified', 'none', NULL),
    ('OF900', 'cancelled', 'none', NULL);

-- Indexes for the reports: an application's history newest first (status, as-of
-- reconstruction) and a covering index for "certificates issued / applications submitted
-- in a window" (goals, trend) that answers from the index alone.
CREATE INDEX stage_event_app_at_idx ON stage_event (application_id, at DESC, id DESC);
CREATE INDEX stage_event_code_at_idx ON stage_event (status_code, at)
    INCLUDE (application_id, observed_at);
CREATE INDEX application_tgl_daftar_idx ON application (tgl_daftar) INCLUDE (msme_id, first_seen_at);
CREATE INDEX quarantine_created_idx ON quarantine (created_at);
