#!/usr/bin/env bash
# Installs the Temporal CLI (which carries the dev server) into the project's cache, unless a
# `temporal` is already on PATH or there. Builds it from its Go module with `go install`, which
# needs only the Go module proxy; later runs reuse the cached binary.
# Prints the binary's path on its last line.
set -euo pipefail

VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
GO_TOOL_LABEL="Temporal CLI" \
GO_TOOL_THE_LABEL="the Temporal CLI" \
GO_TOOL_NO_GO_MESSAGE="No Go toolchain found to build the Temporal CLI. Either install Go, or install the CLI
(https://docs.temporal.io/cli#install) and put it on PATH or in TEMPORAL_CLI_PATH.
Without either, npm start and npm test fall back to the Temporal SDK's own download." \
  exec bash "$(dirname "$0")/install-go-tool.sh" temporal-cli github.com/temporalio/cli/cmd/temporal "$VERSION" temporal
