-- Goals on a facilitation programme (issue 14): scope kind 'kode_fac' counts the MSMEs
-- whose applications carry the programme's code. 'program' stays the register's own tag
-- (msme.programs).
ALTER TABLE goal DROP CONSTRAINT goal_scope_kind_check;
ALTER TABLE goal ADD CONSTRAINT goal_scope_kind_check
    CHECK (scope_kind IN ('kota', 'kecamatan', 'kelurahan', 'kbli', 'program', 'kode_fac'));
