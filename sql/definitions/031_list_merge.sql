-- Merges one staged sweep into application in one set-based statement. A row is keyed by
-- its id_reg, or by its no_daftar when the list gives no id_reg (an application known by
-- no_daftar first gets its id_reg when a row brings it). New applications are inserted
-- (stage from the given code map, 'unknown' otherwise) and due for a detail fetch at once;
-- known ones whose list fingerprint changed become due. Unchanged rows are not rewritten:
-- when the sweep is complete (it saw as many applications as the API's total) the sweep's
-- time is recorded in sync_state 'observed_through', which confirms them all, and the
-- applications the list no longer shows get missing_since.
--
-- Observed history: for an application whose detail this account may not read (no
-- id_reg, or refused: detail_denied_at), the list is the history. Each change of its
-- status is one event with source 'observed' at p_at, with the window [the last time the
-- list showed the old status, p_at]; a new one without id_reg gets its first event the
-- same way, the window opening at its registration date. Times of the list are on
-- upstream's clock: p_seen is when the sweep began (its first answer's Date), p_at when
-- it ended (its last answer's); every row was read between them. A row whose status did
-- not map (an unknown label or code) confirms nothing: the application is marked
-- unconfirmed (missing_since) until a row with a known status comes.
-- Returns (seen, inserted, changed).
CREATE FUNCTION list_merge(p_run bigint, p_codes text[], p_stages text[], p_complete boolean,
                           p_seen timestamptz DEFAULT now(), p_at timestamptz DEFAULT now(),
                           OUT seen bigint, OUT inserted bigint, OUT changed bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_through timestamptz :=
        (SELECT value::timestamptz FROM sync_state WHERE key = 'list_seen_through');
    r record;
BEGIN
    IF EXISTS (SELECT 1 FROM application WHERE id_reg IS NULL) THEN
        UPDATE application a SET id_reg = s.id_reg
          FROM (SELECT DISTINCT ON (no_daftar) id_reg, no_daftar FROM list_staging
                 WHERE run_id = p_run AND id_reg IS NOT NULL AND no_daftar IS NOT NULL
                 ORDER BY no_daftar, seq DESC) s
         WHERE a.id_reg IS NULL AND a.no_daftar = s.no_daftar
           AND NOT EXISTS (SELECT 1 FROM application b WHERE b.id_reg = s.id_reg);
        -- An application known by its id_reg but not yet by its no_daftar (its rows lacked
        -- it, its detail was not read) and then listed without id_reg was kept a second
        -- time under its no_daftar. Once a row brings both, the second is folded into the
        -- first: its observed events move over (one already there is dropped), the first
        -- takes its no_daftar and the later list state, and is read again when readable.
        FOR r IN SELECT DISTINCT d.id AS dup, b.id AS keep,
                        d.list_status_at IS NOT NULL
                        AND (b.list_status_at IS NULL OR d.list_status_at > b.list_status_at)
                            AS newer
                   FROM list_staging s
                   JOIN application b ON b.id_reg = s.id_reg
                   JOIN application d ON d.id_reg IS NULL AND d.no_daftar = s.no_daftar
                  WHERE s.run_id = p_run AND s.id_reg IS NOT NULL LOOP
            DELETE FROM stage_event e USING stage_event k
             WHERE e.application_id = r.dup AND k.application_id = r.keep
               AND k.status_code = e.status_code AND k.at = e.at;
            UPDATE stage_event SET application_id = r.keep WHERE application_id = r.dup;
            UPDATE application b SET
                no_daftar = coalesce(b.no_daftar, d.no_daftar),
                tgl_daftar = coalesce(b.tgl_daftar, d.tgl_daftar),
                kode_fac = coalesce(b.kode_fac, d.kode_fac),
                list_status = CASE WHEN r.newer THEN d.list_status ELSE b.list_status END,
                list_status_at = CASE WHEN r.newer THEN d.list_status_at
                                      ELSE b.list_status_at END,
                list_status_from = CASE WHEN r.newer THEN d.list_status_from
                                        ELSE b.list_status_from END,
                list_seen_at = greatest(b.list_seen_at, d.list_seen_at),
                status_code = CASE WHEN r.newer AND b.detail_denied_at IS NOT NULL
                                   THEN d.status_code ELSE b.status_code END,
                stage = CASE WHEN r.newer AND b.detail_denied_at IS NOT NULL
                             THEN d.stage ELSE b.stage END,
                stage_since = CASE WHEN r.newer AND b.detail_denied_at IS NOT NULL
                                   THEN d.stage_since ELSE b.stage_since END,
                list_fingerprint = NULL, -- this sweep's row is written over it
                detail_needed = b.detail_needed OR b.detail_denied_at IS NULL,
                next_poll_at = CASE WHEN b.detail_denied_at IS NULL THEN now()
                                    ELSE b.next_poll_at END
              FROM application d
             WHERE b.id = r.keep AND d.id = r.dup;
            DELETE FROM application WHERE id = r.dup;
        END LOOP;
    END IF;
    WITH src AS (
        SELECT DISTINCT ON (coalesce(s.id_reg, 'nd:' || s.no_daftar)) s.*,
               -- A row value's text tells NULL from '' and keeps every position, so no
               -- two different rows share a fingerprint (concat_ws skipped NULLs).
               md5(ROW(s.status, s.no_daftar, s.nib, s.channel_id, s.tgl_daftar,
                       s.nama_pu, s.jenis_daftar, s.jenis_produk, s.kode_fac)::text) AS fp,
               (SELECT c.stage FROM unnest(p_codes, p_stages) AS c(code, stage)
                 WHERE c.code = s.status) AS new_stage
        FROM list_staging s WHERE s.run_id = p_run
        ORDER BY coalesce(s.id_reg, 'nd:' || s.no_daftar), s.seq DESC
    ), j AS (
        SELECT src.*, a.id AS app_id FROM src LEFT JOIN application a ON a.id_reg = src.id_reg
         WHERE src.id_reg IS NOT NULL
        UNION ALL
        SELECT src.*, (SELECT a.id FROM application a WHERE a.no_daftar = src.no_daftar
                        ORDER BY a.id LIMIT 1)
          FROM src WHERE src.id_reg IS NULL
    ), old AS (
        SELECT j.*, a.list_fingerprint AS old_fp, a.status_code AS old_code,
               a.list_status AS old_list, a.missing_since AS old_missing,
               a.tgl_daftar AS old_tgl,
               (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) AS observed,
               -- the last time the list showed a known status: never after p_at; when
               -- it never did, the registration date bounds the change
               (SELECT CASE WHEN x.t IS NOT NULL THEN least(p_at, x.t) END
                  FROM (SELECT CASE WHEN a.missing_since IS NOT NULL
                                    THEN coalesce(a.list_seen_at,
                                                  CASE WHEN a.tgl_daftar <= p_at
                                                       THEN a.tgl_daftar END)
                                    ELSE greatest(a.list_seen_at, v_through) END AS t) x)
                   AS last_seen
          FROM j JOIN application a ON a.id = j.app_id
    ), chg AS (
        SELECT old.*,
               old.new_stage IS NOT NULL AS known,
               old.new_stage IS NOT NULL AND old.status IS DISTINCT FROM old.old_list
                   AS list_moved,
               old.observed AND old.new_stage IS NOT NULL
                   AND old.status IS DISTINCT FROM old.old_code AS obs_moved
          FROM old
         WHERE old.old_fp IS DISTINCT FROM old.fp OR old.old_missing IS NOT NULL
            OR (old.old_tgl IS NULL AND staging_ts(old.tgl_daftar) IS NOT NULL)
            OR (old.observed AND old.new_stage IS NOT NULL
                AND old.status IS DISTINCT FROM old.old_code)
    ), ins AS (
        INSERT INTO application (id_reg, no_daftar, tgl_daftar, nib, msme_id, nama_pu,
                                 channel_id, jenis_daftar, jenis_produk, kode_fac,
                                 status_code, stage, stage_since, list_status,
                                 list_status_at, list_status_from, list_seen_at,
                                 list_fingerprint, detail_needed, next_poll_at,
                                 missing_since)
        SELECT j.id_reg,
               CASE WHEN j.no_daftar ~ '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$' THEN j.no_daftar END,
               staging_ts(j.tgl_daftar),
               CASE WHEN j.nib ~ '^[0-9]{13}$' THEN j.nib END,
               (SELECT id FROM msme WHERE msme.nib = j.nib),
               j.nama_pu,
               CASE WHEN j.channel_id ~ '^CH[0-9]{3}$' THEN j.channel_id END,
               j.jenis_daftar, j.jenis_produk, j.kode_fac,
               coalesce(left(j.status, 16), '?'),
               coalesce(j.new_stage, 'unknown'),
               CASE WHEN j.id_reg IS NULL AND j.new_stage IS NOT NULL THEN p_at END,
               left(j.status, 16), p_at,
               CASE WHEN staging_ts(j.tgl_daftar) <= p_at THEN staging_ts(j.tgl_daftar) END,
               CASE WHEN j.new_stage IS NOT NULL THEN p_seen END, j.fp,
               j.id_reg IS NOT NULL, now(),
               CASE WHEN j.new_stage IS NULL THEN now() END
        FROM j WHERE j.app_id IS NULL
        RETURNING id, id_reg, status_code, stage, list_status_from
    ), first_event AS (
        INSERT INTO stage_event (application_id, status_code, stage, at, source, window_from)
        SELECT ins.id, ins.status_code, ins.stage, p_at, 'observed', ins.list_status_from
          FROM ins WHERE ins.id_reg IS NULL AND ins.stage <> 'unknown'
    ), upd AS (
        -- Whether an application is observed, and its current status, are read from the
        -- row being updated (a.*), not from the statement's snapshot (chg): once the row
        -- lock is granted, the update sees a detail batch of another daemon that committed
        -- meanwhile (it may have made the application readable and moved it). The
        -- observed move is returned from the new row (stage_since = p_at is this sweep's).
        UPDATE application a SET
            list_fingerprint = chg.fp,
            tgl_daftar = coalesce(staging_ts(chg.tgl_daftar), a.tgl_daftar),
            no_daftar = coalesce(a.no_daftar, CASE WHEN chg.no_daftar ~
                                 '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$' THEN chg.no_daftar END),
            kode_fac = coalesce(chg.kode_fac, a.kode_fac),
            missing_since = CASE WHEN chg.known THEN NULL ELSE coalesce(a.missing_since, now()) END,
            list_seen_at = CASE WHEN chg.known THEN p_seen ELSE a.list_seen_at END,
            list_status = CASE WHEN chg.known THEN left(chg.status, 16) ELSE a.list_status END,
            list_status_at = CASE WHEN chg.list_moved THEN p_at ELSE a.list_status_at END,
            list_status_from = CASE WHEN chg.list_moved THEN chg.last_seen
                                    ELSE a.list_status_from END,
            status_code = CASE WHEN (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) AND chg.known
                               AND left(chg.status, 16) IS DISTINCT FROM a.status_code
                               THEN left(chg.status, 16) ELSE a.status_code END,
            stage = CASE WHEN (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) AND chg.known
                               AND left(chg.status, 16) IS DISTINCT FROM a.status_code
                         THEN chg.new_stage ELSE a.stage END,
            stage_since = CASE WHEN (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) AND chg.known
                               AND left(chg.status, 16) IS DISTINCT FROM a.status_code
                               THEN p_at ELSE a.stage_since END,
            observed_at = CASE WHEN (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) AND chg.known THEN now()
                               ELSE a.observed_at END,
            detail_needed = CASE WHEN (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) THEN a.detail_needed
                                 ELSE a.detail_needed OR chg.old_fp IS DISTINCT FROM chg.fp END,
            next_poll_at = CASE WHEN NOT (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL)
                                     AND chg.old_fp IS DISTINCT FROM chg.fp
                                THEN now() ELSE a.next_poll_at END
          FROM chg WHERE a.id = chg.app_id
        RETURNING a.id,
                  (a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL) AND chg.known AND a.stage_since = p_at
                  AND a.status_code = left(chg.status, 16) AS obs_moved,
                  chg.old_fp IS DISTINCT FROM chg.fp AS fp_moved
    ), obs_event AS (
        INSERT INTO stage_event (application_id, status_code, stage, at, source, window_from)
        SELECT chg.app_id, left(chg.status, 16), chg.new_stage, p_at, 'observed',
               chg.last_seen
          FROM upd JOIN chg ON chg.app_id = upd.id WHERE upd.obs_moved
        ON CONFLICT (application_id, status_code, at) DO NOTHING
    )
    SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd WHERE upd.fp_moved OR upd.obs_moved)
      INTO seen, inserted, changed;
    IF p_complete THEN
        UPDATE application a SET missing_since = now()
         WHERE a.missing_since IS NULL
           AND NOT EXISTS (SELECT 1 FROM list_staging s
                            WHERE s.run_id = p_run AND s.id_reg = a.id_reg)
           AND NOT EXISTS (SELECT 1 FROM list_staging s
                            WHERE s.run_id = p_run AND s.id_reg IS NULL
                              AND s.no_daftar = a.no_daftar);
        INSERT INTO sync_state (key, value, updated_at)
        VALUES ('observed_through', to_char(now() AT TIME ZONE 'UTC',
                                            'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), now()),
               ('list_seen_through', to_char(p_seen AT TIME ZONE 'UTC',
                                             'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), now())
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;
    END IF;
END $$;
