#!/usr/bin/env bash
# Installs the Temporal server and its SQL schema tool into the project's cache, for
# `npm run cluster:check` (scripts/cluster-check.ts), unless they are already given, cached or on
# PATH. Both come from the server's Go module (go.temporal.io/server), built with `go install`,
# which needs only the Go module proxy; later runs reuse the cached binaries:
#
#   <cache>/temporal-server-VERSION/temporal-server        (go.temporal.io/server/cmd/server)
#   <cache>/temporal-sql-tool-VERSION/temporal-sql-tool    (go.temporal.io/server/cmd/tools/sql)
#
# TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH name binaries to use instead. The schema files
# the tool applies ship in the same module (schema/postgresql/v12), in Go's module cache.
# Prints the server's path, then the tool's, on the last two lines.
set -euo pipefail

VERSION="${TEMPORAL_SERVER_VERSION:-v1.29.1}"
HERE="$(dirname "$0")"
NO_GO="No Go toolchain found to build the Temporal server. Install Go (https://go.dev/dl/), or put
temporal-server and temporal-sql-tool $VERSION on PATH or in TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH."

SERVER="$(GO_TOOL_LABEL="Temporal server" GO_TOOL_THE_LABEL="the Temporal server" GO_TOOL_NO_GO_MESSAGE="$NO_GO" \
  GO_TOOL_BUILT_AS=server bash "$HERE/install-go-tool.sh" temporal-server go.temporal.io/server/cmd/server "$VERSION" temporal-server | tail -n 1)"
SQL_TOOL="$(GO_TOOL_LABEL="Temporal SQL tool" GO_TOOL_THE_LABEL="the Temporal SQL tool" GO_TOOL_NO_GO_MESSAGE="$NO_GO" \
  GO_TOOL_BUILT_AS=sql bash "$HERE/install-go-tool.sh" temporal-sql-tool go.temporal.io/server/cmd/tools/sql "$VERSION" temporal-sql-tool | tail -n 1)"
echo "$SERVER"
echo "$SQL_TOOL"
