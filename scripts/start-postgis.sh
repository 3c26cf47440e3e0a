#!/usr/bin/env bash
# Start a local PostgreSQL + PostGIS server for durand's PostGIS export test
# (and for trying `durand export --format pg`). Idempotent; needs root.
#   - creates the cluster if there is none, starts it, waits until it answers
#   - creates role `durand` (password $DURAND_PG_PASSWORD, default "durand") and
#     database `durand` owned by it, with CREATE EXTENSION postgis
# Prints the connection string for --out on stdout.
set -euo pipefail
password=${DURAND_PG_PASSWORD:-durand}

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "start-postgis: PostgreSQL is not installed (run scripts/install-deps.sh --ci)" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "start-postgis: run as root (it starts the system's PostgreSQL cluster)" >&2
  exit 1
fi
version=${PG_VERSION:-$(ls /usr/lib/postgresql | sort -V | tail -n 1)}
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk '$1 == "'"$version"'" && $2 == "main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk '$1 == "'"$version"'" && $2 == "main" {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h localhost -p "$port" && break
  sleep 1
done
pg_isready -q -h localhost -p "$port" || { echo "start-postgis: server on port $port does not answer" >&2; exit 1; }

export PGOPTIONS='--client-min-messages=warning'
psql_admin() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtA $*"; }
# the password goes through psql's variable quoting, not through the shell's
su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtA -v pw='$password'" >/dev/null <<'SQL'
SELECT format('CREATE ROLE durand LOGIN PASSWORD %L', :'pw') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'durand') \gexec
SELECT format('ALTER ROLE durand LOGIN PASSWORD %L', :'pw') \gexec
SQL
if [[ -z $(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = 'durand'\"") ]]; then
  su postgres -c "createdb -p $port -O durand durand"
fi
psql_admin "-d durand -c 'CREATE EXTENSION IF NOT EXISTS postgis'" >/dev/null
psql_admin "-d durand -c 'GRANT ALL ON SCHEMA public TO durand'" >/dev/null
echo "PG:host=localhost port=$port dbname=durand user=durand password=$password"
