-- Reports: the stable read API for dashboards (views v_msme_status, v_funnel,
-- v_goal_progress, v_sla_breach, v_freshness; documented in docs/views.md), the functions
-- behind them that take "now" as a parameter (the CLI passes HALALTRACK_NOW), the
-- as-of reconstruction used by the weekly report, and the indexes that keep them set-based.

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

-- The Asia/Jakarta civil date of an instant (UTC+7, no daylight saving).
CREATE FUNCTION wib_date(t timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (t AT TIME ZONE INTERVAL '+07:00')::date;

-- Midnight Asia/Jakarta at the start of a date.
CREATE FUNCTION wib_midnight(d date) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (d::timestamp AT TIME ZONE INTERVAL '+07:00');

-- Working-day numbering: n = working days (Monday-Friday, not a holiday or cuti bersama)
-- up to and including day, so the working days in (d1, d2] are n(d2) - n(d1), the same
-- rule as lib/calendar.c calendar_working_days_between. Covers 2015-2040.
CREATE VIEW v_workday AS
SELECT g.day::date AS day,
       (count(*) FILTER (WHERE extract(isodow FROM g.day) < 6 AND h.day IS NULL)
            OVER (ORDER BY g.day))::int AS n
  FROM generate_series(date '2015-01-01', date '2040-12-31', interval '1 day') AS g(day)
  LEFT JOIN holiday h ON h.day = g.day::date;

-- Current waiting party and limit of an application's code (per-code, else per-stage).
CREATE VIEW v_application_sla AS
SELECT a.id AS application_id,
       a.status_code,
       a.stage,
       a.stage_since,
       coalesce(c.waits_on, d.waits_on) AS waits_on,
       CASE WHEN c.code IS NOT NULL THEN c.limit_days ELSE d.limit_days END AS limit_days,
       d.terminal
  FROM application a
  JOIN stage_def d ON d.stage = a.stage
  LEFT JOIN status_code_def c ON c.code = a.status_code;

-- The legal clock per status code at instant t: for each code with a limit (and, under the
-- key '*<stage>', for codes status_code_def does not know, their stage's limit), the instant
-- before which a step that began is past its limit at t. A step begun on day d is past a
-- limit of L working days when n(today) - n(d) > L, i.e. when d is before the first day
-- whose n reaches n(today) - L; comparing stage_since with that instant keeps the breach
-- test a plain filter on each row.
CREATE FUNCTION sla_cutoffs(t timestamptz)
RETURNS TABLE (code_key text, waits_on text, limit_days int, before timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH wd AS MATERIALIZED (SELECT * FROM v_workday),
    today AS (SELECT n FROM wd WHERE day = wib_date(t)),
    lims AS (
        SELECT c.code AS code_key, c.waits_on, c.limit_days
          FROM status_code_def c WHERE c.limit_days IS NOT NULL
        UNION ALL
        SELECT '*' || d.stage, d.waits_on, d.limit_days
          FROM stage_def d WHERE d.limit_days IS NOT NULL AND NOT d.terminal
    )
    SELECT l.code_key, l.waits_on, l.limit_days,
           wib_midnight((SELECT min(w.day) FROM wd w, today
                          WHERE w.n >= today.n - l.limit_days))
      FROM lims l
$$;

-- Applications past their legal limit at instant t: working days in the current step
-- (from the Jakarta date of stage_since to the Jakarta date of t) above the code's limit.
-- Steps waiting on the MSME (returned, payment) have no limit: the legal clock is paused.
CREATE FUNCTION sla_breach_at(t timestamptz)
RETURNS TABLE (application_id bigint, id_reg text, no_daftar text, nib text, msme_id bigint,
               business_name text, kelurahan_code text, kelurahan text, kecamatan text,
               phone text, status_code text, stage text, stage_since timestamptz,
               waits_on text, limit_days int, days_in_step int, days_overdue int)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH c AS MATERIALIZED (SELECT * FROM sla_cutoffs(t)),
    wd AS MATERIALIZED (SELECT * FROM v_workday),
    b AS MATERIALIZED (
        SELECT a.id, a.id_reg, a.no_daftar, a.nib, a.msme_id, a.nama_pu, a.status_code,
               a.stage, a.stage_since, c.waits_on, c.limit_days
          FROM application a
          LEFT JOIN status_code_def k ON k.code = a.status_code
          JOIN c ON c.code_key = coalesce(k.code, '*' || a.stage)
         WHERE a.stage_since < c.before
    )
    SELECT b.id, b.id_reg, b.no_daftar, b.nib, b.msme_id,
           coalesce(m.business_name, b.nama_pu), m.kelurahan_code, kl.name, kc.name, m.phone,
           b.status_code, b.stage, b.stage_since, b.waits_on, b.limit_days,
           (w1.n - w0.n), (w1.n - w0.n) - b.limit_days
      FROM b
      JOIN wd w0 ON w0.day = wib_date(b.stage_since)
      CROSS JOIN (SELECT n FROM wd WHERE day = wib_date(t)) w1
      LEFT JOIN msme m ON m.id = b.msme_id
      LEFT JOIN region kl ON kl.code = m.kelurahan_code
      LEFT JOIN region kc ON kc.code = kl.parent_code
$$;

CREATE VIEW v_sla_breach AS SELECT * FROM sla_breach_at(now());

-- Each register MSME with its latest application (by submission, then id) and whether any
-- of its applications is certified.
CREATE VIEW v_msme_status AS
SELECT m.id AS msme_id, m.nib, m.business_name, m.owner_name, m.kbli, m.size_class,
       m.kelurahan_code, kl.name AS kelurahan, kl.parent_code AS kecamatan_code,
       kc.name AS kecamatan, m.phone, m.programs,
       la.id_reg, la.no_daftar, la.channel_id, la.status_code,
       coalesce(la.stage, 'not_applied') AS stage,
       la.stage_since, la.waits_on, la.observed_at,
       coalesce(cert.n, 0) > 0 AS certified,
       cert.first_date AS first_certificate_date,
       coalesce(apps.n, 0) AS applications
  FROM msme m
  JOIN region kl ON kl.code = m.kelurahan_code
  LEFT JOIN region kc ON kc.code = kl.parent_code
  LEFT JOIN LATERAL (
        SELECT a.id_reg, a.no_daftar, a.channel_id, a.status_code, a.stage, a.stage_since,
               s.waits_on, a.observed_at
          FROM application a JOIN v_application_sla s ON s.application_id = a.id
         WHERE a.msme_id = m.id
         ORDER BY a.tgl_daftar DESC NULLS LAST, a.id DESC LIMIT 1) la ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS n FROM application a WHERE a.msme_id = m.id) apps ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS n, min(a.certificate_date) AS first_date
          FROM application a WHERE a.msme_id = m.id AND a.stage = 'certified') cert ON true;

-- The certification path of a channel: reguler (CH001, CH002), self-declare (CH003, CH004).
CREATE FUNCTION channel_path(ch text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ch IN ('CH001', 'CH002') THEN 'reguler'
                WHEN ch IN ('CH003', 'CH004') THEN 'self_declare'
                ELSE 'unknown' END;

-- Applications per current stage and path.
CREATE VIEW v_funnel AS
SELECT d.stage, d.ordinal, p.path, count(a.id)::bigint AS applications
  FROM stage_def d
  CROSS JOIN (VALUES ('reguler'), ('self_declare'), ('unknown')) AS p(path)
  LEFT JOIN application a ON a.stage = d.stage AND channel_path(a.channel_id) = p.path
 GROUP BY d.stage, d.ordinal, p.path;

-- True when an MSME falls in a goal's scope.
CREATE FUNCTION goal_in_scope(kind text, val text, kelurahan_code text, kbli text,
                              programs text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind
        WHEN 'kota' THEN val IS NULL OR starts_with(kelurahan_code, val || '.')
        WHEN 'kecamatan' THEN starts_with(kelurahan_code, val || '.')
        WHEN 'kelurahan' THEN kelurahan_code = val
        WHEN 'kbli' THEN starts_with(coalesce(kbli, ''), val)
        WHEN 'program' THEN val = ANY (programs)
        ELSE false END;

-- When each MSME first met each goal's metric inside the goal's window, as known at t.
-- An application's certification time is its OF300 event (its as-of state is "certified",
-- see app_state_asof); its submission time is tgl_daftar, else its first OF10 event;
-- applications first seen at or after t do not count. Distinct MSMEs, not applications.
-- (Defined after app_state_asof below.)
-- Every goal with done (distinct MSMEs) at t, a week before and four weeks before.
-- The newest observation, the last successful sync, and open data-quality problems.
CREATE VIEW v_freshness AS
SELECT (SELECT max(observed_at) FROM application) AS last_observed_at,
       (SELECT max(finished_at) FROM sync_run WHERE outcome IN ('ok', 'partial'))
           AS last_sync_at,
       extract(epoch FROM now() - (SELECT max(observed_at) FROM application))::bigint
           AS age_seconds,
       (SELECT count(*) FROM quarantine WHERE NOT resolved) AS quarantined,
       (SELECT count(*) FROM application WHERE msme_id IS NULL) AS unmatched_applications;

-- Each application's state as known at t (with its MSME, channel and tgl_daftar): its
-- latest event with at < t and observed_at < t. Applications with no event at or after t and none observed at or after
-- t are answered from the application row (their latest event is the current state), so
-- only applications touched since t read their history.
CREATE FUNCTION app_state_asof(t timestamptz)
RETURNS TABLE (application_id bigint, status_code text, stage text, at timestamptz,
               msme_id bigint, channel_id text, tgl_daftar timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH touched AS MATERIALIZED (
        SELECT DISTINCT e.application_id FROM stage_event e
         WHERE e.at >= t OR e.observed_at >= t
    )
    SELECT a.id, a.status_code, a.stage, coalesce(a.stage_since, a.first_seen_at), a.msme_id,
           a.channel_id, a.tgl_daftar
      FROM application a
     WHERE coalesce(a.stage_since, a.first_seen_at) < t AND a.first_seen_at < t
       AND NOT EXISTS (SELECT 1 FROM touched x WHERE x.application_id = a.id)
    UNION ALL
    SELECT h.application_id, h.status_code, h.stage, h.at, a.msme_id, a.channel_id,
           a.tgl_daftar
      FROM (SELECT DISTINCT ON (e.application_id) e.application_id, e.status_code, e.stage,
                   e.at
              FROM stage_event e
             WHERE e.application_id IN (SELECT application_id FROM touched)
               AND e.at < t AND e.observed_at < t
             ORDER BY e.application_id, e.at DESC, e.id DESC) h
      JOIN application a ON a.id = h.application_id
$$;

CREATE FUNCTION goal_hits_at(t timestamptz)
RETURNS TABLE (goal_id bigint, msme_id bigint, first_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH ap AS MATERIALIZED (
        SELECT s.msme_id,
               CASE WHEN s.stage = 'certified' THEN s.at END AS cert_at,
               coalesce(s.tgl_daftar,
                        (SELECT min(e.at) FROM stage_event e
                          WHERE e.application_id = s.application_id AND e.status_code = 'OF10'
                            AND e.at < t AND e.observed_at < t)) AS sub_at
          FROM app_state_asof(t) s
         WHERE s.msme_id IS NOT NULL
    ), sc AS MATERIALIZED (
        SELECT g.id AS goal_id, g.metric = 'certified' AS cert,
               wib_midnight(g.start_date) AS w0, least(t, wib_midnight(g.deadline + 1)) AS w1,
               m.id AS msme_id
          FROM goal g
          JOIN msme m ON goal_in_scope(g.scope_kind, g.scope_value, m.kelurahan_code, m.kbli,
                                       m.programs)
    )
    SELECT sc.goal_id, sc.msme_id,
           min(CASE WHEN sc.cert THEN ap.cert_at ELSE ap.sub_at END)
      FROM sc JOIN ap ON ap.msme_id = sc.msme_id
     WHERE CASE WHEN sc.cert THEN ap.cert_at ELSE ap.sub_at END >= sc.w0
       AND CASE WHEN sc.cert THEN ap.cert_at ELSE ap.sub_at END < sc.w1
     GROUP BY sc.goal_id, sc.msme_id
$$;

CREATE FUNCTION goal_progress_at(t timestamptz)
RETURNS TABLE (goal_id bigint, name text, scope_kind text, scope_value text, metric text,
               target int, start_date date, deadline date, done bigint,
               done_week_ago bigint, done_4_weeks_ago bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT g.id, g.name, g.scope_kind, g.scope_value, g.metric, g.target, g.start_date,
           g.deadline,
           count(h.msme_id),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '7 days'),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '28 days')
      FROM goal g LEFT JOIN goal_hits_at(t) h ON h.goal_id = g.id
     GROUP BY g.id
$$;

CREATE VIEW v_goal_progress AS
SELECT p.*, round(100.0 * p.done / p.target, 1) AS percent
  FROM goal_progress_at(now()) p;
