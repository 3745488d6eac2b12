-- Current waiting party and limit of an application's code (per-code, else per-stage).
-- Internal (not v_*: readers get only the documented views).
CREATE VIEW application_sla AS
SELECT a.id AS application_id,
       a.status_code,
       a.stage,
       a.stage_since,
       coalesce(c.waits_on, d.waits_on) AS waits_on,
       CASE WHEN c.code IS NOT NULL THEN c.limit_days ELSE d.limit_days END AS limit_days,
       d.terminal
  FROM application a
  JOIN stage_def d ON d.stage = a.stage
  LEFT JOIN status_code_def c ON c.code = a.status_code
 WHERE (SELECT read_ok FROM access_scope_mine);
