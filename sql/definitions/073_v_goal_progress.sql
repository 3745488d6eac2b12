-- Every goal's progress now, with its percentage of the target.
CREATE VIEW v_goal_progress AS
SELECT p.*, round(100.0 * p.done / p.target, 1) AS percent
  FROM goal_progress_at(now()) p;
