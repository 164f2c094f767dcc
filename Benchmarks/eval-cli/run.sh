#!/usr/bin/env bash
# Scores the analyzer as an independent evaluator would, with nothing but the CLI: the evaluation's
# scenarios are written as NDJSON with their truth (labels.json), each is loaded into a fresh store
# with `analyzer ingest`, its incidents are taken from `analyzer incidents --json`, and the answers
# are scored against the labels by `analyzer eval --score`.
#
# Usage (from anywhere):
#   Benchmarks/eval-cli/run.sh                      # held-out families, 2 per kind, 2 controls each
#   Benchmarks/eval-cli/run.sh --tuning --per-kind 3
#   ANALYZER=/path/to/other/analyzer Benchmarks/eval-cli/run.sh --held-out
# Any arguments are passed to `analyzer eval --dump` (default: --held-out).
# Environment:
#   ANALYZER  the analyzer that answers (default: this checkout's release build in .build-eval, which
#             always generates and scores)
#   DATA      where the scenarios, stores and answers go (default: /tmp/eval-cli; emptied first)
#   NO_BUILD  set to skip `swift build`
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${DATA:-/tmp/eval-cli}
if [ -z "${NO_BUILD:-}" ]; then
    (cd "$ROOT" && nice -n 15 swift build -c release --scratch-path "$ROOT/.build-eval" --product analyzer >&2)
fi
# The generator and the scorer are this checkout's; only the answers come from $ANALYZER.
OWN=$ROOT/.build-eval/release/analyzer
ANALYZER=${ANALYZER:-$OWN}
[ $# -gt 0 ] || set -- --held-out

rm -rf "$DATA"
mkdir -p "$DATA"
"$OWN" eval "$@" --dump "$DATA" --dump-only
for file in "$DATA"/*.ndjson; do
    name=$(basename "$file" .ndjson)
    store="$DATA/$name.sqlite"
    "$ANALYZER" ingest --quiet --store "$store" "$file" >/dev/null
    "$ANALYZER" incidents --store "$store" --json >"$DATA/$name.incidents.json"
    rm -f "$store" "$store-wal" "$store-shm"
    echo "$name" >&2
done
"$OWN" eval --score "$DATA"
