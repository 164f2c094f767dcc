#!/usr/bin/env bash
# Runs the ServiceLog benchmarks in release and prints, per event: wall time and allocations for
# ServiceLog, swift-log's StreamLogHandler and a Foundation JSONEncoder handler; the ratios; the
# below-level comparison with swift-log's own level check; and whether the issue's targets are met
# (<= 300 ns and <= 2 allocations per event, >= 5x faster than the JSONEncoder handler).
#
#   ./compare.sh               RequestStart and BelowLevel (about 1 min of runs after the build)
#   ./compare.sh --breakdown   also EmitBreakdown: where ServiceLog's time and allocations go
#   ./compare.sh --check       exit 1 when a target is missed
#   ./compare.sh --lines       only print the line each handler writes for the event (like for like?)
#
# Builds in Benchmarks/.build (release). A first build takes several minutes on 2 cores. Timings are
# medians of samples of 1000 events (100k for "incl. writer", 1M below-level calls); run on an idle
# machine, anything else running on the cores shows up in the figures.
set -euo pipefail
cd "$(dirname "$0")"

targets=(--target RequestStart --target BelowLevel)
check=()
lines=false
for argument in "$@"; do
    case "$argument" in
        --lines) lines=true ;;
        --breakdown) targets+=(--target EmitBreakdown) ;;
        --check) check=(--check) ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare.sh: unknown option '$argument' (see --help)" >&2; exit 2 ;;
    esac
done

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "Building the compare tool (release)..." >&2
swift build -c release --product compare >"$results/build.log" 2>&1 || { cat "$results/build.log" >&2; exit 1; }
compare="$(swift build -c release --show-bin-path)/compare"
if $lines; then
    "$compare" --lines
    exit 0
fi

echo "Running ${targets[*]} (release; the plugin builds the benchmark targets first)..." >&2
if ! swift package --allow-writing-to-directory "$results" benchmark run "${targets[@]}" \
    --format jmh --path "$results" --no-progress >"$results/run.log" 2>&1; then
    cat "$results/run.log" >&2
    exit 1
fi

shopt -s nullglob
exports=("$results"/*.jmh.json)
if [ ${#exports[@]} -ne 1 ]; then
    echo "compare.sh: expected one JMH export in $results, found ${#exports[@]}" >&2
    cat "$results/run.log" >&2
    exit 1
fi
"$compare" "${check[@]}" "${exports[0]}"
