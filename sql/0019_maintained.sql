-- Maintained answers (issue 16, "The reports"): what the reports used to recompute from the
-- whole history on every call, kept by statement-level triggers in every writer's own
-- transaction (sql/definitions/064-068) through the same functions a full recomputation
-- uses, and compared with one by `halaltrack db check` (maintained_diff). Written only by
-- the owner (the triggers are SECURITY DEFINER); read like their neighbours, scoped to
-- the reader's kecamatan by row-level security (090_row_level_security.sql).

-- Each application's current state (MSME, channel, code, stage and since when, as
-- app_state_asof answers for an instant after every observation) and current legal step,
-- as app_step_at computes it for such an instant: the channel key its step is read with, the step, who holds it, whether
-- the step is terminal (NULL: not a step of step_def) and since when (the first event of
-- the step's current run). known_from is the latest instant this row depends on (first
-- seen, stage since, submission, its events' times and observations): the maintained
-- answers stand for an instant t only when every known_from is before t
-- (maintained_current), otherwise the reports compute from the history as before.
CREATE TABLE app_now (
    application_id bigint PRIMARY KEY,
    msme_id        bigint,
    channel_id     text,
    status_code    text,
    stage          text,
    at             timestamptz NOT NULL,
    known_from     timestamptz NOT NULL,
    ck             text NOT NULL,
    step           text NOT NULL,
    holder         text NOT NULL,
    terminal       boolean,
    step_since     timestamptz
);
CREATE INDEX app_now_known_idx ON app_now (known_from);
CREATE INDEX app_now_open_idx ON app_now (application_id) WHERE NOT terminal;

-- Each goal's hits: the MSMEs that met its metric inside its window, when first, and
-- through which source (goal_hits_at for an instant after every observation).
CREATE TABLE goal_hit (
    goal_id  bigint NOT NULL,
    msme_id  bigint NOT NULL,
    first_at timestamptz NOT NULL,
    via      text NOT NULL,
    PRIMARY KEY (goal_id, msme_id)
);
CREATE INDEX goal_hit_msme_idx ON goal_hit (msme_id);

ALTER TABLE app_now ENABLE ROW LEVEL SECURITY;
ALTER TABLE app_now FORCE ROW LEVEL SECURITY;
ALTER TABLE goal_hit ENABLE ROW LEVEL SECURITY;
ALTER TABLE goal_hit FORCE ROW LEVEL SECURITY;
