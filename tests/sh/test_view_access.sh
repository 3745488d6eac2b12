#!/usr/bin/env bash
# Issue 10, item 10: every view documented in docs/views.md (its "## `v_...`" headings, so a
# new documented view is covered without touching this test) works for every documented
# role, scoped, right after `db migrate` + `db init-roles`, after pg_dump / pg_restore
# --no-owner (before init-roles: the objects belong to a superuser) and after init-roles
# on the restored copy.
#
# For each phase, in one transaction (one now()) and with SET SESSION AUTHORIZATION (so
# session_user is the role, as for its login):
#   * the daemon, the reader and the report role see exactly what a superuser sees;
#   * a kecamatan reader sees exactly what a superuser would see if the register held its
#     kecamatan only (the other kecamatan, unmatched applications and the quarantine
#     deleted in a savepoint); columns the doc says are "NULL for a kecamatan reader" are
#     NULL for it;
#   * a kecamatan reader of a kecamatan without data, and a role granted the views
#     directly but in no group, see what a superuser sees in an empty register;
#   * while the restored objects belong to a superuser, those three get no row at all from
#     any view (fail closed) rather than everything.
# Besides, each role logs in for real and reads each view; the self-service role is refused.
# Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest) and PG* (with-pg, superuser). KEEP=1 leaves the
# databases, roles and the per-phase outputs in /tmp/halaltrack-views.* for a look.
set -euo pipefail

. "$(dirname "$0")/programs.sh"

fail=0
failed() { echo "FAIL: $*"; fail=1; }
p=htva$$                  # role prefix and database names: nothing shared with other tests
db=$p
db2=${p}_restored
tmp=$(mktemp -d /tmp/halaltrack-views.XXXXXX)
logins="d g rep officer officer_c nobody kiosk"
dbs=("$db" "$db2")
for r in $logins camat_a camat_c daemon reader report self_service serve owner; do
    roles+=("${p}_$r")
done
trap cleanup_run EXIT
[ -z "${KEEP:-}" ] || trap - EXIT
pgbin=${HT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}

# ---- the documented views, and their columns that are NULL for a kecamatan reader ----
views=$(sed -n 's/^## `\(v_[a-z_]*\)`.*/\1/p' "$src/docs/views.md")
[ "$(wc -w <<<"$views")" -ge 5 ] || { echo "FAIL: no view headings found in docs/views.md"; exit 1; }
null_cols() { # null_cols VIEW: the columns its section documents as NULL for a kecamatan reader
    awk -v v="$1" '
        /^## / { on = index($0, "`" v "`") > 0; next }
        on && /NULL for a kecamatan reader/ { if (match($0, /`[a-z_]+`/)) print substr($0, RSTART + 1, RLENGTH - 2) }
    ' "$src/docs/views.md" | paste -sd, -
}
grep -q quarantined <<<"$(null_cols v_freshness)" ||
    failed "docs/views.md does not say v_freshness.quarantined is NULL for a kecamatan reader"

# ---- a database with two kecamatan of data, the roles, the login roles ----
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
"$cli" -d "dbname=$db" db migrate >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'EOSQL'
SET search_path = halaltrack;
INSERT INTO msme (nib, business_name, owner_name, phone, kelurahan_code) VALUES
  ('3575010000011', 'Keripik Tempe Bu Sri', 'Sri Wahyuni', '081200000011', '35.75.01.1001'),
  ('3575010000012', 'Sambal Bu Rini', 'Rini Astuti', '081200000012', '35.75.01.1002'),
  ('3575020000021', 'Warung Pak Slamet', 'Slamet Riyadi', '081200000021', '35.75.02.1001');
-- Two applications for the first MSME, one for each other, one of an NIB outside the
-- register; all overdue in verification (a 1-working-day step begun 30 days ago).
INSERT INTO application (id_reg, nib, msme_id, channel_id, status_code, stage, stage_since,
                         tgl_daftar, first_seen_at)
SELECT 'reg-' || m.nib || '-' || k, m.nib, m.id, 'CH003', 'OF11', 'verification',
       now() - interval '30 days', now() - interval '40 days', now() - interval '40 days'
  FROM msme m, generate_series(1, CASE WHEN m.nib = '3575010000011' THEN 2 ELSE 1 END) k;
INSERT INTO application (id_reg, nib, channel_id, status_code, stage, stage_since, tgl_daftar,
                         first_seen_at)
VALUES ('reg-unmatched', '3575990000099', 'CH001', 'OF11', 'verification',
        now() - interval '30 days', now() - interval '40 days', now() - interval '40 days');
INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)
SELECT id, 'OF10', 'submitted', tgl_daftar, tgl_daftar FROM application
UNION ALL SELECT id, 'OF11', 'verification', stage_since, stage_since FROM application;
-- The office's SEHATI programme, which every application uses (v_programme counts them).
UPDATE application SET kode_fac = 'SEHATI26';
INSERT INTO facilitation_programme (prog_key, kode_fac, tahun, fac_name, jenis, kuota,
                                    status_code)
VALUES ('SEHATI26', 'SEHATI26', 2026, 'SEHATI 2026', 'Self Declare', 1350000, 'OF320');
-- Certificates of the public search matched to an MSME of each kecamatan (issue 14:
-- v_certificate_match and v_msme_status.certified_via are scoped like the register).
INSERT INTO public_certificate (no_sert, tgl_sert, nama_pu)
VALUES ('ID35750000000000012', current_date - 10, 'SAMBAL BU RINI'),
       ('ID35750000000000021', current_date - 20, 'SLAMET RIYADI');
INSERT INTO certificate_match (msme_id, certificate_id, query, score, basis, decision,
                               status, decided_by, decided_at)
SELECT m.id, c.id, 'nama_pelaku_usaha=x', 1, 'business', 'auto', 'accepted',
       'halaltrackd (automatic)', now()
  FROM msme m JOIN public_certificate c ON right(c.no_sert, 2) = right(m.nib, 2)
 WHERE m.nib IN ('3575010000012', '3575020000021');
INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)
VALUES ('Semua mengajukan', 'kota', 'applied', 100, current_date - 365, current_date + 365);
INSERT INTO quarantine (source, ref, reason, raw) VALUES ('detail', 'reg-x', 'unknown code', '\x7b7d');
INSERT INTO sync_run (daemon, started_at, finished_at, outcome)
VALUES ('d1', now() - interval '1 hour', now() - interval '59 minutes', 'ok');
EOSQL
init_roles() { # init_roles DB
    "$cli" -d "dbname=$1" db init-roles --prefix=$p --kecamatan-reader=${p}_camat_a:35.75.01 \
        --kecamatan-reader=${p}_camat_c:35.75.03 >/dev/null
}
init_roles "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<EOSQL
CREATE ROLE ${p}_d LOGIN IN ROLE ${p}_daemon;
CREATE ROLE ${p}_g LOGIN IN ROLE ${p}_reader;
CREATE ROLE ${p}_rep LOGIN IN ROLE ${p}_report;
CREATE ROLE ${p}_officer LOGIN IN ROLE ${p}_camat_a;
CREATE ROLE ${p}_officer_c LOGIN IN ROLE ${p}_camat_c;
CREATE ROLE ${p}_kiosk LOGIN IN ROLE ${p}_self_service;
CREATE ROLE ${p}_nobody LOGIN;
GRANT USAGE ON SCHEMA halaltrack TO ${p}_nobody;
GRANT SELECT ON ALL TABLES IN SCHEMA halaltrack TO ${p}_nobody;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA halaltrack TO ${p}_nobody;
EOSQL

# ---- one phase: real logins, then the comparisons in one transaction ----
rows_sql() { # rows_sql VIEW [COLUMNS_TO_DROP]: the view's rows as one canonical jsonb line
    echo "SELECT coalesce(jsonb_agg(x ORDER BY x::text), '[]') FROM (SELECT to_jsonb(t) - '{${2:-}}'::text[] AS x FROM halaltrack.$1 t) s;"
}
world_sql() { # world_sql KECAMATAN: keep only its register (none: keep nothing)
    cat <<EOS
DELETE FROM halaltrack.stage_event e USING halaltrack.application a
 WHERE a.id = e.application_id
   AND NOT EXISTS (SELECT 1 FROM halaltrack.msme m WHERE m.id = a.msme_id AND m.kelurahan_code LIKE '$1.%');
DELETE FROM halaltrack.application a
 WHERE NOT EXISTS (SELECT 1 FROM halaltrack.msme m WHERE m.id = a.msme_id AND m.kelurahan_code LIKE '$1.%');
DELETE FROM halaltrack.msme WHERE kelurahan_code NOT LIKE '$1.%';
DELETE FROM halaltrack.quarantine;
EOS
}
phase() { # phase NAME DB FAIL_CLOSED(0|1)
    local name=$1 d=$2 closed=$3 dir=$tmp/$1 v r out nulls want
    mkdir -p "$dir"
    for v in $views; do
        for r in d g rep officer officer_c nobody; do
            out=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "dbname=$d user=${p}_$r" \
                  -c "SELECT count(*) FROM halaltrack.$v" 2>&1) ||
                failed "$name: ${p}_$r cannot read $v: $out"
        done
        if out=$(psql -X -q -A -t -d "dbname=$d user=${p}_kiosk" -c "SELECT 1 FROM halaltrack.$v" 2>&1); then
            failed "$name: the self-service role reads $v"
        fi
        grep -q "permission denied" <<<"$out" || failed "$name: self-service on $v: $out"
    done
    {
        echo '\set ON_ERROR_STOP on'
        echo 'BEGIN;'
        for v in $views; do
            nulls=$(null_cols "$v")
            echo "\\o $dir/su.$v"; rows_sql "$v"
            echo "\\o $dir/su-nulls.$v"; rows_sql "$v" "$nulls"
            for r in d g rep officer officer_c nobody; do
                echo "SET SESSION AUTHORIZATION ${p}_$r;"
                echo "\\o $dir/$r.$v"; rows_sql "$v"
                echo "\\o $dir/$r-nulls.$v"; rows_sql "$v" "$nulls"
                [ -z "$nulls" ] || {
                    echo "\\o $dir/$r-nullcount.$v"
                    echo "SELECT count(*) FROM halaltrack.$v t WHERE jsonb_strip_nulls(to_jsonb(t)) ?| '{$nulls}';"
                }
                echo "RESET SESSION AUTHORIZATION;"
            done
        done
        for k in 35.75.01 none; do
            echo "SAVEPOINT world;"
            world_sql "$k"
            for v in $views; do
                echo "\\o $dir/world-$k.$v"; rows_sql "$v" "$(null_cols "$v")"
            done
            echo "ROLLBACK TO SAVEPOINT world;"
        done
        echo 'ROLLBACK;'
    } >"$dir/compare.sql"
    psql -X -q -A -t -d "$d" -f "$dir/compare.sql" >"$dir/psql.out" 2>&1 ||
        { failed "$name: the comparison script failed: $(tail -n 3 "$dir/psql.out")"; return; }
    for v in $views; do
        for r in d g rep; do
            cmp -s "$dir/su.$v" "$dir/$r.$v" || failed "$name: ${p}_$r does not see all of $v"
        done
        if [ "$closed" = 1 ]; then
            for r in officer officer_c nobody; do
                [ "$(cat "$dir/$r.$v")" = "[]" ] ||
                    failed "$name: $v is not empty for ${p}_$r: $(head -c 300 "$dir/$r.$v")"
            done
        else
            cmp -s "$dir/world-35.75.01.$v" "$dir/officer-nulls.$v" ||
                failed "$name: the kecamatan reader's $v is not its kecamatan's: $(head -c 300 "$dir/officer-nulls.$v")"
            for r in officer_c nobody; do
                cmp -s "$dir/world-none.$v" "$dir/$r-nulls.$v" ||
                    failed "$name: ${p}_$r sees rows of $v: $(head -c 300 "$dir/$r-nulls.$v")"
            done
        fi
        for r in officer officer_c nobody; do
            [ ! -f "$dir/$r-nullcount.$v" ] || [ "$(cat "$dir/$r-nullcount.$v")" = 0 ] ||
                failed "$name: $v shows ${p}_$r a column documented as NULL for it"
        done
        # The comparisons are not void: the register has rows of two kecamatan.
        if cmp -s "$dir/world-35.75.01.$v" "$dir/su-nulls.$v"; then
            failed "$name: $v looks the same for one kecamatan as for the whole register"
        fi
        if cmp -s "$dir/world-35.75.01.$v" "$dir/world-none.$v"; then
            failed "$name: $v looks the same for one kecamatan as for an empty register"
        fi
    done
}

phase migrated "$db" 0

# ---- dump, restore without owners into a new database, as docs/operations.md says ----
"$pgbin/pg_dump" -Fc -n halaltrack -d "$db" -f "$tmp/dump" || failed "pg_dump"
psql -X -q -d postgres -c "CREATE DATABASE $db2" >/dev/null
"$pgbin/pg_restore" --no-owner --exit-on-error -d "$db2" "$tmp/dump" 2>"$tmp/restore.err" ||
    failed "pg_restore --no-owner: $(tail -n 3 "$tmp/restore.err")"
owner=$(psql -X -A -t -d "$db2" -c "SELECT relowner::regrole FROM pg_class WHERE oid = 'halaltrack.v_msme_status'::regclass")
[ "$owner" = "$(psql -X -A -t -d "$db2" -c 'SELECT current_user')" ] ||
    failed "the restored views belong to '$owner', not to the restoring superuser"
phase restored "$db2" 1
init_roles "$db2"
phase restored+init-roles "$db2" 0

[ $fail -eq 0 ] && echo "PASS: item10 every documented view ($(echo $views)) works for every role, scoped, after migrate + init-roles and after a dump/restore"
exit $fail
