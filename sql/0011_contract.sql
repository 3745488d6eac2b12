-- The national API as a Dinas account sees it (issue 12; docs/national-api.md).
--
-- - The office's list (GET .../inquiry) may not carry id_reg: such an application is keyed
--   by its no_daftar until a row brings its id_reg.
-- - A list row's status may be a label; it is mapped to a code by the daemon before it
--   is staged (status NULL when the label is unknown, status_raw keeps what was sent).
-- - Detail may be denied to the account: the application's history is then built from
--   what the daemon observed on the list. Such events are source 'observed' and carry the
--   uncertainty window of the observation: window_from (last seen in the old status, NULL
--   when unknown) .. at (first seen in the new one), both on upstream's clock (the Date
--   header of its answers), like tracking's times. When the detail becomes readable the
--   upstream tracking replaces them.
-- - The office's facilitation programmes (GET /api/v1/fasilitator/search) get a table.

ALTER TABLE application ALTER COLUMN id_reg DROP NOT NULL;
ALTER TABLE application ADD CONSTRAINT application_key_check
    CHECK (id_reg IS NOT NULL OR no_daftar IS NOT NULL);
CREATE INDEX application_no_daftar_idx ON application (no_daftar);
ALTER TABLE application
    ADD COLUMN kode_fac text,
    -- the detail path that answered last
    ADD COLUMN detail_path text CHECK (detail_path IN ('reguler', 'self_declare')),
    -- when the account was first refused this application's detail (NULL: not refused)
    ADD COLUMN detail_denied_at timestamptz,
    -- the status the list shows (a code), since when, and when the list last showed the
    -- one before it: the window of an observed change
    ADD COLUMN list_status text CHECK (length(list_status) BETWEEN 1 AND 16),
    ADD COLUMN list_status_at timestamptz,
    ADD COLUMN list_status_from timestamptz,
    -- the list's own clock (its Date header) when a sweep last rewrote this row: with
    -- sync_state 'list_seen_through' (the start of the last complete sweep, same clock)
    -- the last time the list is known to have shown list_status (NULL: it never showed
    -- a status that maps)
    ADD COLUMN list_seen_at timestamptz;
CREATE INDEX application_kode_fac_idx ON application (kode_fac);
UPDATE application SET list_status = status_code, list_status_at = first_seen_at;

ALTER TABLE stage_event
    ADD COLUMN source text NOT NULL DEFAULT 'upstream'
        CHECK (source IN ('upstream', 'observed')),
    ADD COLUMN window_from timestamptz,
    ADD CONSTRAINT stage_event_window_check
        CHECK ((source = 'observed' OR window_from IS NULL)
               AND (window_from IS NULL OR window_from <= at));

-- upstream's clock (the Date header) of the answer a quarantined row was read from: a
-- list row whose status did not map is merged at that time by quarantine replay
ALTER TABLE quarantine ADD COLUMN upstream_at timestamptz;

ALTER TABLE list_staging ALTER COLUMN id_reg DROP NOT NULL;
ALTER TABLE list_staging
    ADD COLUMN part smallint NOT NULL DEFAULT 0, -- which facilitation code's pass
    ADD COLUMN kode_fac text,
    ADD COLUMN status_raw text;

-- The office's facilitation programmes, as the Fasilitator's "Registrasi Fasilitasi" lists
-- them. Keyed by the programme's own id, else its code.
CREATE TABLE facilitation_programme (
    id            bigserial PRIMARY KEY,
    prog_key      text NOT NULL UNIQUE CHECK (length(prog_key) BETWEEN 1 AND 200),
    upstream_id   text,
    kode_fac      text,
    tahun         int,
    fac_name      text,
    sumber_biaya  text,
    jenis         text,
    tgl_aktif     date,
    tgl_selesai   date,
    kuota         bigint CHECK (kuota IS NULL OR kuota >= 0),
    sisa          bigint,
    status_code   text CHECK (length(status_code) BETWEEN 1 AND 16),
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    observed_at   timestamptz NOT NULL DEFAULT now(),
    missing_since timestamptz
);
CREATE INDEX facilitation_programme_kode_fac_idx ON facilitation_programme (kode_fac);
