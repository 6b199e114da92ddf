-- 0003: one-round-trip ingest of an instance (the C-STORE / STOW hot path).
-- SECURITY INVOKER: runs as the application role, so row-level security applies to every statement. It sets the
-- tenant of its own (single-statement) transaction first, exactly as Db.withTenant does for a unit of work.

CREATE FUNCTION ingest_instance(
  p_tenant uuid,
  p_patient_key text, p_sex text, p_birth_year int,
  p_study_uid text, p_accession text, p_study_date date, p_study_time text, p_study_description text,
  p_series_uid text, p_modality text, p_series_description text, p_series_number int, p_body_part text, p_orientation double precision[],
  p_sop_uid text, p_sop_class text, p_instance_number int, p_slice_location double precision, p_image_position double precision[],
  p_blob_key text, p_sha256 text, p_size bigint, p_transfer_syntax text, p_rows int, p_columns int, p_frames int
) RETURNS TABLE (inserted boolean, instance_id uuid, series_id uuid, study_id uuid, stored_sha256 text)
LANGUAGE plpgsql SECURITY INVOKER
AS $$
DECLARE
  v_patient uuid;
  v_study uuid;
  v_series uuid;
  v_instance uuid;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);

  INSERT INTO patient AS p (tenant_id, patient_key, sex, birth_year) VALUES (p_tenant, p_patient_key, p_sex, p_birth_year)
  ON CONFLICT (tenant_id, patient_key) DO UPDATE SET sex = coalesce(p.sex, EXCLUDED.sex), birth_year = coalesce(p.birth_year, EXCLUDED.birth_year)
  RETURNING p.id INTO v_patient;

  INSERT INTO study AS s (tenant_id, patient_id, study_instance_uid, accession, study_date, study_time, description, modalities)
  VALUES (p_tenant, v_patient, p_study_uid, p_accession, p_study_date, p_study_time, p_study_description,
          CASE WHEN p_modality IS NULL THEN '{}'::text[] ELSE ARRAY[p_modality] END)
  ON CONFLICT (tenant_id, study_instance_uid) DO UPDATE SET
    modalities = CASE WHEN p_modality IS NULL OR p_modality = ANY(s.modalities) THEN s.modalities ELSE s.modalities || p_modality END,
    updated_at = now()
  RETURNING s.id INTO v_study;

  INSERT INTO series AS se (tenant_id, study_id, series_instance_uid, modality, description, series_number, body_part, image_orientation)
  VALUES (p_tenant, v_study, p_series_uid, p_modality, p_series_description, p_series_number, p_body_part, p_orientation)
  ON CONFLICT (tenant_id, series_instance_uid) DO UPDATE SET last_received_at = now()
  RETURNING se.id INTO v_series;

  INSERT INTO instance (tenant_id, series_id, sop_instance_uid, sop_class_uid, instance_number, slice_location, image_position,
                        blob_key, sha256, size_bytes, transfer_syntax, rows, columns, number_of_frames)
  VALUES (p_tenant, v_series, p_sop_uid, p_sop_class, p_instance_number, p_slice_location, p_image_position,
          p_blob_key, p_sha256, p_size, p_transfer_syntax, p_rows, p_columns, p_frames)
  ON CONFLICT (tenant_id, sop_instance_uid) DO NOTHING
  RETURNING id INTO v_instance;

  IF v_instance IS NOT NULL THEN
    UPDATE series SET instance_count = instance_count + 1, status = 'RECEIVING', last_received_at = now()
     WHERE tenant_id = p_tenant AND id = v_series;
    RETURN QUERY SELECT true, v_instance, v_series, v_study, p_sha256;
  ELSE
    RETURN QUERY SELECT false, i.id, i.series_id, x.study_id, i.sha256
      FROM instance i JOIN series x ON x.tenant_id = i.tenant_id AND x.id = i.series_id
     WHERE i.tenant_id = p_tenant AND i.sop_instance_uid = p_sop_uid;
  END IF;
END
$$;

REVOKE ALL ON FUNCTION ingest_instance FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ingest_instance TO :"app_role";
