-- self_service_verify(ticket, proof, new_salt, new_kdf, new_verifier): the second half of
-- a self-service lookup. Consumes the ticket self_service_begin gave (once, within its
-- minute, in a later transaction than the one that counted the attempt: a ticket of this
-- transaction is refused) and compares the proof halaltrack-serve computed in C from the
-- code the MSME typed (the code itself never reaches SQL): for an scrypt code
-- SHA-256(proof) with the verifier, for a code issued before (kdf 'sha256') the proof with the verifier, which
-- is then replaced by the scrypt verifier given in new_* (computed by the service with a
-- new salt). A right code clears the NIB's failures, takes the attempt back from the
-- client's, and lets this transaction see that one MSME (an api_request row, see
-- access_scope_mine); the answer is its NIB. Anything else answers NULL: an unknown NIB
-- and a wrong code alike. Only halaltrack-serve's role may execute it.
CREATE FUNCTION self_service_verify(p_ticket uuid, p_proof text, p_new_salt text,
                                    p_new_kdf text, p_new_verifier text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
AS $$
DECLARE
    tk self_service_ticket%ROWTYPE;
    c msme_access_code%ROWTYPE;
    ok boolean := false;
BEGIN
    DELETE FROM self_service_ticket x WHERE x.id = p_ticket AND x.expires_at > clock_timestamp()
    RETURNING * INTO tk;
    -- A ticket of this very transaction has not committed: its attempt is not counted yet.
    IF tk.id IS NULL OR tk.created_xid = pg_current_xact_id() THEN
        RETURN NULL;
    END IF;
    SELECT * INTO c FROM msme_access_code m WHERE m.nib = tk.nib;
    IF c.nib IS NOT NULL AND p_proof ~ '^[0-9a-f]{64}$' THEN
        ok := CASE WHEN c.kdf = 'sha256' THEN c.verifier = p_proof
                   ELSE c.verifier = encode(sha256(convert_to(p_proof, 'UTF8')), 'hex') END;
    END IF;
    IF NOT ok THEN
        RETURN NULL;
    END IF;
    DELETE FROM self_service_attempt a
     WHERE a.subject_key = encode(sha256(convert_to('halaltrack-nib:' || c.nib, 'UTF8')), 'hex');
    UPDATE self_service_attempt a SET failures = greatest(a.failures - 1, 0)
     WHERE a.subject_key = tk.client_key;
    IF c.kdf = 'sha256' AND p_new_verifier IS NOT NULL THEN
        UPDATE msme_access_code m
           SET salt = p_new_salt, kdf = p_new_kdf, verifier = p_new_verifier
         WHERE m.nib = c.nib;
    END IF;
    IF EXISTS (SELECT 1 FROM api_request r WHERE r.backend_pid = pg_backend_pid()) THEN
        RAISE EXCEPTION 'this transaction already has a request scope'
              USING ERRCODE = 'active_sql_transaction';
    END IF;
    INSERT INTO api_request (nib) VALUES (c.nib);
    RETURN c.nib;
END $$;
