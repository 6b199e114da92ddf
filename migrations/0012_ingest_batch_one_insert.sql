-- 0012: ingest_batch (0010) inserted its instances with one INSERT statement per element. Each statement paid the
-- executor's start and end, and the statement-level trigger of 0011 (instance_stored_notify) ran once per statement:
-- one trigger call, one transition table and one NOTIFY per instance instead of per batch, each read by every LISTEN
-- connection (a batch of 200 sent 200 notifications). Same signature and results. Patients, studies and series are
-- still upserted once per batch, in input order; then all the batch's instances go in ONE statement, in input order
-- (ON CONFLICT DO NOTHING: a later element with the same SOP Instance UID finds the first and is not inserted); the
-- results of inserted elements come from its RETURNING, the others are looked up by the unique index. Measured in the
-- test database (alternating batches, medians): 10 elements 3.80-4.56 ms -> 2.61-3.62 ms, 50 elements 10.31 -> 7.42 ms.

CREATE OR REPLACE FUNCTION ingest_batch(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (ord int, inserted boolean, instance_id uuid, series_id uuid, study_id uuid, stored_sha256 text)
LANGUAGE plpgsql SECURITY INVOKER
AS $$
DECLARE
  r jsonb;
  n int := 0;
  pos int;
  -- What this batch has upserted already (keys include the values that an upsert would merge).
  seen_patient text[] := '{}';
  seen_patient_id uuid[] := '{}';
  seen_study text[] := '{}';
  seen_series text[] := '{}';
  seen_series_id uuid[] := '{}';
  seen_series_study uuid[] := '{}';
  -- The series and study of each element, by its position in p_rows.
  row_series uuid[] := '{}';
  row_study uuid[] := '{}';
  inserted_ids uuid[];
  inserted_uids text[];
  inserted_series uuid[];
  inserted_sha256 text[];
  k text;
  v_patient uuid;
  v_study uuid;
  v_series uuid;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  FOR r IN SELECT value FROM jsonb_array_elements(p_rows) LOOP
    n := n + 1;
    pos := array_position(seen_series, r->>'seriesUid');
    k := concat_ws(chr(1), r->>'studyUid', r->>'modality', r->>'patientKey', r->>'sex', r->>'birthYear');
    IF pos IS NOT NULL AND array_position(seen_study, k) IS NOT NULL THEN
      v_series := seen_series_id[pos];
      v_study := seen_series_study[pos];
    ELSE
      k := concat_ws(chr(1), r->>'patientKey', r->>'sex', r->>'birthYear');
      pos := array_position(seen_patient, k);
      IF pos IS NULL THEN
        INSERT INTO patient AS p (tenant_id, patient_key, sex, birth_year) VALUES (p_tenant, r->>'patientKey', r->>'sex', (r->>'birthYear')::int)
        ON CONFLICT (tenant_id, patient_key) DO UPDATE SET sex = coalesce(p.sex, EXCLUDED.sex), birth_year = coalesce(p.birth_year, EXCLUDED.birth_year)
        RETURNING p.id INTO v_patient;
        seen_patient := seen_patient || k;
        seen_patient_id := seen_patient_id || v_patient;
      ELSE
        v_patient := seen_patient_id[pos];
      END IF;

      INSERT INTO study AS s (tenant_id, patient_id, study_instance_uid, accession, study_date, study_time, description, modalities)
      VALUES (p_tenant, v_patient, r->>'studyUid', r->>'accession', (r->>'studyDate')::date, r->>'studyTime', r->>'studyDescription',
              CASE WHEN r->>'modality' IS NULL THEN '{}'::text[] ELSE ARRAY[r->>'modality'] END)
      ON CONFLICT (tenant_id, study_instance_uid) DO UPDATE SET
        modalities = CASE WHEN EXCLUDED.modalities = '{}'::text[] OR EXCLUDED.modalities[1] = ANY(s.modalities) THEN s.modalities ELSE s.modalities || EXCLUDED.modalities END,
        updated_at = now()
      RETURNING s.id INTO v_study;
      seen_study := seen_study || concat_ws(chr(1), r->>'studyUid', r->>'modality', r->>'patientKey', r->>'sex', r->>'birthYear');

      pos := array_position(seen_series, r->>'seriesUid');
      IF pos IS NULL THEN
        INSERT INTO series AS se (tenant_id, study_id, series_instance_uid, modality, description, series_number, body_part, image_orientation)
        VALUES (p_tenant, v_study, r->>'seriesUid', r->>'modality', r->>'seriesDescription', (r->>'seriesNumber')::int, r->>'bodyPart',
                CASE WHEN jsonb_typeof(r->'orientation') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(r->'orientation')::double precision) END)
        ON CONFLICT (tenant_id, series_instance_uid) DO UPDATE SET last_received_at = now()
        RETURNING se.id INTO v_series;
        seen_series := seen_series || (r->>'seriesUid');
        seen_series_id := seen_series_id || v_series;
        seen_series_study := seen_series_study || v_study;
      ELSE
        v_series := seen_series_id[pos];
      END IF;
    END IF;
    row_series := row_series || v_series;
    row_study := row_study || v_study;
  END LOOP;

  WITH ins AS (
    INSERT INTO instance AS i (tenant_id, series_id, sop_instance_uid, sop_class_uid, instance_number, slice_location, image_position,
                               blob_key, sha256, size_bytes, transfer_syntax, rows, columns, number_of_frames)
    SELECT p_tenant, row_series[e.ord], e.r->>'sopInstanceUid', e.r->>'sopClassUid', (e.r->>'instanceNumber')::int,
           (e.r->>'sliceLocation')::double precision,
           CASE WHEN jsonb_typeof(e.r->'imagePosition') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(e.r->'imagePosition')::double precision) END,
           e.r->>'blobKey', e.r->>'sha256', (e.r->>'sizeBytes')::bigint, e.r->>'transferSyntax', (e.r->>'rows')::int, (e.r->>'columns')::int,
           (e.r->>'numberOfFrames')::int
      FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS e(r, ord)
     ORDER BY e.ord
    ON CONFLICT (tenant_id, sop_instance_uid) DO NOTHING
    RETURNING i.id, i.sop_instance_uid, i.series_id, i.sha256
  )
  SELECT coalesce(array_agg(ins.id), '{}'), coalesce(array_agg(ins.sop_instance_uid), '{}'), coalesce(array_agg(ins.series_id), '{}'),
         coalesce(array_agg(ins.sha256), '{}')
    INTO inserted_ids, inserted_uids, inserted_series, inserted_sha256
    FROM ins;

  -- Each series' new instances counted once (its row is locked by this transaction already, by its upsert above).
  FOR pos IN 1 .. coalesce(array_length(seen_series_id, 1), 0) LOOP
    n := (SELECT count(*) FROM unnest(inserted_series) AS s(id) WHERE s.id = seen_series_id[pos]);
    IF n > 0 THEN
      UPDATE series x SET instance_count = x.instance_count + n, status = 'RECEIVING', last_received_at = now()
       WHERE x.tenant_id = p_tenant AND x.id = seen_series_id[pos];
    END IF;
  END LOOP;

  -- One row per element: inserted by this call (only the first element of a UID; a later one answers with it), or
  -- the copy stored before the call (looked up by the unique (tenant_id, sop_instance_uid) index).
  RETURN QUERY
    WITH e AS (
      SELECT el.ord::int AS ord, el.r->>'sopInstanceUid' AS uid, min(el.ord) OVER (PARTITION BY el.r->>'sopInstanceUid')::int AS first
        FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS el(r, ord)
    )
    SELECT e.ord, (k.id IS NOT NULL AND e.ord = e.first), coalesce(k.id, f.id), coalesce(k.series_id, f.series_id),
           CASE WHEN k.id IS NOT NULL THEN row_study[e.first] ELSE f.study_id END, coalesce(k.sha256, f.sha256)
      FROM e
      LEFT JOIN unnest(inserted_uids, inserted_ids, inserted_series, inserted_sha256) AS k(uid, id, series_id, sha256) ON k.uid = e.uid
      LEFT JOIN LATERAL (
        SELECT i.id, i.series_id, x.study_id, i.sha256
          FROM instance i JOIN series x ON x.tenant_id = i.tenant_id AND x.id = i.series_id
         WHERE k.id IS NULL AND i.tenant_id = p_tenant AND i.sop_instance_uid = e.uid
         LIMIT 1
      ) f ON true
     ORDER BY e.ord;
END
$$;
