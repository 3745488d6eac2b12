-- Applications past their legal limit at instant t: the current legal step (app_step_at)
-- held longer than its limit (a granted extension and a takeover included), in working
-- days from the Jakarta date the step began to the Jakarta date of t. Steps held by the
-- business or the payer (draft, returned, payment) have no limit: the legal clock is
-- paused. SECURITY DEFINER so that readers (v_sla_breach) get it without reading the
-- tables; row-level security still limits a kecamatan reader to its kecamatan
-- (access_scope_mine follows session_user), and `db migrate` pins its search_path.
-- Custom plans: t decides how many rows each step keeps. No JIT: app_step_at carries a
-- history branch that is never run when the maintained answers stand for t, and compiling
-- it cost more than the whole query (0.3 s at 100,000 applications).
CREATE FUNCTION sla_breach_at(t timestamptz)
RETURNS TABLE (application_id bigint, id_reg text, no_daftar text, nib text, msme_id bigint,
               business_name text, kelurahan_code text, kelurahan text, kecamatan text,
               phone text, status_code text, stage text, stage_since timestamptz,
               waits_on text, limit_days int, days_in_step int, days_overdue int,
               step text, step_since timestamptz, path text, extension_days int,
               taken_over boolean, calendar_gaps int[])
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET plan_cache_mode = force_custom_plan
SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT s.application_id, a.id_reg, a.no_daftar::text, a.nib::text, a.msme_id,
           coalesce(m.business_name, a.nama_pu), m.kelurahan_code, kl.name, kc.name, m.phone,
           s.status_code, s.stage, s.stage_since, s.holder, s.allowed_days, s.days_in_step,
           s.days_overdue, s.step, s.step_since, s.path, s.extension_days, s.taken_over,
           s.calendar_gaps
      FROM app_step_at(t) s
      JOIN application a ON a.id = s.application_id
      LEFT JOIN msme m ON m.id = a.msme_id
      LEFT JOIN region kl ON kl.code = m.kelurahan_code
      LEFT JOIN region kc ON kc.code = kl.parent_code
     WHERE s.days_overdue > 0
       AND (SELECT read_ok FROM access_scope_mine);
END $$;
