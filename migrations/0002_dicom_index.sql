-- 0002: DICOM index (patient, study, series, instance), tenant-owned with row-level security.

-- Calling AE titles allowed to send to the hospital's called AE title (NULL or empty: any).
ALTER TABLE hospital ADD COLUMN allowed_calling_aes text[]
  CHECK (allowed_calling_aes IS NULL OR cardinality(allowed_calling_aes) <= 100);

CREATE TABLE patient (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- Keyed hash (HMAC-SHA256) of the PatientID: the index never holds the identifier or the name.
  patient_key text NOT NULL CHECK (patient_key ~ '^[0-9a-f]{64}$'),
  sex text CHECK (sex IN ('M', 'F', 'O')),
  birth_year int CHECK (birth_year BETWEEN 1850 AND 2200),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT patient_key_key UNIQUE (tenant_id, patient_key)
);

CREATE TABLE study (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL,
  study_instance_uid text NOT NULL CHECK (study_instance_uid ~ '^[0-9]+(\.[0-9]+)*$' AND length(study_instance_uid) <= 64),
  accession text,
  study_date date,
  study_time text,
  description text,
  modalities text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'RECEIVING'
    CHECK (status IN ('RECEIVING', 'QUEUED', 'ANALYZING', 'ANALYZED', 'FAILED', 'NOT_APPLICABLE', 'REVIEWED')),
  status_reason text,
  priority double precision NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT study_uid_key UNIQUE (tenant_id, study_instance_uid),
  FOREIGN KEY (tenant_id, patient_id) REFERENCES patient (tenant_id, id)
);
CREATE INDEX study_worklist_idx ON study (tenant_id, priority DESC, received_at DESC);
CREATE INDEX study_date_idx ON study (tenant_id, study_date);
CREATE INDEX study_patient_idx ON study (tenant_id, patient_id);

CREATE TABLE series (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL,
  series_instance_uid text NOT NULL CHECK (series_instance_uid ~ '^[0-9]+(\.[0-9]+)*$' AND length(series_instance_uid) <= 64),
  modality text,
  description text,
  series_number int,
  body_part text,
  plane text CHECK (plane IN ('SAGITTAL', 'CORONAL', 'AXIAL', 'OBLIQUE', 'UNKNOWN')),
  image_orientation double precision[],
  instance_count int NOT NULL DEFAULT 0 CHECK (instance_count >= 0),
  selected_for_inference boolean NOT NULL DEFAULT false,
  selection_reason text,
  -- RECEIVING until its association / request ends (or a quiet period passes), then COMPLETE.
  status text NOT NULL DEFAULT 'RECEIVING' CHECK (status IN ('RECEIVING', 'COMPLETE')),
  -- instance_count when an inference job was last enqueued (re-sent series enqueue nothing).
  enqueued_instance_count int,
  last_received_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT series_uid_key UNIQUE (tenant_id, series_instance_uid),
  FOREIGN KEY (tenant_id, study_id) REFERENCES study (tenant_id, id)
);
CREATE INDEX series_study_idx ON series (tenant_id, study_id);
CREATE INDEX series_receiving_idx ON series (last_received_at) WHERE status = 'RECEIVING';

CREATE TABLE instance (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  series_id uuid NOT NULL,
  sop_instance_uid text NOT NULL CHECK (sop_instance_uid ~ '^[0-9]+(\.[0-9]+)*$' AND length(sop_instance_uid) <= 64),
  sop_class_uid text NOT NULL,
  instance_number int,
  slice_location double precision,
  image_position double precision[],
  blob_key text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  transfer_syntax text NOT NULL,
  rows int,
  columns int,
  number_of_frames int NOT NULL DEFAULT 1,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT instance_uid_key UNIQUE (tenant_id, sop_instance_uid),
  FOREIGN KEY (tenant_id, series_id) REFERENCES series (tenant_id, id)
);
CREATE INDEX instance_series_idx ON instance (tenant_id, series_id, instance_number);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patient', 'study', 'series', 'instance'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_current_tenant() OR app_is_system()) WITH CHECK (tenant_id = app_current_tenant() OR app_is_system())', t || '_tenant', t);
    EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON patient, study, series, instance TO :"app_role";
