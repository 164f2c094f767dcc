#!/usr/bin/env bash
# Runs the ServiceLog benchmarks in release and prints, per event: wall time and allocations for
# ServiceLog (typed fields, and the swift-log path with a metadata dictionary), swift-log's
# StreamLogHandler and a Foundation JSONEncoder handler; the ratios; the below-level comparison with
# swift-log's own level check; the same event written by Go's zerolog and zap in the same run, with the
# ServiceLog/zerolog ratios; the writer's events/s to a file on one core; and whether the targets are met.
#
#   ./compare.sh               all of the above (a few minutes of runs after the build)
#   ./compare.sh --breakdown   also EmitBreakdown: where ServiceLog's time and allocations go
#   ./compare.sh --check       exit 1 when a target is missed
#   ./compare.sh --lines       only print the line each logger writes for the event (like for like?)
#   ./compare.sh --no-peers    skip zerolog and zap
#
# Builds in Benchmarks/.build (release). A first build takes several minutes on 2 cores. Timings are
# medians of samples of 1000 events (100k for "incl. writer", 1M below-level calls); run on an idle
# machine, anything else running on the cores shows up in the figures. zerolog and zap are measured
# before and after the Swift benchmarks (their mean is compared), so a load change hits both sides.
# They need Debian's golang-go, golang-github-rs-zerolog-dev and golang-go.uber-zap-dev (GOPATH mode,
# no network); without them that part is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")"

targets=(--target RequestStart --target BelowLevel)
check=()
lines=false
peers=true
for argument in "$@"; do
    case "$argument" in
        --lines) lines=true ;;
        --no-peers) peers=false ;;
        --breakdown) targets+=(--target EmitBreakdown) ;;
        --check) check=(--check) ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare.sh: unknown option '$argument' (see --help)" >&2; exit 2 ;;
    esac
done

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "Building the compare and writer-throughput tools (release)..." >&2
for product in compare writer-throughput; do
    swift build -c release --product "$product" >"$results/build.log" 2>&1 || { cat "$results/build.log" >&2; exit 1; }
done
bin="$(swift build -c release --show-bin-path)"
compare="$bin/compare"

# zerolog and zap: Debian's Go packages in GOPATH mode (no module download).
gocode=/usr/share/gocode
peer_bench=""
if $peers; then
    if ! command -v go >/dev/null; then
        echo "compare.sh: skipping zerolog and zap: 'go' not found (apt-get install golang-go golang-github-rs-zerolog-dev golang-go.uber-zap-dev)" >&2
    elif [ ! -d "$gocode/src/github.com/rs/zerolog" ] || [ ! -d "$gocode/src/go.uber.org/zap" ]; then
        echo "compare.sh: skipping zerolog and zap: not in $gocode (apt-get install golang-github-rs-zerolog-dev golang-go.uber-zap-dev)" >&2
    else
        echo "Building the zerolog/zap benchmark (go-peers/bench.go, GOPATH mode)..." >&2
        if GOPATH="$gocode" GO111MODULE=off GOFLAGS= GOCACHE="$results/gocache" go build -o "$results/go-peers" go-peers/bench.go >"$results/go-build.log" 2>&1; then
            peer_bench="$results/go-peers"
        else
            echo "compare.sh: skipping zerolog and zap: the Go build failed:" >&2
            cat "$results/go-build.log" >&2
        fi
    fi
fi

if $lines; then
    "$compare" --lines
    if [ -n "$peer_bench" ]; then "$peer_bench" -lines; fi
    exit 0
fi

uptime >&2
if [ -n "$peer_bench" ]; then
    echo "Running zerolog and zap (before)..." >&2
    "$peer_bench" -file-events 0 >"$results/peers.txt"
fi

echo "Running ${targets[*]} (release; the plugin builds the benchmark targets first)..." >&2
if ! swift package --allow-writing-to-directory "$results" benchmark run "${targets[@]}" \
    --format jmh --path "$results" --no-progress >"$results/run.log" 2>&1; then
    cat "$results/run.log" >&2
    exit 1
fi

if [ -n "$peer_bench" ]; then
    echo "Running zerolog and zap (after)..." >&2
    "$peer_bench" -file-events 0 >>"$results/peers.txt"
fi

shopt -s nullglob
exports=("$results"/*.jmh.json)
if [ ${#exports[@]} -ne 1 ]; then
    echo "compare.sh: expected one JMH export in $results, found ${#exports[@]}" >&2
    cat "$results/run.log" >&2
    exit 1
fi
peer_arguments=()
if [ -n "$peer_bench" ]; then peer_arguments=(--peers "$results/peers.txt"); fi
status=0
"$compare" "${check[@]}" "${peer_arguments[@]}" "${exports[0]}" || status=$?

# The writer: events/s to a real file, both threads pinned to one core (taskset) when possible.
echo ""
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
echo "Writer throughput to a file on one core (${pin[*]:-not pinned: no taskset}): writer-throughput 1000000"
"${pin[@]}" "$bin/writer-throughput" 1000000 | tee "$results/writer.txt"
echo "The same with a 1 MiB writer buffer (batches that stay in cache): writer-throughput 1000000 typed line --capacity 1048576"
"${pin[@]}" "$bin/writer-throughput" 1000000 typed line --capacity 1048576
if [ -n "$peer_bench" ]; then
    echo "Go loggers to a file through a 64 KiB bufio.Writer, one goroutine (GOMAXPROCS=1), for reference:"
    "${pin[@]}" "$peer_bench" -samples 10 -file-events 1000000 | sed 's/ p50_ns.*events_per_s=/ events_per_s=/'
fi
if [ ${#check[@]} -gt 0 ] && grep "writer typed" "$results/writer.txt" | grep -q "target_1M=MISSED"; then status=1; fi
exit $status
