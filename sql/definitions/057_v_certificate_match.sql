-- The stable read API: every candidate pair of a register MSME and a certificate of the
-- public search, with its evidence and its fate (docs/coverage.md). Scoped like the
-- register: a kecamatan reader sees the matches of its kecamatan's MSMEs.
CREATE VIEW v_certificate_match AS
SELECT cm.id AS match_id, m.nib, m.business_name, m.owner_name, m.kelurahan_code,
       pc.no_sert, pc.tgl_sert, pc.nama_pu, pc.reg_prod_name, cm.query, cm.score,
       cm.basis, cm.rivals, cm.decision, cm.status, cm.decided_by, cm.decided_at,
       cm.created_at
  FROM certificate_match cm
  JOIN msme m ON m.id = cm.msme_id
  JOIN public_certificate pc ON pc.id = cm.certificate_id
 WHERE (SELECT read_ok FROM access_scope_mine);
