-- 0010: the C-STORE latency path asks, before it answers, whether a SOP Instance UID is already stored and with which
-- bytes (a re-sent instance is a success, different bytes a conflict). One statement that sets the tenant of its own
-- transaction first, as ingest_instance does; SECURITY INVOKER, so row-level security applies.

CREATE FUNCTION stored_instance(p_tenant uuid, p_sop_uid text)
RETURNS TABLE (instance_id uuid, series_id uuid, study_id uuid, stored_sha256 text)
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY
    SELECT i.id, i.series_id, s.study_id, i.sha256
      FROM instance i JOIN series s ON s.tenant_id = i.tenant_id AND s.id = i.series_id
     WHERE i.tenant_id = p_tenant AND i.sop_instance_uid = p_sop_uid;
END
$$;

REVOKE ALL ON FUNCTION stored_instance FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stored_instance TO :"app_role";

-- Index a batch of instances (a STOW-RS request, a C-STORE group commit) with the effect of calling ingest_instance
-- for each element in order, but upserting each patient / study / series once per batch (not once per instance) and
-- counting a series' new instances in one update at the end. p_rows as for ingest_instances (0004); one result row
-- per element, numbered from 1 in input order.
CREATE FUNCTION ingest_batch(p_tenant uuid, p_rows jsonb)
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
  seen_study_id uuid[] := '{}';
  seen_series text[] := '{}';
  seen_series_id uuid[] := '{}';
  seen_series_study uuid[] := '{}';
  new_in_series int[] := '{}';
  k text;
  v_patient uuid;
  v_study uuid;
  v_series uuid;
  v_instance uuid;
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
        new_in_series := new_in_series || 0;
      ELSE
        v_series := seen_series_id[pos];
      END IF;
    END IF;

    INSERT INTO instance AS i (tenant_id, series_id, sop_instance_uid, sop_class_uid, instance_number, slice_location, image_position,
                               blob_key, sha256, size_bytes, transfer_syntax, rows, columns, number_of_frames)
    VALUES (p_tenant, v_series, r->>'sopInstanceUid', r->>'sopClassUid', (r->>'instanceNumber')::int, (r->>'sliceLocation')::double precision,
            CASE WHEN jsonb_typeof(r->'imagePosition') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(r->'imagePosition')::double precision) END,
            r->>'blobKey', r->>'sha256', (r->>'sizeBytes')::bigint, r->>'transferSyntax', (r->>'rows')::int, (r->>'columns')::int, (r->>'numberOfFrames')::int)
    ON CONFLICT (tenant_id, sop_instance_uid) DO NOTHING
    RETURNING i.id INTO v_instance;

    IF v_instance IS NOT NULL THEN
      pos := array_position(seen_series_id, v_series);
      new_in_series[pos] := new_in_series[pos] + 1;
      ord := n; inserted := true; instance_id := v_instance; series_id := v_series; study_id := v_study; stored_sha256 := r->>'sha256';
      RETURN NEXT;
    ELSE
      RETURN QUERY SELECT n, false, i.id, i.series_id, x.study_id, i.sha256
        FROM instance i JOIN series x ON x.tenant_id = i.tenant_id AND x.id = i.series_id
       WHERE i.tenant_id = p_tenant AND i.sop_instance_uid = r->>'sopInstanceUid';
    END IF;
  END LOOP;

  FOR pos IN 1 .. coalesce(array_length(seen_series_id, 1), 0) LOOP
    IF new_in_series[pos] > 0 THEN
      UPDATE series x SET instance_count = x.instance_count + new_in_series[pos], status = 'RECEIVING', last_received_at = now()
       WHERE x.tenant_id = p_tenant AND x.id = seen_series_id[pos];
    END IF;
  END LOOP;
END
$$;

REVOKE ALL ON FUNCTION ingest_batch FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ingest_batch TO :"app_role";
