#!/usr/bin/env bash
# Runs the whole suite and ends with one plain line, "N passed, N failed", counted from vitest's
# JSON report (vitest's own summary is formatted for people, not for CI).
set -uo pipefail
cd "$(dirname "$0")/.."
report="$(mktemp -t kindling-vitest-XXXXXX.json)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
status=$?
node test/summary.mjs "$report" || status=1
rm -f "$report"
exit $status
