-- Applications past their legal limit at instant t: working days in the current step
-- (from the Jakarta date of stage_since to the Jakarta date of t) above the code's limit.
-- Steps waiting on the MSME (returned, payment) have no limit: the legal clock is paused.
-- SECURITY DEFINER so that readers (v_sla_breach) get it without reading the tables;
-- row-level security still limits a kecamatan reader to its kecamatan (access_scope_mine
-- follows session_user), and `db migrate` pins its search_path. Custom plans: t decides
-- how many rows each step keeps.
CREATE FUNCTION sla_breach_at(t timestamptz)
RETURNS TABLE (application_id bigint, id_reg text, no_daftar text, nib text, msme_id bigint,
               business_name text, kelurahan_code text, kelurahan text, kecamatan text,
               phone text, status_code text, stage text, stage_since timestamptz,
               waits_on text, limit_days int, days_in_step int, days_overdue int)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH c AS MATERIALIZED (SELECT * FROM sla_cutoffs(t)),
    wd AS MATERIALIZED (SELECT * FROM v_workday),
    b AS MATERIALIZED (
        SELECT a.id, a.id_reg, a.no_daftar, a.nib, a.msme_id, a.nama_pu, a.status_code,
               a.stage, a.stage_since, c.waits_on, c.limit_days
          FROM application a
          LEFT JOIN status_code_def k ON k.code = a.status_code
          JOIN c ON c.code_key = coalesce(k.code, '*' || a.stage)
         WHERE a.stage_since < c.before
    )
    SELECT b.id, b.id_reg, b.no_daftar, b.nib, b.msme_id,
           coalesce(m.business_name, b.nama_pu), m.kelurahan_code, kl.name, kc.name, m.phone,
           b.status_code, b.stage, b.stage_since, b.waits_on, b.limit_days,
           (w1.n - w0.n), (w1.n - w0.n) - b.limit_days
      FROM b
      JOIN wd w0 ON w0.day = wib_date(b.stage_since)
      -- A scalar sub-select: one lookup, not one scan of wd per breached application.
      CROSS JOIN (SELECT (SELECT n FROM wd WHERE day = wib_date(t)) AS n) w1
      LEFT JOIN msme m ON m.id = b.msme_id
      LEFT JOIN region kl ON kl.code = m.kelurahan_code
      LEFT JOIN region kc ON kc.code = kl.parent_code
     WHERE (SELECT read_ok FROM access_scope_mine);
END $$;
