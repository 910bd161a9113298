#!/usr/bin/env bash
# Installs Mailpit (an SMTP server that keeps what it receives and shows it through an HTTP API
# and a web UI) into the project's cache, unless MAILPIT_PATH names one or one is cached or on
# PATH. Builds it from its Go module with `go install`, which needs only the Go module proxy.
# The tests send e-mail to it and read it back (src/runtime/go-tools.ts starts it).
# Prints the binary's path on its last line.
set -euo pipefail

VERSION="${MAILPIT_VERSION:-v1.33.1}"
GO_TOOL_LABEL="Mailpit" \
GO_TOOL_LDFLAGS="-X github.com/axllent/mailpit/config.Version=$VERSION" \
  exec bash "$(dirname "$0")/install-go-tool.sh" mailpit github.com/axllent/mailpit "$VERSION" mailpit
