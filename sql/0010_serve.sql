-- halaltrack-serve (issue 15, issue 10 items 4-6): access codes in a table of their own,
-- the self-service throttle per NIB and per client address with one-use tickets, bearer
-- tokens for monitoring applications, the per-request scope row that row-level security
-- reads for the service's role, and the commit-ordered change log. The functions, the
-- triggers and the policies are in sql/definitions/ (080-089, 015, 090).

-- Access codes leave msme: the service reads a salt by NIB before it knows which MSME
-- the caller may see, and msme is under row-level security. Only the owner reads this
-- table (lib/store/roles.c). kdf names how verifier was made:
--   'scrypt:N:r:p'  verifier = hex(SHA-256(proof)), proof = hex(scrypt(HMAC-SHA-256(
--                   pepper, code), salt)), computed by the service and the CLI in C
--                   (lib/selfservice.c); the pepper never reaches the database;
--   'sha256'        the codes issued before: verifier = hex(SHA-256(salt ':' code)),
--                   still accepted (the service computes it in C) and replaced by an
--                   scrypt verifier at the first lookup that proves the code.
CREATE TABLE msme_access_code (
    nib        text PRIMARY KEY REFERENCES msme (nib) ON UPDATE CASCADE ON DELETE CASCADE,
    salt       text NOT NULL CHECK (salt ~ '^[0-9a-f]{2,128}$'),
    kdf        text NOT NULL CHECK (kdf = 'sha256' OR kdf ~ '^scrypt:[0-9]{1,10}:[0-9]{1,4}:[0-9]{1,4}$'),
    verifier   text NOT NULL CHECK (verifier ~ '^[0-9a-f]{64}$'),
    issued_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO msme_access_code (nib, salt, kdf, verifier, issued_at)
SELECT nib, lower(access_code_salt), 'sha256', access_code_hash, updated_at
  FROM msme
 WHERE access_code_hash ~ '^[0-9a-f]{64}$' AND lower(access_code_salt) ~ '^[0-9a-f]{2,128}$';
ALTER TABLE msme DROP COLUMN access_code_hash, DROP COLUMN access_code_salt,
                 DROP COLUMN access_failures, DROP COLUMN access_blocked_until;

-- The throttle: one row per subject, a NIB or a client address, both as a SHA-256 of a
-- prefixed text so that the table names no NIB and no address. failures decay (one per
-- subject's decay interval without a failure), attempts and blocked count every request.
ALTER TABLE self_service_attempt RENAME COLUMN nib_key TO subject_key;
ALTER TABLE self_service_attempt
    ADD COLUMN kind text NOT NULL DEFAULT 'nib' CHECK (kind IN ('nib', 'client')),
    ADD COLUMN attempts bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN blocked bigint NOT NULL DEFAULT 0 CHECK (blocked >= 0),
    ADD COLUMN last_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX self_service_attempt_last_idx ON self_service_attempt (last_attempt_at);

-- One ticket per admitted attempt (self_service_begin): the proof is checked against it
-- once (self_service_verify), in a later transaction than the one that counted the
-- attempt, so no verification happens without a committed, counted attempt.
CREATE TABLE self_service_ticket (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    nib         text NOT NULL,
    client_key  text NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX self_service_ticket_expires_idx ON self_service_ticket (expires_at);

-- Bearer tokens of monitoring applications: only the SHA-256 of the token is kept.
CREATE TABLE api_token (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    token_hash     text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    scope_kind     text NOT NULL CHECK (scope_kind IN ('kota', 'kecamatan')),
    kecamatan_code text REFERENCES region (code),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    CHECK ((scope_kind = 'kecamatan') = (kecamatan_code IS NOT NULL))
);
CREATE UNIQUE INDEX api_token_active_name_idx ON api_token (name) WHERE revoked_at IS NULL;

-- The scope of the service's current request: one row, inserted by api_request_begin
-- (a bearer token) or self_service_verify (a proven access code), visible only to the
-- transaction that inserted it and deleted by a deferred trigger before that transaction
-- commits (sql/definitions/083). access_scope_mine reads it for members of the roles in
-- request_scoped_role; without a row they see nothing.
CREATE TABLE api_request (
    id          bigserial PRIMARY KEY,
    backend_pid int NOT NULL DEFAULT pg_backend_pid(),
    token_id    bigint REFERENCES api_token (id),
    nib         text,
    CHECK ((token_id IS NULL) <> (nib IS NULL))
);
CREATE TABLE request_scoped_role (
    role_name text PRIMARY KEY CHECK (role_name ~ '^[a-z][a-z0-9_]{0,62}$')
);

-- The change feed: one row per new or changed application and per new stage event,
-- written by triggers in the writing transaction. seq is given at commit, under a lock
-- on change_counter that is held until the commit completes, so seq grows in commit
-- order: once a reader sees seq n it has seen every seq below n (sql/definitions/086).
CREATE TABLE change_log (
    id             bigserial PRIMARY KEY,
    seq            bigint UNIQUE,
    kind           text NOT NULL CHECK (kind IN ('application', 'stage_event')),
    op             text NOT NULL CHECK (op IN ('insert', 'update')),
    ref_id         bigint NOT NULL,
    application_id bigint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX change_log_unnumbered_idx ON change_log (id) WHERE seq IS NULL;
CREATE TABLE change_counter (
    id       int PRIMARY KEY CHECK (id = 1),
    last_seq bigint NOT NULL
);
INSERT INTO change_counter (id, last_seq) VALUES (1, 0);
-- One row per writing transaction while it runs, so that one deferred trigger numbers
-- all of its change_log rows at commit.
CREATE TABLE change_pending (
    xid xid8 PRIMARY KEY
);

ALTER TABLE change_log ENABLE ROW LEVEL SECURITY;
-- Global figures (open quarantine, the last sync) only for unscoped sessions.
ALTER TABLE quarantine ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_run ENABLE ROW LEVEL SECURITY;
