-- Why a file whose current legal step (a row of app_step_at) is paused and not terminal
-- (held by the business or the payer) is on the office's action list: a draft never
-- submitted, returned for revision, an invoice the business pays, an invoice the
-- facilitator pays. The weekly report reads it too, over its copy of app_step_at at the
-- week's end.
CREATE FUNCTION action_reason(step text, holder text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN step IN ('draft', 'returned') THEN step
                WHEN holder = 'facilitator' THEN 'facilitator_invoice'
                ELSE 'unpaid_invoice' END;

-- The office's action list at instant t: the files under way whose current legal step is
-- held by the business or the payer (app_step_at: draft, returned, payment), why
-- (action_reason), aged in the office's own working days since the step
-- began (ASN working days: cuti bersama never counts, whatever the setting cuti_bersama
-- says of the legal clocks), with the MSME's phone and kelurahan. The legal clocks of
-- these steps stay paused: the age is a separate measure, not an SLA. Oldest first. No JIT
-- (see sla_breach_at).
CREATE FUNCTION action_list_at(t timestamptz, today date DEFAULT NULL)
RETURNS TABLE (application_id bigint, id_reg text, no_daftar text, nib text, msme_id bigint,
               business_name text, phone text, kelurahan_code text, kelurahan text,
               kecamatan_code text, kecamatan text, channel_id text, status_code text,
               step text, holder text, reason text, since timestamptz, days int,
               calendar_gaps int[])
LANGUAGE sql STABLE
SET jit = off
AS $$
    SELECT s.application_id, a.id_reg, a.no_daftar, a.nib, a.msme_id,
           coalesce(m.business_name, a.nama_pu), m.phone, m.kelurahan_code, kl.name,
           kl.parent_code, kc.name, s.channel_id, s.status_code, s.step, s.holder,
           action_reason(s.step, s.holder),
           s.step_since,
           greatest(workdays_between(wib_date(s.step_since), coalesce(today, wib_date(t)),
                                     false), 0),
           s.calendar_gaps
      FROM app_step_at(t, today) s
      JOIN application a ON a.id = s.application_id
      LEFT JOIN msme m ON m.id = a.msme_id
      LEFT JOIN region kl ON kl.code = m.kelurahan_code
      LEFT JOIN region kc ON kc.code = kl.parent_code
     WHERE s.paused AND NOT s.terminal
     ORDER BY 18 DESC, s.step_since, a.id_reg
$$;
