#!/usr/bin/env bash
# Creates the Cruciate database roles and database (idempotent; safe to run again).
#
#   cruciate_owner  owns the database and the tables; the API runs migrations as this role
#                   (DATABASE_MIGRATION_URL).
#   cruciate_app    the application role (DATABASE_URL): LOGIN NOSUPERUSER NOBYPASSRLS, owns nothing,
#                   so row-level security applies to every query the API and the workers make.
#
# The postgres image runs this once, from /docker-entrypoint-initdb.d, when it initialises an empty
# data directory. It can also be run by hand against an existing server:
#   PGHOST=... PGUSER=postgres CRUCIATE_OWNER_PASSWORD=... CRUCIATE_APP_PASSWORD=... ./init-roles.sh
#
# Environment:
#   CRUCIATE_DB              database name                (default cruciate)
#   CRUCIATE_OWNER_ROLE      owner role                   (default cruciate_owner)
#   CRUCIATE_OWNER_PASSWORD  owner password               (required)
#   CRUCIATE_APP_ROLE        application role             (default cruciate_app; the API's DATABASE_APP_ROLE)
#   CRUCIATE_APP_PASSWORD    application role password    (required)
#   POSTGRES_USER            superuser to connect as      (default postgres)
set -euo pipefail

db="${CRUCIATE_DB:-cruciate}"
owner="${CRUCIATE_OWNER_ROLE:-cruciate_owner}"
app="${CRUCIATE_APP_ROLE:-cruciate_app}"
owner_password="${CRUCIATE_OWNER_PASSWORD:?CRUCIATE_OWNER_PASSWORD must be set}"
app_password="${CRUCIATE_APP_PASSWORD:?CRUCIATE_APP_PASSWORD must be set}"

for name in "$db" "$owner" "$app"; do
  if [[ ! "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
    echo "init-roles: '$name' is not a lower-case SQL identifier" >&2
    exit 1
  fi
done
if [[ "$owner" == "$app" ]]; then
  echo "init-roles: the owner role and the application role must differ" >&2
  exit 1
fi

# Names and passwords travel as psql variables, quoted by psql (:"ident" and :'literal'), never
# spliced into SQL by the shell. \gexec runs the statements that the SELECTs produce.
psql_admin=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}"
  --set=db="$db" --set=owner="$owner" --set=app="$app"
  --set=owner_password="$owner_password" --set=app_password="$app_password")

"${psql_admin[@]}" --dbname postgres <<'SQL'
SELECT format('CREATE ROLE %I', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_password';

SELECT format('CREATE ROLE %I', :'app')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"app" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'app_password';

SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
SQL

# Inside the new database: nobody but the owner may create objects in schema public (PostgreSQL 15
# already revokes CREATE from PUBLIC; this keeps older servers in line too).
"${psql_admin[@]}" --dbname "$db" <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
SQL

echo "init-roles: database ${db} owned by ${owner}; application role ${app} (NOSUPERUSER NOBYPASSRLS) may connect"
