-- Link applications to register MSMEs by NIB when the register learns a new NIB.
CREATE FUNCTION msme_link_applications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE application SET msme_id = NEW.id WHERE nib = NEW.nib AND msme_id IS DISTINCT FROM NEW.id;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS msme_link_applications ON msme;
CREATE TRIGGER msme_link_applications AFTER INSERT OR UPDATE OF nib ON msme
    FOR EACH ROW EXECUTE FUNCTION msme_link_applications();
