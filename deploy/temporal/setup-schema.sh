#!/bin/sh
# One-shot, in temporalio/admin-tools: Temporal's two databases and their schemas, created or
# brought up to date with temporal-sql-tool (the pattern of temporalio/samples-server/compose,
# which replaces the deprecated auto-setup image). Safe to run again: `create` of an existing
# database fails and is ignored, update-schema applies only what is missing.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT"; sleep 2; done
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"; }
for db in temporal temporal_visibility; do
  tool --db "$db" create 2>/dev/null || echo "database $db exists"
done
# setup-schema -v 0.0 only creates the version table the first time; update-schema does the rest.
tool --db temporal setup-schema -v 0.0 2>/dev/null || true
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility setup-schema -v 0.0 2>/dev/null || true
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schemas are up to date"
