-- The certification path of a channel, from channel_def (generated from lib/steps.c by
-- `db migrate`): reguler (CH001, CH002), self_declare (CH003, CH004), unknown for any
-- other value. channel_key gives the channel's key in step_code: itself, or '*'.
CREATE FUNCTION channel_path(ch text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT c.path FROM channel_def c WHERE c.channel = ch), 'unknown');

CREATE FUNCTION channel_key(ch text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT c.channel FROM channel_def c WHERE c.channel = ch), '*');
