-- The stable read API: the office's facilitation programmes and how many applications
-- use each one's code (its quota used so far: applications counts every one the list
-- showed with that kode_fac, certified those certified; applications_4_weeks_ago those
-- already known four weeks ago, by tgl_daftar else first sight, for the recent rate of
-- use). The counts are of the applications the reader may see (row-level security scopes
-- a kecamatan reader); like every view over the register, it returns nothing when it
-- cannot enforce that scope (access_scope_mine.read_ok).
CREATE VIEW v_programme AS
SELECT p.kode_fac, p.tahun, p.fac_name, p.sumber_biaya, p.jenis, p.tgl_aktif,
       p.tgl_selesai, p.kuota, p.sisa, p.status_code,
       coalesce(u.n, 0) AS applications, coalesce(u.certified, 0) AS certified,
       p.observed_at, p.missing_since,
       coalesce(u.n_4_weeks_ago, 0) AS applications_4_weeks_ago
FROM facilitation_programme p
LEFT JOIN (SELECT a.kode_fac, count(*) AS n,
                  count(*) FILTER (WHERE a.stage = 'certified') AS certified,
                  count(*) FILTER (WHERE coalesce(a.tgl_daftar, a.first_seen_at)
                                         < now() - interval '28 days') AS n_4_weeks_ago
             FROM application a WHERE a.kode_fac IS NOT NULL GROUP BY a.kode_fac) u
       ON u.kode_fac = p.kode_fac
WHERE (SELECT read_ok FROM access_scope_mine);
