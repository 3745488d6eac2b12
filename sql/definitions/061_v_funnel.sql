-- Applications per current stage and path (channel_def, the rule of channel_path written
-- out: a function called here would read channel_def with the reader's rights).
CREATE VIEW v_funnel AS
SELECT d.stage, d.ordinal, p.path, count(a.id)::bigint AS applications
  FROM stage_def d
  CROSS JOIN (SELECT DISTINCT c.path FROM channel_def c UNION SELECT 'unknown') AS p(path)
  LEFT JOIN (application a LEFT JOIN channel_def ac ON ac.channel = a.channel_id)
         ON a.stage = d.stage AND coalesce(ac.path, 'unknown') = p.path
 WHERE (SELECT read_ok FROM access_scope_mine)
 GROUP BY d.stage, d.ordinal, p.path;
