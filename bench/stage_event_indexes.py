#!/usr/bin/env python3
"""What each index of stage_event costs per insert at millions of rows, and whether
partitioning stage_event by time pays (docs/performance.md, "The event merge").

    bench/stage_event_indexes.py [--rows 8000000] [--insert 100000] [--batch 400]
                                 [--keep-cluster]

Starts a throwaway PostgreSQL (scripts/pgctl), builds a copy of stage_event (its columns,
its unique key and its five secondary indexes, exactly as sql/0001_init.sql and
sql/0004_reports.sql define them; no foreign keys, no row-level security, no trigger, so
only the indexes differ between the runs) holding --rows synthetic events (8 per
application, times spread over two years, 30 status codes), then inserts --insert new
events the way the daemon's batch does (INSERT ... SELECT FROM unnest(...) ON CONFLICT
DO NOTHING, --batch rows per transaction; events of existing applications, recent times)
and times it:
  1. with every index;
  2. then dropping the secondary indexes one at a time (the difference between two
     successive runs is what the dropped index cost);
  3. on a copy partitioned by quarter of `at` (every index, per partition), and the cost
     of one application's history there (one probe per partition) against the plain table.
Each insert run is done twice and the faster one counts (the machine is shared). Prints a
table and one JSON object (written to bench/results/<date>-stage-event-indexes.json).
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SECONDARY = [  # (name, definition) as in sql/0001_init.sql and sql/0004_reports.sql
    ("at", "(at)"),
    ("observed", "(observed_at)"),
    ("stage_at", "(stage, at)"),
    ("code_at", "(status_code, at) INCLUDE (application_id, observed_at)"),
    ("app_at", "(application_id, at DESC, id DESC)"),
]

TABLE = """
CREATE TABLE {t} (
    id              bigint NOT NULL DEFAULT nextval('ev_id'),
    application_id  bigint NOT NULL,
    status_code     text NOT NULL CHECK (length(status_code) BETWEEN 1 AND 16),
    stage           text NOT NULL,
    at              timestamptz NOT NULL,
    observed_at     timestamptz NOT NULL DEFAULT now(),
    actor           text,
    comment         text,
    source          text NOT NULL DEFAULT 'upstream',
    window_from     timestamptz
){part}"""

FILL = """
INSERT INTO {t} (application_id, status_code, stage, at, observed_at, actor, comment)
SELECT a, 'OF' || (10 + 10 * ((a * 7 + k * 13) % 30)), (ARRAY['submitted','verification',
       'lph_assignment','inspection','pph_verification','fatwa','issuance','certified'])[k],
       ts, ts + interval '1 hour', 'user' || (a % 97), 'catatan'
  FROM generate_series(1, {apps}) a, generate_series(1, 8) k,
       LATERAL (SELECT timestamptz '2024-06-01' + make_interval(secs =>
                (a::float8 / {apps}) * 63072000 * 0.9 + k * 86400 * 3) AS ts) x"""

# The daemon's batch insert (lib/store/sync.c events_sql), fed from generated arrays.
INSERT_PROC = """
CREATE PROCEDURE ins(p_t regclass, p_n int, p_batch int, p_apps int, p_seed int)
LANGUAGE plpgsql AS $$
DECLARE i int := 0;
BEGIN
    WHILE i < p_n LOOP
        EXECUTE format($q$
            INSERT INTO %s (application_id, status_code, stage, at, actor, comment)
            SELECT u.a, u.c, u.s, u.t, u.ac, u.co
              FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[],
                          $5::text[], $6::text[]) AS u(a, c, s, t, ac, co)
            ON CONFLICT (application_id, status_code, at) DO NOTHING$q$, p_t)
        USING (SELECT array_agg(1 + ((g * 2654435761::bigint + p_seed) % p_apps)) FROM
                  generate_series(i, i + p_batch - 1) g),
              (SELECT array_agg('OF' || (10 + 10 * (g % 30))) FROM generate_series(i, i + p_batch - 1) g),
              (SELECT array_agg('verification'::text) FROM generate_series(1, p_batch)),
              (SELECT array_agg(timestamptz '2026-11-01' + make_interval(secs => g * 7 + p_seed))
                 FROM generate_series(i, i + p_batch - 1) g),
              (SELECT array_agg('bench'::text) FROM generate_series(1, p_batch)),
              (SELECT array_agg('c'::text) FROM generate_series(1, p_batch));
        COMMIT;
        i := i + p_batch;
    END LOOP;
END $$"""


class PG:
    def __init__(self, state):
        self.state = state
        subprocess.run(["bash", f"{TOP}/scripts/pgctl", "up", state], check=True,
                       stdout=subprocess.DEVNULL)
        self.env = dict(os.environ)
        with open(f"{state}/env") as f:
            for line in f:
                if line.startswith("export "):
                    k, v = line[7:].strip().split("=", 1)
                    self.env[k] = v

    def sql(self, q):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", q],
                           env=self.env, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"stage_event_indexes: {p.stderr.strip()}\n{q[:300]}")
        return p.stdout.strip()

    def down(self):
        subprocess.run(["bash", f"{TOP}/scripts/pgctl", "down", self.state],
                       stdout=subprocess.DEVNULL)


def timed_insert(pg, table, n, batch, apps, seed):
    t0 = time.monotonic()
    pg.sql(f"CALL ins('{table}', {n}, {batch}, {apps}, {seed})")
    return time.monotonic() - t0


def best_of_two(pg, table, n, batch, apps, seed):
    a = timed_insert(pg, table, n, batch, apps, seed)
    b = timed_insert(pg, table, n, batch, apps, seed + 1)
    return min(a, b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=8_000_000)
    ap.add_argument("--insert", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=400)
    ap.add_argument("--keep-cluster", action="store_true")
    args = ap.parse_args()
    apps = max(1, args.rows // 8)
    state = tempfile.mkdtemp(prefix="ht-evidx-")
    pg = PG(state)
    res = {"rows": apps * 8, "insert": args.insert, "batch": args.batch,
           "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
           "load_start": os.getloadavg()[0], "runs": []}
    try:
        pg.sql("SET client_min_messages = warning; CREATE SEQUENCE ev_id;"
               + TABLE.format(t="ev", part="") + ";" + INSERT_PROC)
        t0 = time.monotonic()
        pg.sql(FILL.format(t="ev", apps=apps))
        pg.sql("ALTER TABLE ev ADD PRIMARY KEY (id),"
               " ADD UNIQUE (application_id, status_code, at)")
        for name, d in SECONDARY:
            pg.sql(f"CREATE INDEX ev_{name} ON ev {d}")
        pg.sql("VACUUM ANALYZE ev")
        res["fill_s"] = round(time.monotonic() - t0, 1)
        res["sizes_mb"] = json.loads(pg.sql(
            "SELECT json_object_agg(c.relname, pg_relation_size(c.oid) / 1048576)"
            " FROM pg_class c WHERE c.relname LIKE 'ev%' AND c.relkind IN ('r', 'i')"))
        print(f"stage_event_indexes: {apps * 8} rows in {res['fill_s']} s", file=sys.stderr)
        seed = 1
        prev = None
        dropped = []
        for step in [None] + [n for n, _ in SECONDARY]:
            if step:
                pg.sql(f"DROP INDEX ev_{step}")
                dropped.append(step)
            s = best_of_two(pg, "ev", args.insert, args.batch, apps, seed)
            seed += 2
            run = {"indexes_dropped": list(dropped), "seconds": round(s, 2),
                   "rows_per_s": round(args.insert / s)}
            if prev is not None:
                run["cost_of_" + step + "_s"] = round(prev - s, 2)
                run["cost_of_" + step + "_pct"] = round(100 * (prev - s) / prev, 1)
            res["runs"].append(run)
            print(f"stage_event_indexes: dropped {dropped or '-'}: {s:.2f} s", file=sys.stderr)
            prev = s
        # Partitioned by quarter of `at`, every index per partition.
        pg.sql(TABLE.format(t="evp", part=" PARTITION BY RANGE (at)"))
        q = datetime.date(2024, 4, 1)
        nparts = 0
        while q < datetime.date(2027, 1, 1):
            nq = datetime.date(q.year + (q.month + 2) // 12, (q.month + 2) % 12 + 1, 1)
            pg.sql(f"CREATE TABLE evp_{q:%Y%m} PARTITION OF evp FOR VALUES FROM ('{q}')"
                   f" TO ('{nq}')")
            q = nq
            nparts += 1
        pg.sql("INSERT INTO evp SELECT * FROM ev")
        pg.sql("ALTER TABLE evp ADD PRIMARY KEY (id, at),"
               " ADD UNIQUE (application_id, status_code, at)")
        for name, d in SECONDARY:
            pg.sql(f"CREATE INDEX evp_{name} ON evp {d}")
        pg.sql("VACUUM ANALYZE evp")
        # the plain table again with every index, for the same-moment comparison
        for name, d in SECONDARY:
            pg.sql(f"CREATE INDEX ev_{name} ON ev {d}")
        pg.sql("VACUUM ANALYZE ev")
        plain = best_of_two(pg, "ev", args.insert, args.batch, apps, seed)
        part = best_of_two(pg, "evp", args.insert, args.batch, apps, seed + 2)
        hist = {}
        for t in ("ev", "evp"):
            ex = json.loads(pg.sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM " + t +
                " WHERE application_id = ANY (ARRAY(SELECT 1 + (g * 7919) % " + str(apps) +
                " FROM generate_series(1, 1000) g)) ORDER BY application_id, at DESC, id DESC"))
            hist[t] = round(ex[0]["Execution Time"], 1)
        res["partitioned"] = {"partitions": nparts, "insert_plain_s": round(plain, 2),
                              "insert_partitioned_s": round(part, 2),
                              "history_of_1000_applications_ms": {"plain": hist["ev"],
                                                                  "partitioned": hist["evp"]}}
        print(f"stage_event_indexes: partitioned ({nparts}): insert {part:.2f} s vs"
              f" {plain:.2f} s; 1000 histories {hist['evp']} ms vs {hist['ev']} ms",
              file=sys.stderr)
        res["load_end"] = os.getloadavg()[0]
    finally:
        if not args.keep_cluster:
            pg.down()
    out = os.path.join(TOP, "bench", "results",
                       datetime.date.today().isoformat() + "-stage-event-indexes.json")
    with open(out, "w") as f:
        json.dump(res, f, indent=2)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
