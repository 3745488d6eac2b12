-- halaltrackd: list staging, the shared budget's grant log and the poll index. The merge
-- (list_merge), the budget (budget_take) and the read views v_application and
-- v_stage_event are in sql/definitions/.

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
