-- The stable read API: the office's facilitation programmes and how many applications
-- use each one's code (its quota used so far: applications counts every one the list
-- showed with that kode_fac, certified those certified). The counts are of the
-- applications the reader may see (row-level security scopes a kecamatan reader); like
-- every view over the register, it returns nothing when it cannot enforce that scope
-- (access_scope_mine.read_ok).
CREATE VIEW v_programme AS
SELECT p.kode_fac, p.tahun, p.fac_name, p.sumber_biaya, p.jenis, p.tgl_aktif,
       p.tgl_selesai, p.kuota, p.sisa, p.status_code,
       coalesce(u.n, 0) AS applications, coalesce(u.certified, 0) AS certified,
       p.observed_at, p.missing_since
FROM facilitation_programme p
LEFT JOIN (SELECT a.kode_fac, count(*) AS n,
                  count(*) FILTER (WHERE a.stage = 'certified') AS certified
             FROM application a WHERE a.kode_fac IS NOT NULL GROUP BY a.kode_fac) u
       ON u.kode_fac = p.kode_fac
WHERE (SELECT read_ok FROM access_scope_mine);
