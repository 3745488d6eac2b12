-- A request's scope row never outlives its transaction: this deferred trigger deletes it
-- when the transaction commits (a rollback removes it anyway), so no later transaction,
-- on this connection or another, ever sees it. Set to IMMEDIATE, it deletes the row at
-- once and the request sees nothing: the scope fails closed either way.
CREATE FUNCTION api_request_end() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $$
BEGIN
    DELETE FROM api_request WHERE id = NEW.id;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER api_request_end AFTER INSERT ON api_request
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION api_request_end();
