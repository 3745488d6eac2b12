-- The certification path of a channel, from channel_def (generated from lib/steps.c by
-- `db migrate`): reguler (CH001, CH002), self_declare (CH003, CH004), unknown for any
-- other value.
CREATE FUNCTION channel_path(ch text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT c.path FROM channel_def c WHERE c.channel = ch), 'unknown');
