-- The stable read API: every stage event, oldest first per application.
CREATE VIEW v_stage_event AS
SELECT a.id_reg, e.status_code, e.stage, e.at, e.observed_at
FROM stage_event e JOIN application a ON a.id = e.application_id
WHERE (SELECT read_ok FROM access_scope_mine);
