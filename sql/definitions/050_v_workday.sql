-- Working-day numbering: n = working days (Monday-Friday, not a holiday or cuti bersama)
-- up to and including day, so the working days in (d1, d2] are n(d2) - n(d1), the same
-- rule as lib/calendar.c calendar_working_days_between. Covers 2015-2040.
CREATE VIEW v_workday AS
SELECT g.day::date AS day,
       (count(*) FILTER (WHERE extract(isodow FROM g.day) < 6 AND h.day IS NULL)
            OVER (ORDER BY g.day))::int AS n
  FROM generate_series(date '2015-01-01', date '2040-12-31', interval '1 day') AS g(day)
  LEFT JOIN holiday h ON h.day = g.day::date;
