-- Legal steps per path (issue 13; docs/reports.md "The step model"). Who holds a file and
-- its legal clock are per legal step and per path, no longer per status code: the step
-- tables below, like stage_def and status_code_def, are filled from the C tables
-- (lib/steps.c, lib/stage.c) by every `db migrate` (lib/store/domain.c); nothing else
-- writes them.

-- Settings the reports, the views and the CLI share, copied from the config file by
-- `halaltrack db migrate --config FILE` ([office] name, [calendar] cuti_bersama,
-- [sla] rules; etc/halaltrack.conf.example).
CREATE TABLE setting (
    key   text PRIMARY KEY,
    value text NOT NULL,
    CHECK ((key = 'cuti_bersama' AND value IN ('nonworking', 'working'))
        OR (key = 'sla_rules' AND value IN ('pp42_2024', 'uu6_2023'))
        OR (key = 'office_name' AND length(value) <= 200))
);
INSERT INTO setting (key, value) VALUES
    ('cuti_bersama', 'nonworking'), ('sla_rules', 'pp42_2024'), ('office_name', '');

-- Channels: their path and who pays the invoice.
CREATE TABLE channel_def (
    channel  text PRIMARY KEY,
    path     text NOT NULL,
    payer    text NOT NULL,
    label_id text NOT NULL,
    label_en text NOT NULL
);

-- The legal steps: who holds each, its extension on request, its takeover.
CREATE TABLE step_def (
    step            text PRIMARY KEY,
    ordinal         int  NOT NULL UNIQUE,
    holder          text NOT NULL,
    paused          boolean NOT NULL,
    terminal        boolean NOT NULL,
    extension_days  int  NOT NULL CHECK (extension_days >= 0),
    takeover_holder text,
    takeover_days   int  NOT NULL CHECK (takeover_days >= 0),
    law             text NOT NULL,
    label_id        text NOT NULL,
    label_en        text NOT NULL
);

-- A step's limit in working days under each rule set (setting sla_rules).
CREATE TABLE step_limit (
    step       text NOT NULL REFERENCES step_def (step) ON DELETE CASCADE,
    rules      text NOT NULL,
    limit_days int  NOT NULL CHECK (limit_days > 0),
    PRIMARY KEY (step, rules)
);

-- The step of each code on each channel key (CH001..CH004, '*' for any other channel),
-- and the step of each stage ('*<stage>') for codes the table does not place.
CREATE TABLE step_code (
    channel text NOT NULL,
    code    text NOT NULL,
    step    text NOT NULL REFERENCES step_def (step) DEFERRABLE INITIALLY DEFERRED,
    holder  text NOT NULL,
    PRIMARY KEY (channel, code)
);

-- Extensions granted on request (the LPH's inspection, UU 6/2023 Pasal 31(4)), as the
-- office records them (`halaltrack extension add`): they lengthen the run of the step
-- under way on granted_on.
CREATE TABLE step_extension (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    step           text NOT NULL REFERENCES step_def (step),
    days           int  NOT NULL CHECK (days BETWEEN 1 AND 60),
    granted_on     date NOT NULL,
    note           text CHECK (note IS NULL OR length(note) <= 500),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX step_extension_app_idx ON step_extension (application_id, step);

-- Waiting parties and limits were per stage and per code: gone (the step tables hold
-- them). status_code_def keeps code, stage and the labels, generated like stage_def; the
-- hand-written rows of 0004 are replaced at the end of this migrate.
ALTER TABLE stage_def DROP COLUMN waits_on, DROP COLUMN limit_days;
ALTER TABLE status_code_def DROP COLUMN waits_on, DROP COLUMN limit_days,
    ADD COLUMN paths text, ADD COLUMN label_id text, ADD COLUMN label_en text;
