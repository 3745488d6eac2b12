-- Retention: deletes the rows that only grow and are no longer needed, older than the
-- given ages (NULL: keep that table's rows for ever; an age under one day counts as one
-- day): budget_grant (the shared budget's grant log), sync_run (finished cycles),
-- quarantine (resolved rows; open ones stay whatever their age) and
-- self_service_attempt (throttle rows of NIBs and client addresses with no attempt and no
-- failure for that long; self_service_begin also deletes rows that hold nothing any more)
-- and expired self-service tickets. Unless p_force,
-- it runs at most once a day per database, whichever daemon asks first (the time is kept
-- in sync_state 'pruned_at'), and returns no row when it was not due. The daemon calls it
-- after its cycles with its [retention] settings, `halaltrack db prune` with p_force.
-- SECURITY DEFINER: the daemon may not touch self_service_attempt otherwise; only the
-- daemon role may execute it (lib/store/roles.c).
CREATE FUNCTION prune_history(p_budget_grant interval, p_sync_run interval,
                              p_quarantine interval, p_attempts interval, p_force boolean)
RETURNS TABLE (budget_grant bigint, sync_run bigint, quarantine bigint,
               self_service_attempt bigint)
LANGUAGE plpgsql SECURITY DEFINER
AS $$
#variable_conflict use_column
DECLARE
    day constant interval := interval '1 day';
    n1 bigint := 0;
    n2 bigint := 0;
    n3 bigint := 0;
    n4 bigint := 0;
BEGIN
    IF NOT p_force AND EXISTS (SELECT 1 FROM sync_state
                                WHERE key = 'pruned_at' AND updated_at > now() - day) THEN
        RETURN;
    END IF;
    INSERT INTO sync_state (key, value, updated_at)
    VALUES ('pruned_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;
    IF p_budget_grant IS NOT NULL THEN
        DELETE FROM budget_grant g WHERE g.at < now() - greatest(p_budget_grant, day);
        GET DIAGNOSTICS n1 = ROW_COUNT;
    END IF;
    IF p_sync_run IS NOT NULL THEN
        DELETE FROM sync_run r
         WHERE r.started_at < now() - greatest(p_sync_run, day) AND r.outcome <> 'running';
        GET DIAGNOSTICS n2 = ROW_COUNT;
    END IF;
    IF p_quarantine IS NOT NULL THEN
        DELETE FROM quarantine q
         WHERE q.resolved
           AND coalesce(q.replayed_at, q.created_at) < now() - greatest(p_quarantine, day);
        GET DIAGNOSTICS n3 = ROW_COUNT;
    END IF;
    IF p_attempts IS NOT NULL THEN
        DELETE FROM self_service_attempt a
         WHERE greatest(a.last_attempt_at, coalesce(a.last_failure_at, '-infinity'))
               < now() - greatest(p_attempts, day);
        GET DIAGNOSTICS n4 = ROW_COUNT;
        -- Tickets of lookups that never came back (self_service_begin deletes them too).
        DELETE FROM self_service_ticket t WHERE t.expires_at < now();
    END IF;
    RETURN QUERY SELECT n1, n2, n3, n4;
END $$;
