-- api_request_begin(token_hash): the scope of one monitoring request. With the SHA-256 of
-- an active bearer token (halaltrack-serve hashes the token in C; the token itself never
-- reaches SQL), the rest of this transaction sees what the token's scope allows (a row
-- in api_request, read by access_scope_mine: every kecamatan, or one) and the answer is
-- the token's name and scope; with any other value, no row and no scope. A transaction
-- gets one scope: a second call raises. Only halaltrack-serve's role may execute it.
CREATE FUNCTION api_request_begin(p_token_hash text)
RETURNS TABLE (name text, scope_kind text, kecamatan_code text)
LANGUAGE plpgsql SECURITY DEFINER
AS $$
#variable_conflict use_column
DECLARE
    tk api_token%ROWTYPE;
BEGIN
    SELECT * INTO tk FROM api_token x WHERE x.token_hash = p_token_hash AND x.revoked_at IS NULL;
    IF tk.id IS NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM api_request r WHERE r.backend_pid = pg_backend_pid()) THEN
        RAISE EXCEPTION 'this transaction already has a request scope'
              USING ERRCODE = 'active_sql_transaction';
    END IF;
    INSERT INTO api_request (token_id) VALUES (tk.id);
    UPDATE api_token x SET last_used_at = now()
     WHERE x.id = tk.id AND (x.last_used_at IS NULL OR x.last_used_at < now() - interval '1 minute');
    RETURN QUERY SELECT tk.name, tk.scope_kind, tk.kecamatan_code;
END $$;
