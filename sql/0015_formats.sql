-- One SQL implementation of each identifier format: a domain, used by every column that
-- holds one (lib/ident.c is the C implementation; tests/db/test_formats.c feeds both the
-- same cases). Before, each column repeated its own CHECK.
CREATE DOMAIN nib_code AS text CHECK (VALUE ~ '^[0-9]{13}$');
CREATE DOMAIN no_daftar_code AS text CHECK (VALUE ~ '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$');
CREATE DOMAIN certificate_code AS text CHECK (VALUE ~ '^ID[0-9]{17}$');
CREATE DOMAIN channel_code AS text CHECK (VALUE ~ '^CH[0-9]{3}$');

ALTER TABLE msme DROP CONSTRAINT msme_nib_check,
    ALTER COLUMN nib TYPE nib_code;
ALTER TABLE application DROP CONSTRAINT application_nib_check,
    DROP CONSTRAINT application_no_daftar_check,
    DROP CONSTRAINT application_certificate_no_check,
    DROP CONSTRAINT application_channel_id_check,
    ALTER COLUMN nib TYPE nib_code,
    ALTER COLUMN no_daftar TYPE no_daftar_code,
    ALTER COLUMN certificate_no TYPE certificate_code,
    ALTER COLUMN channel_id TYPE channel_code;
