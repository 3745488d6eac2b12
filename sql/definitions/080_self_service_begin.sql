-- self_service_begin(nib, client, kdf): the first half of a self-service lookup (issue 10
-- items 4 and 5). halaltrack-serve calls it alone, in a transaction of its own that
-- commits before the answer is computed. A caller that would roll the count back gains
-- nothing: the ticket goes with it, and self_service_verify refuses a ticket of its own
-- transaction (one that has not committed). Under a row lock on both subjects, the NIB
-- and the client address (locked in key order: parallel requests wait for each other and
-- never share a count), it decides whether the attempt may go on:
--   * failures decay: one is forgiven per decay interval without a new failure;
--   * up to `free` failures cost nothing; after that each attempt waits out
--     base * 2^(failures - free) seconds since the last failure, at most `ceiling`
--     (the exponent is clamped: no interval overflows, whatever the count);
--   * NIB: free 5, base 30 s, ceiling 15 min, decay 1 h. Client: free 20, base 30 s,
--     ceiling 15 min, decay 5 min.
-- An admitted attempt counts as a failure at once (self_service_verify takes it back when
-- the code is right) and gets a ticket valid for a minute; a refused one is counted in
-- attempts and blocked and gets retry_after (seconds), no ticket. The salt and kdf are
-- those of the NIB's access code, or a stand-in (p_kdf, a salt derived from the NIB) for
-- a NIB without one, so that the service does the same work for an unknown NIB as for a
-- wrong code. Rows that hold nothing any more are deleted on the way (a bounded table).
-- Only halaltrack-serve's role may execute it (lib/store/roles.c).
CREATE FUNCTION self_service_begin(p_nib text, p_client text, p_kdf text)
RETURNS TABLE (ticket uuid, retry_after int, salt text, kdf text)
LANGUAGE plpgsql SECURITY DEFINER
AS $$
#variable_conflict use_column
DECLARE
    nib_key constant text := encode(sha256(convert_to('halaltrack-nib:' || coalesce(p_nib, ''), 'UTF8')), 'hex');
    client_key constant text := encode(sha256(convert_to('halaltrack-client:' || coalesce(p_client, ''), 'UTF8')), 'hex');
    t timestamptz;
    r record;
    wait_s double precision := 0;
    c msme_access_code%ROWTYPE;
    tk uuid;
BEGIN
    IF length(p_nib) > 32 OR length(p_client) > 64 OR p_kdf !~ '^scrypt:[0-9]{1,10}:[0-9]{1,4}:[0-9]{1,4}$' THEN
        RAISE EXCEPTION 'self_service_begin: malformed argument' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO self_service_attempt AS a (subject_key, kind)
    VALUES (nib_key, 'nib'), (client_key, 'client')
    ON CONFLICT (subject_key) DO NOTHING;
    PERFORM 1 FROM self_service_attempt a
      WHERE a.subject_key IN (nib_key, client_key)
      ORDER BY a.subject_key
        FOR UPDATE;
    -- The time after the locks: what the requests before this one wrote is in the past.
    t := clock_timestamp();
    FOR r IN
        WITH s AS (
            SELECT a.subject_key, a.kind, a.last_failure_at,
                   CASE a.kind WHEN 'nib' THEN 5 ELSE 20 END AS free,
                   greatest(0, a.failures - CASE WHEN a.last_failure_at IS NULL THEN 0 ELSE
                       least(floor(greatest(0, extract(epoch FROM t - a.last_failure_at))
                                   / CASE a.kind WHEN 'nib' THEN 3600 ELSE 300 END),
                             1000000000)::int END) AS eff
              FROM self_service_attempt a
             WHERE a.subject_key IN (nib_key, client_key)
        )
        SELECT s.*, CASE WHEN s.eff < s.free THEN 0
                         ELSE least(900, 30 * power(2::double precision, least(s.eff - s.free, 16)))
                              - extract(epoch FROM t - s.last_failure_at) END AS wait
          FROM s
    LOOP
        wait_s := greatest(wait_s, r.wait);
    END LOOP;
    DELETE FROM self_service_ticket x WHERE x.expires_at < t;
    -- Rows that hold nothing any more (every failure forgiven, no attempt for a day) go,
    -- a hundred at a time: rows for NIBs nobody has, or addresses long gone, do not pile
    -- up (issue 10 item 5). Rows other requests hold are left for later.
    DELETE FROM self_service_attempt x
     WHERE x.ctid IN (
           SELECT y.ctid FROM self_service_attempt y
            WHERE y.last_attempt_at < t - interval '1 day'
              AND (y.last_failure_at IS NULL
                   OR y.failures <= floor(greatest(0, extract(epoch FROM t - y.last_failure_at))
                                          / CASE y.kind WHEN 'nib' THEN 3600 ELSE 300 END))
            LIMIT 100 FOR UPDATE SKIP LOCKED);
    IF wait_s > 0 THEN
        UPDATE self_service_attempt a
           SET attempts = a.attempts + 1, blocked = a.blocked + 1, last_attempt_at = t
         WHERE a.subject_key IN (nib_key, client_key);
        RETURN QUERY SELECT NULL::uuid, ceil(wait_s)::int, NULL::text, NULL::text;
        RETURN;
    END IF;
    UPDATE self_service_attempt a
       SET failures = least(1000000, 1 + greatest(0, a.failures -
               CASE WHEN a.last_failure_at IS NULL THEN 0 ELSE
                   least(floor(greatest(0, extract(epoch FROM t - a.last_failure_at))
                               / CASE a.kind WHEN 'nib' THEN 3600 ELSE 300 END),
                         1000000000)::int END)),
           last_failure_at = t, attempts = a.attempts + 1, last_attempt_at = t
     WHERE a.subject_key IN (nib_key, client_key);
    INSERT INTO self_service_ticket (nib, client_key, expires_at)
    VALUES (p_nib, client_key, t + interval '1 minute') RETURNING id INTO tk;
    SELECT * INTO c FROM msme_access_code m WHERE m.nib = p_nib;
    IF c.nib IS NULL THEN
        RETURN QUERY SELECT tk, 0,
            left(encode(sha256(convert_to('halaltrack-standin-salt:' || p_nib, 'UTF8')), 'hex'), 32),
            p_kdf;
    ELSE
        RETURN QUERY SELECT tk, 0, c.salt, c.kdf;
    END IF;
END $$;
