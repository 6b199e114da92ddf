-- 0001: hospitals (tenants), users, memberships, service accounts, audit log; row-level security.
-- Runs as the owner role. :"app_role" is the application role (NOSUPERUSER, NOBYPASSRLS, owns nothing).

-- The tenant of the current transaction, set by the app with set_config('app.tenant_id', $1, true).
CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Explicit cross-tenant context (platform-admin paths and maintenance jobs), set with
-- set_config('app.system', 'on', true) by SystemContext only.
CREATE FUNCTION app_is_system() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('app.system', true), '') = 'on' $$;

CREATE TABLE hospital (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  ae_title text CHECK (ae_title ~ '^[A-Z0-9_-]{1,16}$'),
  active_model_version_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT hospital_slug_key UNIQUE (slug),
  CONSTRAINT hospital_ae_title_key UNIQUE (ae_title)
);

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subject text,
  email text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND email = lower(email)),
  display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  is_platform_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT app_user_subject_key UNIQUE (subject),
  CONSTRAINT app_user_email_key UNIQUE (email)
);

-- Password hashes of the built-in OpenID provider's local accounts (embedded/dev/test only).
CREATE TABLE local_credential (
  user_id uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE membership (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  user_id uuid NOT NULL REFERENCES app_user (id),
  roles text[] NOT NULL DEFAULT '{}'
    CHECK (roles <@ ARRAY['HOSPITAL_ADMIN', 'CLINICIAN', 'INTEGRATOR']::text[]),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX membership_user_idx ON membership (user_id);

CREATE TABLE service_account (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id text NOT NULL CHECK (client_id ~ '^sa-[a-z0-9-]+$'),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  secret_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT ARRAY['INTEGRATOR']::text[]
    CHECK (roles <@ ARRAY['INTEGRATOR']::text[] AND cardinality(roles) > 0),
  created_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT service_account_client_id_key UNIQUE (tenant_id, client_id)
);
-- Token requests arrive with a client id only; the random suffix makes it unique platform-wide.
CREATE UNIQUE INDEX service_account_client_id_idx ON service_account (client_id);

CREATE TABLE audit_event (
  tenant_id uuid NOT NULL REFERENCES hospital (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_type text NOT NULL CHECK (actor_type IN ('USER', 'SERVICE_ACCOUNT', 'SYSTEM')),
  actor_id text NOT NULL,
  actor_label text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  ip text,
  request_id text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant_id, id)
);

-- Cross-tenant reads by platform admins (explicit SystemContext paths) are recorded here.
CREATE TABLE platform_audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_type text NOT NULL CHECK (actor_type IN ('USER', 'SERVICE_ACCOUNT', 'SYSTEM')),
  actor_id text NOT NULL,
  actor_label text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  ip text,
  request_id text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- Row-level security: the wall that holds when code forgets a filter.
ALTER TABLE hospital ENABLE ROW LEVEL SECURITY;
ALTER TABLE hospital FORCE ROW LEVEL SECURITY;
CREATE POLICY hospital_tenant ON hospital
  USING (id = app_current_tenant() OR app_is_system())
  WITH CHECK (id = app_current_tenant() OR app_is_system());

ALTER TABLE membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership FORCE ROW LEVEL SECURITY;
CREATE POLICY membership_tenant ON membership
  USING (tenant_id = app_current_tenant() OR app_is_system())
  WITH CHECK (tenant_id = app_current_tenant() OR app_is_system());

ALTER TABLE service_account ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_account FORCE ROW LEVEL SECURITY;
CREATE POLICY service_account_tenant ON service_account
  USING (tenant_id = app_current_tenant() OR app_is_system())
  WITH CHECK (tenant_id = app_current_tenant() OR app_is_system());

ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_event_tenant ON audit_event
  USING (tenant_id = app_current_tenant() OR app_is_system())
  WITH CHECK (tenant_id = app_current_tenant() OR app_is_system());

ALTER TABLE platform_audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_audit_event_system ON platform_audit_event
  USING (app_is_system()) WITH CHECK (app_is_system());

-- Privileges of the application role: what it needs and nothing more.
REVOKE ALL ON hospital, app_user, local_credential, membership, service_account, audit_event, platform_audit_event FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE ON hospital TO :"app_role";
GRANT SELECT, INSERT, UPDATE ON app_user TO :"app_role";
GRANT SELECT, INSERT, UPDATE ON local_credential TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON membership TO :"app_role";
GRANT SELECT, INSERT, UPDATE ON service_account TO :"app_role";
-- Append-only: no UPDATE, no DELETE, no TRUNCATE.
GRANT SELECT, INSERT ON audit_event TO :"app_role";
GRANT SELECT, INSERT ON platform_audit_event TO :"app_role";
