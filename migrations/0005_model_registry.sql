-- 0005: the model registry. Model versions are platform-wide (not tenant data) and immutable once registered:
-- the app role may read and insert them, never update or delete. Each hospital points at the version it runs.

CREATE TABLE model_version (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  version text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
  -- SHA-256 of the .onnx, which lives in the blob store under blob_key.
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  blob_key text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  manifest jsonb NOT NULL,
  intended_use text NOT NULL,
  trained_on text NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}',
  is_bundled boolean NOT NULL DEFAULT false,
  -- Who registered it (user id of a platform admin), NULL for the bundled model.
  registered_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT model_version_name_version_key UNIQUE (name, version)
);

REVOKE ALL ON model_version FROM PUBLIC;
GRANT SELECT, INSERT ON model_version TO :"app_role";

-- hospital.active_model_version_id exists since 0001; now it references a registered version.
ALTER TABLE hospital ADD CONSTRAINT hospital_active_model_version_fkey
  FOREIGN KEY (active_model_version_id) REFERENCES model_version (id);
