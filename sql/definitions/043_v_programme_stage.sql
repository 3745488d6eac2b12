-- The stable read API: the applications carrying each facilitation programme's code, by
-- current stage (only the stages that have some). Scoped like v_programme.
CREATE VIEW v_programme_stage AS
SELECT a.kode_fac, a.stage, d.ordinal, count(*) AS applications
  FROM application a
  JOIN stage_def d ON d.stage = a.stage
 WHERE a.kode_fac IN (SELECT p.kode_fac FROM facilitation_programme p)
   AND (SELECT read_ok FROM access_scope_mine)
 GROUP BY a.kode_fac, a.stage, d.ordinal;
