-- Applications per current stage and path.
CREATE VIEW v_funnel AS
SELECT d.stage, d.ordinal, p.path, count(a.id)::bigint AS applications
  FROM stage_def d
  CROSS JOIN (VALUES ('reguler'), ('self_declare'), ('unknown')) AS p(path)
  LEFT JOIN application a ON a.stage = d.stage AND channel_path(a.channel_id) = p.path
 WHERE (SELECT read_ok FROM access_scope_mine)
 GROUP BY d.stage, d.ordinal, p.path;
