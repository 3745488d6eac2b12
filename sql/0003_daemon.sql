-- halaltrackd: list staging and merge, the shared budget's grant log, and the stable read
-- views v_application and v_stage_event (documented in docs/daemon.md).

-- List pages are COPYed here (one sweep = one run_id), then merged by list_merge().
CREATE UNLOGGED TABLE list_staging (
    run_id       bigint NOT NULL,
    seq          bigint NOT NULL,
    id_reg       text NOT NULL,
    no_daftar    text,
    tgl_daftar   text,
    nib          text,
    nama_pu      text,
    jenis_daftar text,
    jenis_produk text,
    status       text,
    channel_id   text
);
CREATE INDEX list_staging_run_idx ON list_staging (run_id);

-- Every grant of the shared request budget, so the rate can be proven afterwards.
ALTER TABLE rate_budget ADD COLUMN last_grant integer NOT NULL DEFAULT 0;
CREATE TABLE budget_grant (
    id      bigserial PRIMARY KEY,
    name    text NOT NULL,
    daemon  text NOT NULL,
    at      timestamptz NOT NULL,
    n       integer NOT NULL CHECK (n > 0)
);
CREATE INDEX budget_grant_at_idx ON budget_grant (at);

CREATE INDEX application_poll_idx ON application (next_poll_at, id);

-- Takes up to want tokens from the bucket in one UPDATE (refill and take are atomic under
-- the row lock), logs the grant and returns how many were granted. One instant
-- (statement_timestamp) is used throughout so the refill is computed once.
CREATE FUNCTION budget_take(p_name text, p_want integer, p_daemon text) RETURNS integer
LANGUAGE sql AS $$
    WITH u AS (
        UPDATE rate_budget b SET
            last_grant = least(p_want, floor(least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate)))::int,
            tokens = least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate)
                - least(p_want, floor(least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate))),
            granted = b.granted + least(p_want, floor(least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate)))::bigint,
            updated_at = greatest(b.updated_at, statement_timestamp())
        WHERE b.name = p_name
        RETURNING b.last_grant, b.updated_at
    ), g AS (
        INSERT INTO budget_grant (name, daemon, at, n)
        SELECT p_name, p_daemon, u.updated_at, u.last_grant FROM u WHERE u.last_grant > 0
    )
    SELECT coalesce((SELECT last_grant FROM u), 0)
$$;

-- Merges one staged sweep into application in one set-based statement. New applications
-- are inserted (stage from the given code map, 'unknown' otherwise) and due for a detail
-- fetch at once; known ones whose list fingerprint changed become due; unchanged ones get
-- observed_at bumped. Returns (seen, inserted, changed).
CREATE FUNCTION list_merge(p_run bigint, p_codes text[], p_stages text[],
                           OUT seen bigint, OUT inserted bigint, OUT changed bigint)
LANGUAGE sql AS $$
    WITH src AS (
        SELECT DISTINCT ON (s.id_reg) s.*,
               md5(concat_ws('|', s.status, s.no_daftar, s.nib, s.channel_id, s.tgl_daftar,
                             s.nama_pu, s.jenis_daftar, s.jenis_produk)) AS fp
        FROM list_staging s WHERE s.run_id = p_run
        ORDER BY s.id_reg, s.seq DESC
    ), m AS (
        SELECT c.code, c.stage FROM unnest(p_codes, p_stages) AS c(code, stage)
    ), up AS (
        INSERT INTO application AS a (id_reg, no_daftar, nib, msme_id, nama_pu, channel_id,
                                      jenis_daftar, jenis_produk, status_code, stage,
                                      list_fingerprint, detail_needed, next_poll_at)
        SELECT src.id_reg,
               CASE WHEN src.no_daftar ~ '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$' THEN src.no_daftar END,
               CASE WHEN src.nib ~ '^[0-9]{13}$' THEN src.nib END,
               (SELECT id FROM msme WHERE msme.nib = src.nib),
               src.nama_pu,
               CASE WHEN src.channel_id ~ '^CH[0-9]{3}$' THEN src.channel_id END,
               src.jenis_daftar, src.jenis_produk,
               coalesce(left(src.status, 16), '?'),
               coalesce((SELECT m.stage FROM m WHERE m.code = src.status), 'unknown'),
               src.fp, true, now()
        FROM src
        ON CONFLICT (id_reg) DO UPDATE SET
            list_fingerprint = EXCLUDED.list_fingerprint,
            detail_needed = a.detail_needed OR a.list_fingerprint IS DISTINCT FROM EXCLUDED.list_fingerprint,
            next_poll_at = CASE WHEN a.list_fingerprint IS DISTINCT FROM EXCLUDED.list_fingerprint
                                THEN now() ELSE a.next_poll_at END,
            observed_at = CASE WHEN a.list_fingerprint IS DISTINCT FROM EXCLUDED.list_fingerprint
                               THEN a.observed_at ELSE now() END
        RETURNING (xmax = 0) AS is_new, a.detail_needed AS due
    )
    SELECT count(*), count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new AND due)
    FROM up
$$;

-- The stable read API: one row per national application.
CREATE VIEW v_application AS
SELECT a.id_reg, a.no_daftar, a.nib, a.msme_id, a.channel_id, a.status_code, a.stage,
       a.stage_since, a.certificate_no, a.certificate_date, a.observed_at
FROM application a;

-- The stable read API: every stage event, oldest first per application.
CREATE VIEW v_stage_event AS
SELECT a.id_reg, e.status_code, e.stage, e.at, e.observed_at
FROM stage_event e JOIN application a ON a.id = e.application_id;
