-- Working days, the rule of lib/calendar.c for every date: Monday to Friday, minus the
-- national holidays of the holiday table, minus its cuti bersama unless cuti_working (by
-- default the setting cuti_bersama = 'working'). workdays_between(d1, d2) counts the days
-- in (d1, d2], so a step begun on Friday and finished on Monday took 1; negative when
-- d2 < d1. A year with no holiday rows counts weekends only: calendar_gaps(d1, d2) names
-- the years of (d1, d2] that have none, so that a report can say so.
CREATE FUNCTION weekdays_upto(d date) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    -- Monday to Friday from 1970-01-05 (a Monday) to d, up to a constant.
    RETURN 5 * ((d - date '1970-01-05') - (((d - date '1970-01-05') % 7) + 7) % 7) / 7
           + least((((d - date '1970-01-05') % 7) + 7) % 7 + 1, 5);

CREATE FUNCTION cuti_bersama_working() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT s.value = 'working' FROM setting s WHERE s.key = 'cuti_bersama'),
                    false);

CREATE FUNCTION workdays_between(d1 date, d2 date, cuti_working boolean DEFAULT NULL)
RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (weekdays_upto(d2) - weekdays_upto(d1)
            - sign(d2 - d1) * (SELECT count(*) FROM holiday h
                                WHERE h.day > least(d1, d2) AND h.day <= greatest(d1, d2)
                                  AND extract(isodow FROM h.day) < 6
                                  AND (h.kind = 'libur_nasional'
                                       OR NOT coalesce(cuti_working, cuti_bersama_working()))
                               ))::int;

CREATE FUNCTION calendar_gaps(d1 date, d2 date) RETURNS int[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(y ORDER BY y), '{}')
              FROM generate_series(extract(year FROM d1 + 1)::int, extract(year FROM d2)::int) y
             WHERE d2 > d1
               AND NOT EXISTS (SELECT 1 FROM holiday h
                                WHERE h.day >= make_date(y, 1, 1)
                                  AND h.day < make_date(y + 1, 1, 1)));
