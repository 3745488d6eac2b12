-- The detail batch's claim (lease_owner, lease_until: no index reads either column) can be
-- a heap-only update (HOT) only when the application's page has room for the new row
-- version; at the default fillfactor of 100 the pages list_merge fills have none, so every
-- claim wrote a new entry into each of application's eleven indexes (issue 16,
-- docs/performance.md "The claim"). With a fifth of each page kept free the claim stays on
-- its page and touches no index. Takes effect for pages written from now on (a new
-- database: all of them); an existing table keeps its packed pages until it is rewritten
-- (VACUUM FULL or pg_repack, at a quiet time).
ALTER TABLE application SET (fillfactor = 80);
