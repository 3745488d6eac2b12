-- A closed week's report, stored once (issue 16): regenerating a past week is a lookup that
-- returns these bytes. Keyed by everything that changes the bytes: the week, the format
-- (PDF is printed from the stored HTML), the language, the scope of the session that
-- generated it (weekly_scope_mine(): 'kota', or the kecamatan it may see, or one MSME)
-- and the office's name printed in it. docs/reports.md, "Closed weeks".
CREATE TABLE weekly_snapshot (
    week        text NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
    format      text NOT NULL CHECK (format IN ('text', 'csv', 'json', 'html')),
    lang        text NOT NULL CHECK (lang IN ('id', 'en')),
    scope       text NOT NULL CHECK (scope ~ '^(kota|kecamatan:[0-9.,]*|msme:[0-9]+)$'),
    office      text NOT NULL,
    as_of       timestamptz NOT NULL,
    body        text NOT NULL,
    totals      text NOT NULL,
    totals_hash text NOT NULL CHECK (totals_hash ~ '^[0-9a-f]{64}$'),
    stored_at   timestamptz NOT NULL DEFAULT now(),
    stored_by   text NOT NULL DEFAULT session_user,
    replaced    int NOT NULL DEFAULT 0 CHECK (replaced >= 0),
    PRIMARY KEY (week, format, lang, scope, office)
);
-- A session reads and writes only the snapshots of its own scope (the policy:
-- sql/definitions/090_row_level_security.sql).
ALTER TABLE weekly_snapshot ENABLE ROW LEVEL SECURITY;
ALTER TABLE weekly_snapshot FORCE ROW LEVEL SECURITY;
