#!/usr/bin/env bash
# Installs the Temporal CLI (which carries the dev server) into the project's cache, unless a
# `temporal` is already on PATH or there. Builds it from its Go module with `go install`, which
# needs only the Go module proxy; later runs reuse the cached binary.
# Prints the binary's path on its last line.
set -euo pipefail

VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/clinical-prioritisation"
DEST="$CACHE_ROOT/temporal-cli-$VERSION"
BIN="$DEST/temporal"

if [[ -n "${TEMPORAL_CLI_PATH:-}" && -x "${TEMPORAL_CLI_PATH}" ]]; then
  echo "Temporal CLI: using TEMPORAL_CLI_PATH" >&2
  echo "$TEMPORAL_CLI_PATH"
  exit 0
fi
if [[ -x "$BIN" ]]; then
  echo "Temporal CLI $VERSION: already in the cache" >&2
  echo "$BIN"
  exit 0
fi
if command -v temporal >/dev/null 2>&1; then
  echo "Temporal CLI: using $(command -v temporal) from PATH" >&2
  command -v temporal
  exit 0
fi

GO="${GO:-}"
if [[ -z "$GO" ]]; then
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"; elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
fi
if [[ -z "$GO" ]]; then
  echo "No Go toolchain found to build the Temporal CLI. Either install Go, or install the CLI" >&2
  echo "(https://docs.temporal.io/cli#install) and put it on PATH or in TEMPORAL_CLI_PATH." >&2
  echo "Without either, npm start and npm test fall back to the Temporal SDK's own download." >&2
  exit 1
fi

echo "Building the Temporal CLI $VERSION with $("$GO" version) (a few minutes the first time)..." >&2
mkdir -p "$DEST"
# Build into a temporary folder and move into place, so an interrupted build leaves no half binary.
TMP_BIN="$(mktemp -d "$DEST/build.XXXXXX")"
trap 'rm -rf "$TMP_BIN"' EXIT
GOBIN="$TMP_BIN" GOFLAGS="${GOFLAGS:-} -trimpath" CGO_ENABLED=0 "$GO" install "github.com/temporalio/cli/cmd/temporal@$VERSION"
mv "$TMP_BIN/temporal" "$BIN"
echo "Temporal CLI installed at $BIN" >&2
echo "$BIN"
