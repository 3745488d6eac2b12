-- Certificates from the public certificate search, matched to the register (issue 14;
-- docs/coverage.md).
--
-- - msme.reported_certificate: a certificate number the MSME itself reports (register
--   column "sertifikat", `msme add --certificate`); the daemon verifies it against the
--   search (by no_sertifikat) and accepts it as certain.
-- - msme.pubsearch_at: when the daemon last searched the public search for the MSME (its
--   own schedule, [public_search] interval); set when claimed, so two daemons share out
--   the work.
-- - public_certificate: what the search returned (no NIB: a name, product names, the
--   number and date).
-- - certificate_match: a candidate pair with its evidence (the query, the score and what
--   it rests on) and its fate: accepted (automatically above the high threshold, by a
--   person, or a reported number verified), pending (between the thresholds: waits for a
--   person) or rejected (by a person: never proposed again, the pair stays).
ALTER TABLE msme
    ADD COLUMN reported_certificate text
        CHECK (reported_certificate ~ '^[A-Za-z0-9./-]{3,40}$'),
    ADD COLUMN pubsearch_at timestamptz;
CREATE INDEX msme_pubsearch_at_idx ON msme (pubsearch_at NULLS FIRST);

CREATE TABLE public_certificate (
    id            bigserial PRIMARY KEY,
    no_sert       text NOT NULL UNIQUE CHECK (length(no_sert) BETWEEN 1 AND 64),
    tgl_sert      date,
    nama_pu       text CHECK (length(nama_pu) <= 500),
    reg_prod_name text CHECK (length(reg_prod_name) <= 2000),
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    observed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE certificate_match (
    id             bigserial PRIMARY KEY,
    msme_id        bigint NOT NULL REFERENCES msme (id) ON DELETE CASCADE,
    certificate_id bigint NOT NULL REFERENCES public_certificate (id) ON DELETE CASCADE,
    query          text NOT NULL CHECK (length(query) <= 200),
    score          numeric(5, 4) NOT NULL CHECK (score BETWEEN 0 AND 1),
    basis          text NOT NULL CHECK (basis IN ('business', 'owner', 'brand', 'product',
                                                  'reported')),
    rivals         int NOT NULL DEFAULT 0, -- other register MSMEs about as close
    decision       text NOT NULL CHECK (decision IN ('auto', 'review', 'reported')),
    status         text NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by     text CHECK (length(decided_by) <= 100),
    decided_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (msme_id, certificate_id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX certificate_match_status_idx ON certificate_match (status, msme_id);
CREATE INDEX certificate_match_certificate_idx ON certificate_match (certificate_id);
ALTER TABLE certificate_match ENABLE ROW LEVEL SECURITY;
ALTER TABLE certificate_match FORCE ROW LEVEL SECURITY;
