#!/usr/bin/env bash
# Records the lifecycle tests' workflow histories under test/histories/<name>, for the replay
# test to replay against every later version of the workflows. A name is used once: histories
# already recorded are never replaced. Name it after the change: 2027-01-deferral-limits.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="${1:?usage: npm run histories:record -- <name, e.g. 2027-01-what-changed>}"
if [[ ! "$NAME" =~ ^[a-z0-9][a-z0-9._-]*$ ]]; then echo "The name is lower-case letters, digits, dots, hyphens: $NAME" >&2; exit 1; fi
if [[ -e "test/histories/$NAME" ]]; then echo "test/histories/$NAME exists: recorded histories are kept as they are; choose a new name" >&2; exit 1; fi
RECORD_HISTORIES="$NAME" npx vitest run test/lifecycle.happy.test.ts test/lifecycle.intake.test.ts test/lifecycle.review.test.ts \
  test/lifecycle.assembly.test.ts test/lifecycle.deadlines.test.ts test/rounds.happy.test.ts \
  test/lifecycle.reconsideration.test.ts test/lifecycle.conditions.test.ts test/register.test.ts
echo "Recorded: $(find "test/histories/$NAME" -name '*.pb.gz' | wc -l) histories in test/histories/$NAME"
