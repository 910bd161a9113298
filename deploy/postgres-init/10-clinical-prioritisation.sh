#!/bin/sh
# Runs once, on an empty data directory (the postgres image's /docker-entrypoint-initdb.d): the
# app's own roles and database, apart from Temporal's. Two roles (README "Seals, the service
# role"): `clinical` owns the database and runs the migrations (MIGRATION_DATABASE_URL);
# `clinical_app`, a member of the NOLOGIN role cp_service, is what the API and workers connect
# as (DATABASE_URL) and may only read and append to the trail. cp_service is made here, by the
# superuser, because the owner has no CREATEROLE; migration 0014 then grants it its rights.
# Passwords come from the env file, passed to psql as variables so they are quoted as literals.
set -eu
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD in .env}"
: "${APP_SERVICE_DB_PASSWORD:?set APP_SERVICE_DB_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="$APP_DB_PASSWORD" -v service_password="$APP_SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE clinical LOGIN PASSWORD :'app_password';
CREATE DATABASE clinical_prioritisation OWNER clinical;
CREATE ROLE cp_service NOLOGIN;
CREATE ROLE clinical_app LOGIN PASSWORD :'service_password' IN ROLE cp_service;
SQL
