#!/usr/bin/env bash
# Installs Dex (an OpenID Connect provider) into the project's cache, unless DEX_PATH names one
# or one is cached or on PATH. src/runtime/go-tools.ts starts it with the demo users as its
# static users. Prints the binary's path on its last line.
#
# Dex's module path has no /v2, so the proxy cannot serve its v2 tags as versions: we ask for
# the pseudo-version of the tag's commit. Its go.mod replaces github.com/dexidp/dex/api/v2 with
# ./api/v2, which `go install pkg@version` refuses, so install-go-tool.sh builds inside the
# module's source (GO_TOOL_MODULE). CGO_ENABLED=0: no SQLite storage, which we do not use (the
# config keeps everything in memory).
set -euo pipefail

VERSION="${DEX_VERSION:-v2.45.1}"
# v2.45.1 is commit 11d2eeb52b42, committed 2026-03-03 13:39:05 UTC.
MODULE_VERSION="${DEX_MODULE_VERSION:-v0.0.0-20260303133905-11d2eeb52b42}"
GO_TOOL_LABEL="Dex" \
GO_TOOL_MODULE="github.com/dexidp/dex" \
GO_TOOL_MODULE_VERSION="$MODULE_VERSION" \
GO_TOOL_LDFLAGS="-X main.version=$VERSION" \
  exec bash "$(dirname "$0")/install-go-tool.sh" dex github.com/dexidp/dex/cmd/dex "$VERSION" dex
