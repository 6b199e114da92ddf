-- 0009: diagnoses: what a clinician signed for a study, with the finding the AI had shown and whether they agreed.
-- Signed diagnoses are never changed: an amendment is a new row that references the one it replaces. These rows
-- are the labels of future retraining.

CREATE TABLE diagnosis (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL,
  reader_id uuid NOT NULL REFERENCES app_user (id),
  label text NOT NULL CHECK (label ~ '^[a-z][a-z0-9_]{0,63}$'),
  note text CHECK (length(note) <= 4000),
  -- What the AI said when the reader signed (NULL when there was no finding).
  finding_id uuid,
  agrees_with_ai boolean,
  amends_id uuid,
  signed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, study_id) REFERENCES study (tenant_id, id),
  FOREIGN KEY (tenant_id, finding_id) REFERENCES finding (tenant_id, id),
  FOREIGN KEY (tenant_id, amends_id) REFERENCES diagnosis (tenant_id, id),
  -- A diagnosis is amended at most once: amendments form a chain, its last link is in force.
  CONSTRAINT diagnosis_amends_key UNIQUE (tenant_id, amends_id),
  CHECK ((finding_id IS NULL) = (agrees_with_ai IS NULL))
);
CREATE INDEX diagnosis_study_idx ON diagnosis (tenant_id, study_id, signed_at DESC);
CREATE INDEX diagnosis_signed_idx ON diagnosis (tenant_id, signed_at DESC, id DESC);

ALTER TABLE diagnosis ENABLE ROW LEVEL SECURITY;
ALTER TABLE diagnosis FORCE ROW LEVEL SECURITY;
CREATE POLICY diagnosis_tenant ON diagnosis
  USING (tenant_id = app_current_tenant() OR app_is_system())
  WITH CHECK (tenant_id = app_current_tenant() OR app_is_system());
REVOKE ALL ON diagnosis FROM PUBLIC;
GRANT SELECT, INSERT ON diagnosis TO :"app_role";
