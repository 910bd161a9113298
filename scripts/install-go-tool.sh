#!/usr/bin/env bash
# Installs a tool built from its Go module into the project's cache, unless one is already given,
# cached or on PATH. Used by install-temporal-cli.sh, install-mailpit.sh and install-dex.sh.
#
#   scripts/install-go-tool.sh NAME PACKAGE VERSION BINARY
#
# NAME names the cache folder, ${XDG_CACHE_HOME:-$HOME/.cache}/clinical-prioritisation/NAME-VERSION/,
# and the override variable: NAME upper-cased with '-' as '_', then _PATH (temporal-cli gives
# TEMPORAL_CLI_PATH). PACKAGE is the Go package of the command, VERSION the module version and
# BINARY the file `go build` makes. The order: the override variable, then the cache, then PATH.
# Needs only the Go module proxy; later runs reuse the cached binary.
#
# Optional, from the wrappers:
#   GO_TOOL_LABEL           how messages name the tool (default NAME), GO_TOOL_THE_LABEL the same
#                           inside a sentence (default GO_TOOL_LABEL)
#   GO_TOOL_NO_GO_MESSAGE   what to say when there is no Go toolchain
#   GO_TOOL_LDFLAGS         -ldflags for the build (e.g. to stamp the version)
#   GO_TOOL_MODULE          the module that holds PACKAGE: build inside that module's source
#                           instead of `go install PACKAGE@VERSION`, for modules whose go.mod has
#                           replace directives (which `go install pkg@version` refuses)
#   GO_TOOL_MODULE_VERSION  the version to ask the proxy for, when it is not VERSION (a
#                           pseudo-version for a module whose tags the proxy cannot serve)
#   GO_TOOL_BUILT_AS        the file `go install` makes, when BINARY is another name for it (the
#                           Temporal server's package is cmd/server; it is cached as temporal-server)
# Prints the binary's path on its last line.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 NAME PACKAGE VERSION BINARY" >&2
  exit 2
fi
NAME="$1"
PACKAGE="$2"
VERSION="$3"
BINARY="$4"
LABEL="${GO_TOOL_LABEL:-$NAME}"
THE_LABEL="${GO_TOOL_THE_LABEL:-$LABEL}"
MODULE_VERSION="${GO_TOOL_MODULE_VERSION:-$VERSION}"
OVERRIDE_VAR="$(printf '%s' "$NAME" | tr '[:lower:]-' '[:upper:]_')_PATH"
OVERRIDE="${!OVERRIDE_VAR:-}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/clinical-prioritisation"
DEST="$CACHE_ROOT/$NAME-$VERSION"
BIN="$DEST/$BINARY"

if [[ -n "$OVERRIDE" && -x "$OVERRIDE" ]]; then
  echo "$LABEL: using $OVERRIDE_VAR" >&2
  echo "$OVERRIDE"
  exit 0
fi
if [[ -x "$BIN" ]]; then
  echo "$LABEL $VERSION: already in the cache" >&2
  echo "$BIN"
  exit 0
fi
if command -v "$BINARY" >/dev/null 2>&1; then
  echo "$LABEL: using $(command -v "$BINARY") from PATH" >&2
  command -v "$BINARY"
  exit 0
fi

GO="${GO:-}"
if [[ -z "$GO" ]]; then
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"; elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
fi
if [[ -z "$GO" ]]; then
  echo "${GO_TOOL_NO_GO_MESSAGE:-No Go toolchain found to build $THE_LABEL. Either install Go, or install $LABEL yourself and put $BINARY on PATH or its path in $OVERRIDE_VAR.}" >&2
  exit 1
fi

LDFLAGS=()
if [[ -n "${GO_TOOL_LDFLAGS:-}" ]]; then LDFLAGS=(-ldflags "$GO_TOOL_LDFLAGS"); fi

echo "Building $THE_LABEL $VERSION with $("$GO" version) (a few minutes the first time)..." >&2
mkdir -p "$DEST"
# Build into a temporary folder and move into place, so an interrupted build leaves no half binary.
TMP_BIN="$(mktemp -d "$DEST/build.XXXXXX")"
trap 'chmod -R u+w "$TMP_BIN" 2>/dev/null; rm -rf "$TMP_BIN"' EXIT
if [[ -z "${GO_TOOL_MODULE:-}" ]]; then
  GOBIN="$TMP_BIN" GOFLAGS="${GOFLAGS:-} -trimpath" CGO_ENABLED=0 "$GO" install "${LDFLAGS[@]}" "$PACKAGE@$MODULE_VERSION"
else
  # The module's source from the proxy (into Go's module cache), copied to a writable folder and
  # built there as the main module, where its replace directives are allowed.
  echo "Building inside the source of $GO_TOOL_MODULE@$MODULE_VERSION (its go.mod has replace directives)" >&2
  MODULE_DIR="$("$GO" mod download -json "$GO_TOOL_MODULE@$MODULE_VERSION" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const m = JSON.parse(s);
      if (m.Error || !m.Dir) { console.error(m.Error || "go mod download gave no Dir"); process.exit(1); }
      console.log(m.Dir);
    });')"
  SRC="$TMP_BIN/src"
  cp -R "$MODULE_DIR" "$SRC"
  chmod -R u+w "$SRC"
  # A module's zip leaves out its nested modules, so a replace that points at one of its own
  # folders (Dex: github.com/dexidp/dex/api/v2 => ./api/v2) points at nothing: drop it, and the
  # version its go.mod requires comes from the proxy instead (checked against the checksum
  # database, with -mod=mod adding its go.sum lines).
  for old in $(cd "$SRC" && "$GO" mod edit -json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const r of JSON.parse(s).Replace ?? []) {
        if (!r.New.Version && !require("node:fs").existsSync(r.New.Path)) console.log(r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : ""));
      }
    });'); do
    echo "Dropping the replace of $old: its folder is not in the module's source" >&2
    (cd "$SRC" && "$GO" mod edit -dropreplace="$old")
  done
  REL="${PACKAGE#"$GO_TOOL_MODULE"}"
  (cd "$SRC" && GOFLAGS="${GOFLAGS:-} -trimpath -mod=mod" CGO_ENABLED=0 "$GO" build "${LDFLAGS[@]}" -o "$TMP_BIN/$BINARY" "./${REL#/}")
fi
if [[ -z "${GO_TOOL_MODULE:-}" && -n "${GO_TOOL_BUILT_AS:-}" ]]; then mv "$TMP_BIN/$GO_TOOL_BUILT_AS" "$TMP_BIN/$BINARY"; fi
mv "$TMP_BIN/$BINARY" "$BIN"
echo "$LABEL installed at $BIN" >&2
echo "$BIN"
