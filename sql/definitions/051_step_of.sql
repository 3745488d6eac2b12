-- The legal step a status code stands for on a channel, and who holds the file in it:
-- step_code (generated from lib/steps.c by `db migrate`) by channel key and code, else by
-- the code's stage ('*<stage>': codes mapped from config, or seen on an unexpected path).
CREATE FUNCTION step_of(ch text, code text, stage text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT k.step FROM step_code k
                      WHERE k.channel = channel_key(ch) AND k.code = step_of.code),
                    (SELECT k.step FROM step_code k
                      WHERE k.channel = channel_key(ch) AND k.code = '*' || step_of.stage),
                    'unknown');

CREATE FUNCTION step_holder(ch text, code text, stage text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT k.holder FROM step_code k
                      WHERE k.channel = channel_key(ch) AND k.code = step_holder.code),
                    (SELECT k.holder FROM step_code k
                      WHERE k.channel = channel_key(ch) AND k.code = '*' || step_holder.stage),
                    'none');
