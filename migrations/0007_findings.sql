-- 0007: AI findings (what the model said about a series), the study's AI summary for the worklist, and a
-- notification when an inference job is queued so workers claim it at once instead of on their next poll.

CREATE TABLE finding (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL,
  series_id uuid NOT NULL,
  model_version_id uuid NOT NULL REFERENCES model_version (id),
  labels text[] NOT NULL,
  probabilities double precision[] NOT NULL CHECK (cardinality(probabilities) = cardinality(labels)),
  predicted_class text NOT NULL,
  p_unhealthy double precision NOT NULL CHECK (p_unhealthy BETWEEN 0 AND 1),
  -- Index into slice_instance_ids (slices sorted along the normal, the model's order).
  key_slice int NOT NULL CHECK (key_slice >= 0 AND key_slice < cardinality(slice_instance_ids)),
  slice_instance_ids uuid[] NOT NULL,
  -- Display CAMs (relu, series-max normalised) as little-endian float32 [slices, classes, height, width].
  cam_blob_key text NOT NULL,
  cam_shape int[] NOT NULL CHECK (cardinality(cam_shape) = 4),
  timings jsonb NOT NULL,
  execution_provider text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  -- A retried job for the same series and model version never makes a second finding.
  CONSTRAINT finding_series_model_key UNIQUE (tenant_id, series_id, model_version_id),
  FOREIGN KEY (tenant_id, series_id) REFERENCES series (tenant_id, id),
  FOREIGN KEY (tenant_id, study_id) REFERENCES study (tenant_id, id)
);
CREATE INDEX finding_study_idx ON finding (tenant_id, study_id, created_at DESC);

ALTER TABLE finding ENABLE ROW LEVEL SECURITY;
ALTER TABLE finding FORCE ROW LEVEL SECURITY;
CREATE POLICY finding_tenant ON finding
  USING (tenant_id = app_current_tenant() OR app_is_system())
  WITH CHECK (tenant_id = app_current_tenant() OR app_is_system());
REVOKE ALL ON finding FROM PUBLIC;
-- Findings are facts about what a model said: never updated or deleted by the app.
GRANT SELECT, INSERT ON finding TO :"app_role";

-- The latest finding's summary on the study, for the worklist's filters and order.
ALTER TABLE study ADD COLUMN ai_class text;
ALTER TABLE study ADD COLUMN ai_p_unhealthy double precision CHECK (ai_p_unhealthy BETWEEN 0 AND 1);
ALTER TABLE study ADD COLUMN analyzed_at timestamptz;
CREATE INDEX study_ai_class_idx ON study (tenant_id, ai_class, priority DESC);
