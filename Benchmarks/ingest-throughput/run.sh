#!/usr/bin/env bash
# How fast does `analyzer ingest` (release) load 1,000,000 events into a new SQLite store, and how does
# that compare, in the same run, with the floor of the machine: the `sqlite3` shell importing the same
# lines into a one-column table (no parsing, no index, one transaction)? Optionally also against an
# older `analyzer` binary (BEFORE=path), to compare two builds on the same file and the same load.
#
# Usage (from anywhere):
#   Benchmarks/ingest-throughput/run.sh                     # build, generate once, 3 runs each
#   RUNS=5 BEFORE=/tmp/analyzer-before Benchmarks/ingest-throughput/run.sh
# Environment:
#   SCRATCH   SwiftPM scratch path of the release build (default: .build-ingest, kept apart from .build)
#   DATA      directory for the events file and the stores (default: /tmp/ingest-throughput)
#   RATE      requests per second of the generated hour (default 18: ~1.0M events)
#   RUNS      samples per contender (default 3); the median is reported
#   BEFORE    another `analyzer` binary to time on the same file
#   NO_BUILD  set to skip `swift build`
#
# The events are an hour of the 12-service shop from the evaluator (`analyzer eval --classic --dump`), the same
# generator as the README's 449k-event hour, at a higher rate. The file is generated once and reused.
# Needs `sqlite3` (apt-get install sqlite3) and GNU time (/usr/bin/time) for peak RSS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=${SCRATCH:-$ROOT/.build-ingest}
DATA=${DATA:-/tmp/ingest-throughput}
RATE=${RATE:-18}
RUNS=${RUNS:-3}
mkdir -p "$DATA"

if [ -z "${NO_BUILD:-}" ]; then
    (cd "$ROOT" && nice -n 15 swift build -c release --scratch-path "$SCRATCH" --product analyzer >&2)
fi
ANALYZER=$SCRATCH/release/analyzer

EVENTS=$DATA/events-rate$RATE.ndjson
if [ ! -s "$EVENTS" ]; then
    echo "generating $EVENTS ..." >&2
    rm -rf "$DATA/dump"
    "$ANALYZER" eval --classic --seed 9 --per-kind 1 --only memory_leak --no-controls \
        --duration-minutes 60 --rate "$RATE" --dump "$DATA/dump" >/dev/null 2>&1
    mv "$DATA"/dump/*.ndjson "$EVENTS"
    rm -rf "$DATA/dump"
fi
LINES=$(wc -l <"$EVENTS")
BYTES=$(stat -c %s "$EVENTS")
echo "input: $EVENTS: $LINES events, $((BYTES / 1048576)) MiB, $((BYTES / LINES)) bytes/line"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; anything else running shows up in the figures)"

# Runs "$@" on a fresh store at $DATA/store.sqlite; prints "seconds peak_kib store_mib cpu_seconds".
measure() {
    rm -f "$DATA"/store.sqlite*
    sync
    local report=$DATA/time.txt start end
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$report" "$@" >/dev/null
    end=$(date +%s.%N)
    local rss cpu
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")
    cpu=$(awk -F': ' '/User time|System time/ {sum += $2} END {print sum}' "$report")
    local size=0 f
    for f in "$DATA"/store.sqlite*; do size=$((size + $(stat -c %s "$f"))); done
    echo "$(echo "$end - $start" | bc -l) $rss $((size / 1048576)) $cpu"
}

# Times one contender RUNS times; prints its line and sets MEDIAN_RATE.
contender() {
    local name=$1
    shift
    local samples=() rates=() i
    for ((i = 1; i <= RUNS; i++)); do
        read -r seconds rss mib cpu < <(measure "$@")
        samples+=("$(printf '%.0f/s' "$(echo "$LINES / $seconds" | bc -l)")")
        rates+=("$(echo "$LINES / $seconds" | bc -l) $rss $mib $(echo "$cpu * 1000000 / $LINES" | bc -l)")
    done
    # Median by rate; its peak RSS, store size and CPU come with it. CPU per event (user + system, all
    # threads) is steadier than the rate on a shared machine.
    read -r MEDIAN_RATE MEDIAN_RSS MEDIAN_MIB MEDIAN_CPU < <(printf '%s\n' "${rates[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p")
    printf '%-40s %8.0f events/s  CPU %5.1f us/event  peak RSS %4d MB  store %4d MiB  samples: %s\n' \
        "$name" "$MEDIAN_RATE" "$MEDIAN_CPU" $((MEDIAN_RSS / 1024)) "$MEDIAN_MIB" "${samples[*]}"
}

echo
contender "analyzer ingest (this build)" "$ANALYZER" ingest --quiet --store "$DATA/store.sqlite" "$EVENTS"
OURS=$MEDIAN_RATE
contender "sqlite3 .import into one TEXT column" sqlite3 "$DATA/store.sqlite" \
    "PRAGMA journal_mode=WAL" ".mode ascii" ".separator \"\\037\" \"\\n\"" \
    "CREATE TABLE raw(line TEXT NOT NULL)" ".import $EVENTS raw"
FLOOR=$MEDIAN_RATE
if [ -n "${BEFORE:-}" ]; then
    contender "analyzer ingest (BEFORE=$BEFORE)" "$BEFORE" ingest --quiet --store "$DATA/store.sqlite" "$EVENTS"
    OLD=$MEDIAN_RATE
fi

echo
printf 'ratio: this build / sqlite3 .import floor = %.2f\n' "$(echo "$OURS / $FLOOR" | bc -l)"
[ -n "${OLD:-}" ] && printf 'ratio: this build / BEFORE = %.2f\n' "$(echo "$OURS / $OLD" | bc -l)"
printf 'target 200,000 events/s: %s\n' "$(echo "$OURS >= 200000" | bc -l | sed 's/1/met/;s/0/missed/')"
rm -f "$DATA"/store.sqlite* "$DATA/time.txt"
