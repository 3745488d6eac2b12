-- stage_event (stage, at) had no reader: no statement of the programs, the views or the
-- functions filters or orders stage_event by its stage (the reports go by status_code and
-- at: stage_event_code_at_idx, stage_event_at_idx; an application's history by
-- stage_event_app_at_idx). At 8M events it held 309 MB and cost 82 of the 760 WAL bytes of
-- each inserted event (11%), bench/stage_event_indexes.py, docs/performance.md "The event
-- merge" (issue 16). The other indexes each have a reader and stay.
DROP INDEX IF EXISTS stage_event_stage_at_idx;
