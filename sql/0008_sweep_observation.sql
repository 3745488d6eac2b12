-- A complete list sweep confirms every application it listed without rewriting them.
--
-- Before: list_merge updated every application row on every sweep to bump observed_at, so
-- a sweep of 1M applications rewrote 1M rows (and their WAL) even when nothing changed,
-- and an incremental cycle at 1M ran past the statement timeout. Now list_merge writes only
-- new and changed rows; when the sweep is complete (it saw as many applications as the
-- API's total) it records the sweep's time in sync_state 'observed_through' and marks the
-- few applications the list no longer shows (missing_since). An application's observation
-- time is then the later of its own observed_at (its last detail fetch or change) and the
-- last complete sweep's time, unless the list stopped showing it. The read API computes
-- it: v_application.observed_at, application_observed_at() (sql/definitions/).
-- It also fills application.tgl_daftar from the list (the reports order and count by it).

ALTER TABLE application ADD COLUMN missing_since timestamptz;
