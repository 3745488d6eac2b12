-- Applications past their legal limit now (see sla_breach_at).
CREATE VIEW v_sla_breach AS SELECT * FROM sla_breach_at(now());
