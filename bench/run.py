#!/usr/bin/env python3
"""The halaltrack benchmark driver (run it through bench/run, which installs and builds).

For each size N: halalsim with about N visible applications, a throwaway PostgreSQL,
then, on the same data and in the same run:
  - the limits: bare HTTP loop (bench/curl_loop) and raw COPY + merge (bench/raw_pg);
  - halaltrackd --once: full initial sync (rate, requests, bytes, wall time, peak RSS);
  - an incremental cycle after ~1% of applications changed (sim clock advanced);
  - CLI latency: status NIB, progress, report weekly (text, html), against count(*);
  - the naive poller on a capped sample, extrapolated;
  - with --switch-matrix, the initial sync once per combination of halalsim's switches
    (status as code/label/mixed x detail denied or not x rows with or without id_reg x one
    host or split authentication: 24), each on a fresh schema, checked against the truth.
N is the office's applications: those on its inquiry list (halalsim's office_visible).
Prints a table and writes bench/results/<date>-<N>.json. Timing is printed, never asserted.
"""
import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SIM_PASSWORD = "bench-sim-password"
EMAIL = "dinkop@pasuruankota.go.id"
# The office's applications (its inquiry list) per MSME in halalsim's default world:
# 2,071 of 10,000 and 10,314 of 50,000 MSMEs at --now 2026-11-28 (measured; calibrated per
# run).
APPS_PER_MSME = 0.207
# The switch combinations of the matrix, in the order of tests/e2e/test_contract.c.
SWITCH_COMBOS = [(sa, deny, noid, split) for sa in ("code", "label", "mixed")
                 for deny in (0, 1) for noid in (0, 1) for split in (0, 1)]


class BenchError(Exception):
    pass


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise BenchError("time budget of this size exhausted")
        return left


def run(cmd, env=None, timeout=None, check=True, capture=True, stdout=None):
    try:
        p = subprocess.run(cmd, env=env, timeout=timeout, text=True,
                           stdout=stdout if stdout else (subprocess.PIPE if capture else None),
                           stderr=subprocess.PIPE if capture else None)
    except subprocess.TimeoutExpired:
        raise BenchError(f"'{' '.join(cmd)}' timed out after {timeout:.0f} s")
    if check and p.returncode != 0:
        raise BenchError(f"'{' '.join(cmd)}' exited {p.returncode}: {(p.stderr or '')[-2000:]}")
    return p


def http(method, url, body=None, timeout=60):
    req = urllib.request.Request(url, data=body, method=method)
    with OPENER.open(req, timeout=timeout) as r:
        return r.read()


def http_to(url, path, timeout=3600):
    """Streams a GET answer into a file."""
    with OPENER.open(urllib.request.Request(url), timeout=timeout) as r, open(path, "wb") as f:
        shutil.copyfileobj(r, f)


# ---- PostgreSQL -------------------------------------------------------------------------
class Pg:
    def __init__(self, src, state):
        self.src, self.state = src, state
        run(["bash", f"{src}/scripts/pgctl", "up", state], timeout=120)
        self.env = dict(os.environ)
        with open(f"{state}/env") as f:
            for line in f:
                m = re.match(r"export (\w+)=(.*)", line.strip())
                if m:
                    self.env[m.group(1)] = m.group(2)
        self.psql_bin = os.path.join(self.env["HT_PG_BIN"], "psql")

    def psql(self, sql, timeout=600):
        p = run([self.psql_bin, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                env=self.env, timeout=timeout)
        return p.stdout.strip()

    def restart_durable(self, profile=False):
        """Restarts the cluster pgctl started with fsync, synchronous_commit and
        full_page_writes on (pgctl's command-line settings would override ALTER SYSTEM);
        profile: with pg_stat_statements loaded."""
        run(["bash", f"{self.src}/scripts/pgctl", "stop", self.state], timeout=120)
        d = self.env["HT_PG_DIR"]
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.env['PGPORT']}"
                f" -c unix_socket_directories={d} -c fsync=on -c synchronous_commit=on"
                f" -c full_page_writes=on -c max_connections=200 -c shared_buffers=256MB")
        if profile:
            opts += (" -c shared_preload_libraries=pg_stat_statements"
                     " -c pg_stat_statements.track=all -c pg_stat_statements.max=2000")
        cmd = [os.path.join(self.env["HT_PG_BIN"], "pg_ctl"), "-w", "-t", "60", "-D",
               f"{d}/data", "-l", f"{d}/log", "-o", opts, "start"]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        run(cmd, timeout=120)

    def down(self):
        run(["bash", f"{self.src}/scripts/pgctl", "down", self.state], timeout=60, check=False)


# ---- halalsim ---------------------------------------------------------------------------
class Sim:
    def __init__(self, binary, env, msmes, workdir, now):
        self.out = open(os.path.join(workdir, "halalsim.out"), "w+")
        self.err = open(os.path.join(workdir, "halalsim.log"), "w")
        senv = dict(env, HALALSIM_PASSWORD=SIM_PASSWORD)
        # --split-hosts opens the second (authentication) port; POST /_sim/switches turns
        # the split on and off (off: both ports authenticate).
        self.proc = subprocess.Popen(
            [binary, "--msmes", str(msmes), "--seed", "1", "--now", now, "--clean-register",
             "--listen", "127.0.0.1:0", "--split-hosts"], stdout=self.out, stderr=self.err,
            env=senv)
        self.msmes = msmes
        t0 = time.monotonic()
        self.url = self.auth_url = None
        while time.monotonic() - t0 < 900:
            if self.proc.poll() is not None:
                raise BenchError(f"halalsim exited {self.proc.returncode}")
            self.out.seek(0)
            text = self.out.read()
            m = re.search(r"halalsim: listening on (http://\S+)", text)
            a = re.search(r"halalsim: auth listening on (http://\S+)", text)
            if m and a:
                self.url, self.auth_url = m.group(1), a.group(1)
                break
            time.sleep(0.1)
        if not self.url:
            raise BenchError("halalsim did not start within 900 s")
        self.startup_s = time.monotonic() - t0
        self.switches("code", 0, 0, 0)  # one host until the matrix splits them

    def get_json(self, path):
        return json.loads(http("GET", self.url + path))

    def stats(self):
        return self.get_json("/_sim/stats")

    def clock(self):
        return self.get_json("/_sim/clock")

    def switches(self, status_as, deny, no_id_reg, split):
        body = json.dumps({"status_as": status_as, "deny_detail": deny,
                           "no_id_reg": bool(no_id_reg), "split_hosts": bool(split)})
        http("POST", self.url + "/_sim/switches", body.encode())

    def advance(self, hours):
        http("POST", f"{self.url}/_sim/advance?hours={hours}", b"")

    def truth(self, path):
        """Streams /_sim/truth into path; returns {id_reg: crc of the line} and the event count."""
        seen, events = {}, 0
        req = urllib.request.Request(self.url + "/_sim/truth")
        with OPENER.open(req, timeout=3600) as r, open(path, "wb") as f:
            for line in r:
                f.write(line)
                i = line.index(b'"id_reg":"') + 10
                seen[line[i:line.index(b'"', i)]] = zlib.crc32(line)
                events += line.count(b'"tanggal":')
        return seen, events

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        self.err.close()


def sim_requests(before, after):
    def get(st, ep):
        return sum(st["requests"].get(ep, {}).values())
    out = {ep: get(after, ep) - get(before, ep)
           for ep in ("authenticate", "inquiry", "fasilitator_search")}
    out["detail"] = sum(get(after, ep) - get(before, ep)
                        for ep in ("detail_reguler", "detail_self_declare"))
    return out


# ---- the daemon -------------------------------------------------------------------------
def write_daemon_conf(workdir, sim_url, concurrency, statement_timeout=None,
                      schema="halaltrack", auth_url="", batch_size=None):
    pwfile = os.path.join(workdir, "api-password")
    with open(pwfile, "w") as f:
        f.write(SIM_PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    conf = os.path.join(workdir, "halaltrackd.conf")
    polls = "\n".join(f"{s} = 7d" for s in (
        "draft", "submitted", "verification", "lph_assignment", "inspection",
        "pph_verification", "fatwa", "issuance", "certified", "returned", "rejected",
        "cancelled", "unknown"))
    with open(conf, "w") as f:
        f.write(f"""# written by bench/run.py
[api]
base_url = {sim_url}
auth_url = {auth_url}
email = {EMAIL}
password_file = {pwfile}
page_size = 100
concurrency = {concurrency}
# the benchmark measures the engine, not the politeness limit (default 20/s)
rate = 1000000
burst = 1000000

[poll]
cycle = 0
# stage re-polls are a configured, separate cost; the incremental cycle measures what a
# change costs, so they are pushed out of the benchmark's window
{polls}

[database]
conninfo =
schema = {schema}
{f"statement_timeout = {statement_timeout}" if statement_timeout else "# statement_timeout: the default"}
{f"batch_size = {batch_size}" if batch_size else "# batch_size: the default"}

[http]
listen = off

[log]
level = warn
""")
    return conf


def run_daemon(binary, conf, env, logpath, timeout):
    """halaltrackd --once; returns wall seconds, exit status and peak RSS (KiB)."""
    with open(logpath, "a") as lf:
        t0 = time.monotonic()
        p = subprocess.Popen([binary, "--once", "-c", conf], env=env, stdout=lf, stderr=lf)
        hwm = 0
        while True:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    m = re.search(r"VmHWM:\s+(\d+)", f.read())
                    if m:
                        hwm = max(hwm, int(m.group(1)))
            except OSError:
                pass
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout:
                p.kill()
                os.wait4(p.pid, 0)
                raise BenchError(f"halaltrackd --once did not finish within {timeout:.0f} s")
            time.sleep(0.05)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    # VmHWM is the daemon's own high-water mark, read every 50 ms until it exits.
    # ru_maxrss of a child forked from this Python process also counts the pre-exec copy
    # of the interpreter, so it is only an upper bound.
    return {"wall_s": round(wall, 3), "exit": p.returncode,
            "peak_rss_kib": hwm if hwm else ru.ru_maxrss, "vmhwm_sampled_kib": hwm,
            "ru_maxrss_kib": ru.ru_maxrss, "user_s": round(ru.ru_utime, 3),
            "sys_s": round(ru.ru_stime, 3)}


def last_sync_run(pg):
    row = pg.psql("SELECT row_to_json(r) FROM (SELECT requests, bytes, items_seen,"
                  " items_changed, details_fetched, events_inserted, quarantined, errors,"
                  " outcome, extract(epoch FROM finished_at - started_at) AS seconds"
                  " FROM halaltrack.sync_run ORDER BY id DESC LIMIT 1) r")
    return json.loads(row) if row else None


def db_counts(pg, schema):
    out = pg.psql(f"SELECT (SELECT count(*) FROM {schema}.application) || ' ' ||"
                  f" (SELECT count(*) FROM {schema}.stage_event)")
    a, e = out.split()
    return int(a), int(e)


# ---- CLI latency ------------------------------------------------------------------------
def time_cmd(cmd, env, runs=5):
    """Median wall time of runs (after one warm-up); hyperfine when installed."""
    hf = shutil.which("hyperfine")
    if hf:
        with tempfile.NamedTemporaryFile(suffix=".json") as tf:
            run([hf, "-N", "--warmup", "1", "--runs", str(runs), "--export-json", tf.name,
                 shlex.join(cmd)], env=env, timeout=3600)
            r = json.load(open(tf.name))["results"][0]
            return {"median_s": round(r["median"], 4), "min_s": round(r["min"], 4),
                    "max_s": round(r["max"], 4), "runs": runs, "tool": "hyperfine"}
    times = []
    for i in range(runs + 1):
        t0 = time.monotonic()
        run(cmd, env=env, timeout=3600, stdout=subprocess.DEVNULL)
        if i:
            times.append(time.monotonic() - t0)
    return {"median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4),
            "max_s": round(max(times), 4), "runs": runs, "tool": "own loop"}


def cli_has(cli, env, name):
    p = run([cli, "--help"], env=env, check=False)
    return re.search(rf"^\s+{name}\s", p.stdout + p.stderr, re.M) is not None


# ---- one size ---------------------------------------------------------------------------
def bench_size(args, n_req, pg, results_dir):
    b = args.build
    bins = {"sim": f"{b}/sim/halalsim", "daemon": f"{b}/daemon/halaltrackd",
            "cli": f"{b}/cli/halaltrack", "raw_pg": f"{b}/bench/raw_pg",
            "curl_loop": f"{b}/bench/curl_loop", "naive": f"{b}/bench/naive_poller"}
    for k, v in bins.items():
        if not os.access(v, os.X_OK):
            raise BenchError(f"missing program '{v}' ({k}); has its part landed on main?")
    dl = Deadline(args.max_minutes * 60 if args.max_minutes else 1800 + n_req * 0.006)
    workdir = tempfile.mkdtemp(prefix=f"halaltrack-bench-{n_req}-")
    env = dict(pg.env, HT_SQLDIR=f"{args.src}/sql", HT_DATADIR=f"{args.src}/etc/reference",
               HT_LOCALEDIR=f"{b}/locale", NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost", LC_ALL="C.UTF-8")
    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "n_requested": n_req, "host": host_info(), "git": git_rev(args.src),
           "postgresql": args.pg_settings, "notes": list(args.note)}

    # The world: calibrate the MSME count once so about n_req applications are visible.
    msmes = max(100, int(n_req / APPS_PER_MSME))
    sim = Sim(bins["sim"], env, msmes, workdir, args.now)
    try:
        vis = sim.stats()["office_visible"]
        if abs(vis - n_req) > 0.03 * n_req:
            sim.stop()
            msmes = max(100, int(msmes * n_req / max(vis, 1)))
            sim = Sim(bins["sim"], env, msmes, workdir, args.now)
        st = sim.stats()
        n = st["office_visible"]
        res["n"] = n
        res["sim"] = {"msmes": msmes, "applications_total": st["applications"],
                      "visible": st["visible"], "office_visible": n,
                      "startup_s": round(sim.startup_s, 2), "url": sim.url}
        env["HALALTRACK_NOW"] = sim.clock()["now"]
        log(f"N={n} (requested {n_req}), {msmes} MSMEs, sim at {sim.url}")

        # Fresh schemas.
        pg.psql("DROP SCHEMA IF EXISTS halaltrack, raw_bench, naive_bench CASCADE")
        for schema in ("halaltrack", "raw_bench", "naive_bench"):
            run([bins["cli"], "--schema", schema, "db", "migrate"], env=env, timeout=600)

        # The register and goals, so the reports have something to report.
        if cli_has(bins["cli"], env, "msme"):
            reg = os.path.join(workdir, "register.csv")
            with open(reg, "wb") as f:
                f.write(http("GET", sim.url + "/_sim/register.csv", timeout=dl.left()))
            t0 = time.monotonic()
            run([bins["cli"], "msme", "import", "--skip-invalid", reg], env=env,
                timeout=dl.left())
            res["register_import_s"] = round(time.monotonic() - t0, 2)
        else:
            res["notes"].append("no 'halaltrack msme' command: register not imported")
        if cli_has(bins["cli"], env, "goal"):
            today = env["HALALTRACK_NOW"][:10]
            start = (datetime.date.fromisoformat(today) - datetime.timedelta(days=180)).isoformat()
            end = (datetime.date.fromisoformat(today) + datetime.timedelta(days=365)).isoformat()
            for name, scope, metric in (("bench-kota", "kota", "certified"),
                                        ("bench-kbli10", "kbli:10", "applied")):
                run([bins["cli"], "goal", "add", f"--name={name}", f"--scope={scope}",
                     f"--metric={metric}", f"--target={max(1, n // 2)}",
                     f"--start={start}", f"--deadline={end}"], env=env, timeout=600)
        else:
            res["notes"].append("no 'halaltrack goal' command: progress has no goals")

        truth0 = os.path.join(workdir, "truth0.jsonl")
        t0 = time.monotonic()
        before, events0 = sim.truth(truth0)
        res["sim"]["events_visible"] = events0
        res["sim"]["truth_dump_s"] = round(time.monotonic() - t0, 2)

        # Limit 1: the simulator's own request rate (bare keep-alive loop, no parsing).
        p = run([bins["curl_loop"], "--base", sim.url, "--ids", truth0, "--parallel",
                 str(args.concurrency)], env=dict(env, HALALSIM_PASSWORD=SIM_PASSWORD),
                timeout=dl.left())
        http_lim = json.loads(p.stdout)
        http_lim["applications_per_s"] = round(n / http_lim["all"]["seconds"], 1)
        res["limit_http"] = http_lim
        log(f"limit http: {http_lim['all']['requests_per_s']} req/s,"
            f" {http_lim['applications_per_s']} apps/s")

        # Limit 2: raw PostgreSQL write rate (COPY + one merge of the same rows).
        # Above 200k the warm-up pass (a full extra write) costs minutes; the register
        # import has warmed the cluster by then.
        p = run([bins["raw_pg"], "--truth", truth0, "--schema", "raw_bench"] +
                (["--no-warmup"] if n > 200000 else []), env=env, timeout=dl.left())
        pg_lim = json.loads(p.stdout)
        res["limit_pg"] = pg_lim
        log(f"limit pg: {pg_lim['initial']['applications_per_s']} apps/s"
            f" ({pg_lim['initial']['rows_per_s']} rows/s)")

        # The daemon: full initial sync.
        conf = write_daemon_conf(workdir, sim.url, args.concurrency,
                                 batch_size=args.batch_size)
        res["daemon_batch_size"] = args.batch_size or "default"
        dlog = os.path.join(workdir, "halaltrackd.log")
        if args.profile:
            pg.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public;"
                    " SELECT public.pg_stat_statements_reset()")
        s0 = sim.stats()
        full = run_daemon(bins["daemon"], conf, env, dlog, dl.left())
        s1 = sim.stats()
        if args.profile:
            res["profile_full_sync"] = profile_statements(pg)
        full["sim_requests"] = sim_requests(s0, s1)
        full["sync_run"] = last_sync_run(pg)
        full["requests"] = sum(full["sim_requests"].values())
        full["bytes"] = (full["sync_run"] or {}).get("bytes")
        full["applications_per_s"] = round(n / full["wall_s"], 1)
        apps, evs = db_counts(pg, "halaltrack")
        full["verified"] = {"applications": apps, "expected_applications": n,
                            "events": evs, "expected_events": events0,
                            "complete": apps == n and evs == events0}
        res["full_sync"] = full
        log(f"full sync: {full['wall_s']} s, {full['applications_per_s']} apps/s,"
            f" {full['requests']} requests, peak RSS {full['peak_rss_kib']} KiB,"
            f" exit {full['exit']}, complete={full['verified']['complete']}")
        if full["exit"] != 0:
            res["notes"].append(f"halaltrackd --once exited {full['exit']} (log {dlog})")

        if args.ab_build:
            res["ab"] = ab_syncs(args, pg, bins, conf, env, workdir, n, events0, dl)

        if args.sync_only:
            res["notes"].append("--sync-only: no naive or afternoon poller, incremental"
                                " cycle or CLI latency in this run")
            return finish_size(args, res, sim, workdir, results_dir, n_req)

        # The naive poller on a capped sample, extrapolated.
        limit = min(args.naive_limit, n)
        p = run([bins["naive"], "--base", sim.url, "--limit", str(limit), "--schema",
                 "naive_bench"], env=dict(env, HALALSIM_PASSWORD=SIM_PASSWORD),
                timeout=dl.left())
        naive = json.loads(p.stdout)
        naive["extrapolated_seconds_for_n"] = round(n / naive["applications_per_s"], 1)
        naive["extrapolated"] = limit < n
        naive["events_per_application_sample"] = round(
            naive["events"] / max(1, naive["sample_applications"]), 2)
        naive["events_per_application_all"] = round(events0 / max(1, n), 2)
        res["naive"] = naive
        log(f"naive: {naive['applications_per_s']} apps/s on {limit}"
            f"{' (extrapolated)' if limit < n else ''}")

        # The afternoon poller (one upsert per application) on the same sample.
        p = run([bins["naive"], "--afternoon", "--base", sim.url, "--limit", str(limit),
                 "--schema", "naive_bench"], env=dict(env, HALALSIM_PASSWORD=SIM_PASSWORD),
                timeout=dl.left())
        aft = json.loads(p.stdout)
        aft["extrapolated_seconds_for_n"] = round(n / aft["applications_per_s"], 1)
        aft["extrapolated"] = limit < n
        res["afternoon"] = aft
        log(f"afternoon: {aft['applications_per_s']} apps/s on {limit}"
            f"{' (extrapolated)' if limit < n else ''}")

        # Incremental: advance the clock until at least 1% of applications changed.
        inc = incremental(args, sim, pg, bins, conf, env, dlog, workdir, before, n, dl)
        res["incremental"] = inc
        # The reports' "now": just after the week (Asia/Jakarta) in which the rows were
        # observed (real time: the daemon stamps observed_at with the database clock)
        # ends, so `report weekly` (the last complete week) always covers the synced week,
        # whatever the hour of the run. Events the simulator dated later are in the
        # database too; the reports' as-of filters leave them out.
        env["HALALTRACK_NOW"] = report_now()
        res["halaltrack_now"] = env["HALALTRACK_NOW"]

        # CLI latency against a sequential count(*) on the final data.
        res["cli"] = cli_latency(bins["cli"], env, pg, workdir, dl)

        # The initial sync in every combination of the switches (a fresh schema each).
        if args.switch_matrix and n <= args.switch_matrix_max:
            res["switch_matrix"] = switch_matrix(args, sim, pg, bins, env, workdir, dl)
    except BaseException:
        sim.stop()
        raise
    return finish_size(args, res, sim, workdir, results_dir, n_req)


def ab_syncs(args, pg, bins, conf, env, workdir, n, events0, dl):
    """The full sync again, alternately with another build's daemon (--ab-build) and this
    one's, each time on the sync's tables emptied (the register, goals and programmes
    stay): both daemons against the same limits, minutes apart on the same data."""
    other = os.path.join(args.ab_build, "daemon", "halaltrackd")
    if not os.access(other, os.X_OK):
        raise BenchError(f"missing program '{other}' (--ab-build)")
    out = []
    for rnd in range(args.ab_rounds):
        for label, daemon in (("other", other), ("this", bins["daemon"])):
            pg.psql("SET search_path = halaltrack; TRUNCATE application, stage_event,"
                    " quarantine, sync_run, budget_grant, change_log, change_pending"
                    " CASCADE; DELETE FROM sync_state")
            pg.psql("CHECKPOINT")
            dlog = os.path.join(workdir, f"halaltrackd-ab-{label}-{rnd}.log")
            r = run_daemon(daemon, conf, env, dlog, dl.left())
            apps, evs = db_counts(pg, "halaltrack")
            row = {"round": rnd + 1, "daemon": label, "wall_s": r["wall_s"],
                   "applications_per_s": round(n / r["wall_s"], 1),
                   "peak_rss_kib": r["peak_rss_kib"], "exit": r["exit"],
                   "complete": apps == n and evs == events0,
                   "load_avg": os.getloadavg()[0]}
            log(f"a/b round {rnd + 1} {label}: {r['wall_s']} s,"
                f" {row['applications_per_s']} apps/s, complete={row['complete']}")
            out.append(row)
    return out


def profile_statements(pg):
    """The server's time by statement during the full sync (pg_stat_statements), the
    costliest first."""
    out = pg.psql(
        "SELECT coalesce(json_agg(t), '[]') FROM (SELECT round(total_exec_time) AS ms,"
        " calls, rows, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query"
        " FROM public.pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database"
        " WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'"
        " ORDER BY total_exec_time DESC LIMIT 25) t")
    rows = json.loads(out)
    for r in rows[:12]:
        log(f"  {r['ms']:>8} ms {r['calls']:>7} calls {int(r['wal_bytes']) // 1024:>8} KiB WAL"
            f"  {r['query'][:90]}")
    return rows


def finish_size(args, res, sim, workdir, results_dir, n_req):
    sim.stop()
    res["ratios"], res["targets"] = judge(res)
    shutil.rmtree(workdir, ignore_errors=True) if not args.keep else None
    if args.keep:
        res["workdir"] = workdir
    day = datetime.date.today().isoformat()
    path = os.path.join(results_dir, f"{day}-{n_req}.json")
    with open(path, "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    log(f"wrote {path}")
    return res


def incremental(args, sim, pg, bins, conf, env, dlog, workdir, before, n, dl):
    target = max(1, -(-n // 100))  # ceil(1%)
    hours, total_h, changed, after = 1, 0, 0, None
    truth1 = os.path.join(workdir, "truth1.jsonl")
    steps = 0
    while changed < target and steps < 40:
        dl.left()
        sim.advance(hours)
        total_h += hours
        steps += 1
        after, events1 = sim.truth(truth1)
        changed = sum(1 for k, v in after.items() if before.get(k) != v)
        # Next step: 80% of what the rate so far says is missing (each step costs a full
        # truth dump), at least one hour, so the overshoot stays small.
        if changed == 0:
            hours *= 2
        else:
            hours = max(1, min(int(0.8 * (target - changed) * total_h / changed), total_h))
    new = sum(1 for k in after if k not in before)
    n1 = len(after)
    s0 = sim.stats()
    r = run_daemon(bins["daemon"], conf, env, dlog, dl.left())
    s1 = sim.stats()
    r["sim_requests"] = sim_requests(s0, s1)
    r["sync_run"] = last_sync_run(pg)
    if r["exit"] != 0:
        # A failed cycle is a result (reported as such); to still measure what the cycle
        # costs, it is run again with a 10-minute statement_timeout.
        with open(dlog) as f:
            tail = f.read()[-600:]
        log(f"incremental cycle failed (exit {r['exit']}): {tail.strip()}; retrying with"
            " statement_timeout = 600")
        first = dict(r, log_tail=tail)
        conf2 = write_daemon_conf(workdir, sim.url, args.concurrency, statement_timeout=600)
        s0 = sim.stats()
        r = run_daemon(bins["daemon"], conf2, env, dlog, dl.left())
        s1 = sim.stats()
        r["sim_requests"] = sim_requests(s0, s1)
        r["sync_run"] = last_sync_run(pg)
        r["statement_timeout"] = 600
        r["failed_with_defaults"] = first
    page = 100
    list_bound = -(-n1 // page)
    r.update({
        "advanced_hours": total_h, "n_after": n1, "changed": changed, "new": new,
        "changed_fraction": round(changed / n, 4),
        "list_requests": r["sim_requests"]["inquiry"],
        "detail_requests": r["sim_requests"]["detail"],
        "list_bound": list_bound, "detail_bound": changed,
    })
    apps, evs = db_counts(pg, "halaltrack")
    r["verified"] = {"applications": apps, "expected_applications": n1, "events": evs,
                     "expected_events": events1, "complete": apps == n1 and evs == events1}
    log(f"incremental: {changed} changed ({new} new) after {total_h} h; {r['wall_s']} s,"
        f" list {r['list_requests']} (bound {list_bound}), detail {r['detail_requests']}"
        f" (bound {changed}), complete={r['verified']['complete']}")
    return r


def truth_status(sim, path):
    """The truth's status code per no_daftar (the key every combination has)."""
    out = {}
    http_to(sim.url + "/_sim/truth", path)
    with open(path, "rb") as f:
        for line in f:
            d = json.loads(line)
            out[d["no_daftar"]] = (d["status"], d["detail_denied"])
    return out


def switch_matrix(args, sim, pg, bins, env, workdir, dl):
    """halaltrackd --once on a fresh schema for each of the 24 switch combinations: wall
    time, requests by endpoint, and the check that every application has the truth's status
    and that exactly the refused ones have observed history."""
    rows = []
    for sa, deny, noid, split in SWITCH_COMBOS:
        dl.left()
        sim.switches(sa, 0.3 if deny else 0, noid, split)
        truth = truth_status(sim, os.path.join(workdir, "truth_sw.jsonl"))
        pg.psql("DROP SCHEMA IF EXISTS sw_bench CASCADE")
        run([bins["cli"], "--schema", "sw_bench", "db", "migrate"], env=env, timeout=600)
        conf = write_daemon_conf(workdir, sim.url, args.concurrency, schema="sw_bench",
                                 auth_url=sim.auth_url if split else "")
        s0 = sim.stats()
        r = run_daemon(bins["daemon"], conf, env, os.path.join(workdir, "sw.log"), dl.left())
        s1 = sim.stats()
        got = {}
        for line in pg.psql("SELECT no_daftar || ' ' || status_code || ' ' || history_source"
                            " FROM sw_bench.v_application").splitlines():
            k, code, src = line.split()
            got[k] = (code, src == "observed")
        wrong = sum(1 for k, (code, denied) in truth.items()
                    if k not in got or got[k][0] != code or got[k][1] != denied)
        extra = sum(1 for k in got if k not in truth)
        row = {"status_as": sa, "deny_detail": 0.3 if deny else 0, "no_id_reg": bool(noid),
               "split_hosts": bool(split), "exit": r["exit"], "wall_s": r["wall_s"],
               "peak_rss_kib": r["peak_rss_kib"], "requests": sim_requests(s0, s1),
               "applications": len(got), "expected": len(truth),
               "observed": sum(1 for v in got.values() if v[1]), "wrong": wrong,
               "extra": extra, "equal": r["exit"] == 0 and wrong == 0 and extra == 0}
        rows.append(row)
        log(f"switches {sa} deny={row['deny_detail']} no_id_reg={noid} split={split}:"
            f" {r['wall_s']} s, {sum(row['requests'].values())} requests,"
            f" {row['observed']} observed, equal={row['equal']}")
    pg.psql("DROP SCHEMA IF EXISTS sw_bench CASCADE")
    sim.switches("code", 0, 0, 0)
    return rows


def report_now():
    """Monday 01:00 WIB after the real current time, as ISO 8601 UTC."""
    wib = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)
    monday = (wib - datetime.timedelta(days=wib.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
    return (monday + datetime.timedelta(hours=1 - 7)).strftime("%Y-%m-%dT%H:%M:%SZ")


def cli_latency(cli, env, pg, workdir, dl):
    out = {}
    # Steady state: what autovacuum would have done after the sync's updates, so neither
    # the reports nor the count(*) reference pay for dead rows.
    pg.psql("VACUUM ANALYZE halaltrack.application, halaltrack.stage_event,"
            " halaltrack.msme", timeout=dl.left())
    out["table_bytes"] = json.loads(pg.psql(
        "SELECT json_build_object('application', pg_total_relation_size('halaltrack.application'),"
        " 'stage_event', pg_total_relation_size('halaltrack.stage_event'),"
        " 'msme', pg_total_relation_size('halaltrack.msme'))"))
    nib = pg.psql("SELECT a.nib FROM halaltrack.application a JOIN halaltrack.stage_event e"
                  " ON e.application_id = a.id WHERE a.nib IS NOT NULL"
                  " GROUP BY a.nib ORDER BY count(*) DESC, a.nib LIMIT 1")
    cmds = {"status": [cli, "status", nib], "progress": [cli, "progress"],
            "report_weekly_text": [cli, "report", "weekly", "--format=text"],
            "report_weekly_html": [cli, "report", "weekly", "--format=html"]}
    for name, cmd in cmds.items():
        if not cli_has(cli, env, cmd[1]):
            out[name] = {"missing": True}
            continue
        p = run(cmd, env=env, check=False, timeout=dl.left())
        if p.returncode != 0:
            out[name] = {"exit": p.returncode, "stderr": p.stderr[-500:]}
            continue
        out[name] = time_cmd(cmd, env)
        out[name]["output_bytes"] = len(p.stdout)
    out["status_nib"] = nib
    # The reference: a sequential count(*) over application, as a process (like the CLI)
    # and as the server's own execution time.
    sql = ("SET max_parallel_workers_per_gather = 0; SELECT count(*) FROM halaltrack.application")
    out["count_star"] = time_cmd([pg.psql_bin, "-X", "-q", "-A", "-t", "-c", sql], pg.env)
    ex = pg.psql("SET max_parallel_workers_per_gather = 0; EXPLAIN (ANALYZE, FORMAT JSON)"
                 " SELECT count(*) FROM halaltrack.application")
    out["count_star"]["server_s"] = round(json.loads(ex)[0]["Execution Time"] / 1000, 4)
    return out


def judge(res):
    ratios, targets = {}, []
    full, n = res["full_sync"], res["n"]
    fs = full["applications_per_s"]
    lim_http = res["limit_http"]["applications_per_s"]
    lim_pg = res["limit_pg"]["initial"]["applications_per_s"]
    slower = min(lim_http, lim_pg)
    ratios["full_vs_http_limit"] = round(fs / lim_http, 3)
    ratios["full_vs_pg_limit"] = round(fs / lim_pg, 3)
    ratios["full_vs_slower_limit"] = round(fs / slower, 3)
    targets.append({"target": "full sync >= 0.5 x slower limit", "value":
                    ratios["full_vs_slower_limit"], "met": fs >= 0.5 * slower})
    if "naive" in res:
        ratios["full_vs_naive"] = round(fs / res["naive"]["applications_per_s"], 1)
        targets.append({"target": "full sync >= 20 x naive poller", "value":
                        ratios["full_vs_naive"], "met": ratios["full_vs_naive"] >= 20})
    if "afternoon" in res:
        ratios["full_vs_afternoon"] = round(fs / res["afternoon"]["applications_per_s"], 1)
        targets.append({"target": "full sync >= 10 x afternoon poller (one upsert per"
                                  " application)", "value": ratios["full_vs_afternoon"],
                        "met": ratios["full_vs_afternoon"] >= 10})
    inc = res.get("incremental", {})
    if inc:
        # A bound only counts for a cycle that finished: a failed one used fewer requests.
        done = inc["exit"] == 0
        targets.append({"target": "incremental list requests <= ceil(N/100)",
                        "value": f"{inc['list_requests']} <= {inc['list_bound']}"
                                 + ("" if done else " (cycle failed)"),
                        "met": done and inc["list_requests"] <= inc["list_bound"]})
        targets.append({"target": "incremental detail requests <= changed",
                        "value": f"{inc['detail_requests']} <= {inc['detail_bound']}"
                                 + ("" if done else " (cycle failed)"),
                        "met": done and inc["detail_requests"] <= inc["detail_bound"]})
    if inc:
        ok = "failed_with_defaults" not in inc and inc["exit"] == 0
        targets.append({"target": "incremental cycle completes with the default configuration",
                        "value": "yes" if ok else "no: " + inc.get("failed_with_defaults", inc)
                        .get("log_tail", "").strip()[-200:], "met": ok})
        targets.append({"target": "incremental cycle complete (all applications and events)",
                        "value": inc["verified"]["complete"], "met": inc["verified"]["complete"]})
    rss = full["peak_rss_kib"]
    targets.append({"target": "daemon peak RSS < 64 MiB", "value": f"{rss / 1024:.1f} MiB",
                    "met": rss < 64 * 1024})
    cli = res.get("cli", {})
    cs = cli.get("count_star", {}).get("median_s")
    for k in ("status", "progress", "report_weekly_text", "report_weekly_html"):
        m = cli.get(k, {}).get("median_s")
        if m is not None and cs:
            ratios[f"{k}_vs_count_star"] = round(m / cs, 2)
            targets.append({"target": f"{k} within 3 x count(*)",
                            "value": ratios[f"{k}_vs_count_star"],
                            "met": m <= 3 * cs, "applies_at_1m": True})
    targets.append({"target": "full sync complete (all applications and events)",
                    "value": full["verified"]["complete"], "met": full["verified"]["complete"]})
    sw = res.get("switch_matrix")
    if sw:
        bad = [r for r in sw if not r["equal"]]
        targets.append({"target": "every switch combination equals the truth",
                        "value": f"{len(sw) - len(bad)} of {len(sw)}", "met": not bad})
    return ratios, targets


def host_info():
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1)) // 1024
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else ""
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "mem_mib": mem, "cpu": cpu, "kernel": os.uname().release,
            "load_avg_at_start": os.getloadavg()}


def git_rev(src):
    p = run(["git", "-C", src, "rev-parse", "--short", "HEAD"], check=False)
    return p.stdout.strip()


def print_table(all_res):
    rows = [
        ("applications (N)", lambda r: r["n"]),
        ("full sync wall s", lambda r: r["full_sync"]["wall_s"]),
        ("full sync apps/s", lambda r: r["full_sync"]["applications_per_s"]),
        ("  requests", lambda r: r["full_sync"]["requests"]),
        ("  bytes", lambda r: r["full_sync"]["bytes"]),
        ("  peak RSS MiB", lambda r: round(r["full_sync"]["peak_rss_kib"] / 1024, 1)),
        ("limit HTTP apps/s", lambda r: r["limit_http"]["applications_per_s"]),
        ("limit PG apps/s", lambda r: r["limit_pg"]["initial"]["applications_per_s"]),
        ("naive apps/s", lambda r: r["naive"]["applications_per_s"]),
        ("full / slower limit", lambda r: r["ratios"]["full_vs_slower_limit"]),
        ("full / naive", lambda r: r["ratios"]["full_vs_naive"]),
        ("afternoon apps/s", lambda r: r.get("afternoon", {}).get("applications_per_s", "-")),
        ("full / afternoon", lambda r: r["ratios"].get("full_vs_afternoon", "-")),
        ("incr changed", lambda r: r["incremental"]["changed"]),
        ("incr list req (bound)", lambda r: f"{r['incremental']['list_requests']}"
                                            f" ({r['incremental']['list_bound']})"),
        ("incr detail req (bound)", lambda r: f"{r['incremental']['detail_requests']}"
                                              f" ({r['incremental']['detail_bound']})"),
        ("incr wall s", lambda r: r["incremental"]["wall_s"]),
        ("status ms", lambda r: ms(r["cli"]["status"])),
        ("progress ms", lambda r: ms(r["cli"]["progress"])),
        ("weekly text ms", lambda r: ms(r["cli"]["report_weekly_text"])),
        ("weekly html ms", lambda r: ms(r["cli"]["report_weekly_html"])),
        ("count(*) ms (server)", lambda r: f"{ms(r['cli']['count_star'])}"
                                           f" ({r['cli']['count_star']['server_s'] * 1000:.1f})"),
    ]
    hdr = f"{'':26}" + "".join(f"{r['n_requested']:>18}" for r in all_res)
    print(hdr)
    for name, fn in rows:
        cells = []
        for r in all_res:
            try:
                cells.append(f"{fn(r)!s:>18}")
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append(f"{'-':>18}")
        print(f"{name:26}" + "".join(cells))
    print()
    for r in all_res:
        for s in r.get("switch_matrix", []):
            print(f"N={r['n_requested']}: switches {s['status_as']:5} deny {s['deny_detail']:3}"
                  f" no_id_reg {str(s['no_id_reg']):5} split {str(s['split_hosts']):5}"
                  f" {s['wall_s']:7.2f} s {sum(s['requests'].values()):6} req"
                  f" {s['observed']:6} observed  {'equal' if s['equal'] else 'DIFFERENT'}")
    print()
    for r in all_res:
        for t in r.get("targets", []):
            print(f"N={r['n_requested']}: {'met   ' if t['met'] else 'MISSED'} {t['target']}:"
                  f" {t['value']}")


def ms(d):
    return "-" if "median_s" not in d else f"{d['median_s'] * 1000:.1f}"


def main():
    ap = argparse.ArgumentParser(description="halaltrack benchmark (see docs/performance.md)")
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--naive-limit", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--now", default=None,
                    help="the simulator's start clock (default: this hour; it must not be"
                         " before the real time, since the daemon stamps observed_at with"
                         " the database clock and reports only count what was observed"
                         " before HALALTRACK_NOW)")
    ap.add_argument("--max-minutes", type=float, default=0,
                    help="time budget per size (default 30 min + 6 ms per application)")
    ap.add_argument("--results", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--note", action="append", default=[],
                    help="a note recorded in the JSON (e.g. which branches were measured)")
    ap.add_argument("--switch-matrix", action="store_true",
                    help="also run the initial sync in each of the 24 switch combinations")
    ap.add_argument("--switch-matrix-max", type=int, default=50000,
                    help="only at sizes up to this many applications (default 50000)")
    ap.add_argument("--batch-size", type=int, default=0,
                    help="the daemon's database.batch_size (default: the daemon's default)")
    ap.add_argument("--sync-only", action="store_true",
                    help="the limits and the full sync only (for batch-size comparisons)")
    ap.add_argument("--ab-build", default="",
                    help="another build tree: its daemon's full sync alternates with this"
                         " one's, on the same data and limits (--ab-rounds times each)")
    ap.add_argument("--ab-rounds", type=int, default=2)
    ap.add_argument("--profile", action="store_true",
                    help="load pg_stat_statements and record the full sync's statements")
    ap.add_argument("--no-durable", action="store_true",
                    help="keep scripts/pgctl's fsync=off (default: fsync and synchronous_commit on)")
    args = ap.parse_args()
    if not args.now:
        args.now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:00:00Z")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results_dir = args.results or os.path.join(args.src, "bench", "results")
    os.makedirs(results_dir, exist_ok=True)
    state = tempfile.mkdtemp(prefix="halaltrack-bench-pg-")
    pg = Pg(args.src, state)
    # scripts/pgctl starts a test cluster with fsync off; a deployment keeps it on, and the
    # naive poller's autocommits are bounded by exactly that flush. Durable by default.
    if not args.no_durable:
        pg.restart_durable(profile=args.profile)
    settings = pg.psql("SELECT string_agg(name || '=' || setting, ' ' ORDER BY name)"
                       " FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit',"
                       " 'full_page_writes', 'shared_buffers', 'max_wal_size', 'server_version')")
    log(f"postgresql: {settings}")
    args.pg_settings = settings
    all_res, rc = [], 0
    try:
        for n in sizes:
            try:
                all_res.append(bench_size(args, n, pg, results_dir))
            except (BenchError, OSError, ValueError, KeyError) as e:
                log(f"size {n} failed: {e}")
                rc = 1
    finally:
        pg.down()
        shutil.rmtree(state, ignore_errors=True)
    if all_res:
        print_table(all_res)
    return rc


if __name__ == "__main__":
    sys.exit(main())
