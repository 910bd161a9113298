#!/bin/sh
# Runs once, on an empty data directory (the postgres image's /docker-entrypoint-initdb.d): the
# app's own role and database, apart from Temporal's. The password comes from APP_DB_PASSWORD
# (the env file), passed to psql as a variable so it is quoted as a literal.
set -eu
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE clinical LOGIN PASSWORD :'app_password';
CREATE DATABASE clinical_prioritisation OWNER clinical;
SQL
