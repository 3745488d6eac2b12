-- Kecamatan scoping follows role membership (a login role created IN ROLE a kecamatan
-- reader is limited like it). Nothing to create here any more: the rule is the view
-- reader_scope_mine and the policies in sql/definitions/. The file stays so that the
-- migration names recorded in existing databases keep their meaning.
SELECT 1;
