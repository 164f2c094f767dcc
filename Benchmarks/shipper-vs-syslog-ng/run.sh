#!/usr/bin/env bash
# logshipper against syslog-ng 3.38 (file -> http), same 1M-line files, same counting sink, same run.
#
# Usage (from anywhere, in any clone):
#   Benchmarks/shipper-vs-syslog-ng/run.sh                       # release build, 1M lines, 3 runs each
#   RUNS=5 LINES=200000 BEFORE=/tmp/logshipper-old Benchmarks/shipper-vs-syslog-ng/run.sh
#   PIN=1 Benchmarks/shipper-vs-syslog-ng/run.sh                 # every contender on CPU 1 only
# Environment:
#   SCRATCH   SwiftPM scratch path of the release build (default: .build-shipper-bench)
#   DATA      where the inputs and state directories go (default: /tmp/shipper-vs-syslog-ng)
#   LINES     lines per input (default 1000000); RUNS samples per contender (default 3, median reported)
#   BEFORE    another logshipper binary to time on the same files; PIN a CPU to pin contenders to
#   NO_BUILD  set to skip `swift build`
#
# Inputs (generate.py, seeded): complete canonical events (~409 bytes, no event_id: the shipper derives
# one), and JSON lines of other programs (~370 bytes: logstash-logback, nginx JSON, zap). The sink
# (sink.py) answers like the analyzer and counts requests, TCP connections and events. syslog-ng runs
# with the configuration from docs (no gzip: its http() has none); it is skipped with a message when
# it is not installed: apt-get install syslog-ng-core syslog-ng-mod-http (as root).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCRATCH=${SCRATCH:-$ROOT/.build-shipper-bench}
if [ -z "${NO_BUILD:-}" ]; then
    (cd "$ROOT" && nice -n 10 swift build -c release --scratch-path "$SCRATCH" --product logshipper >&2)
fi
ARGS=(--logshipper "$SCRATCH/release/logshipper" --lines "${LINES:-1000000}" --runs "${RUNS:-3}"
    --data "${DATA:-/tmp/shipper-vs-syslog-ng}")
[ -n "${BEFORE:-}" ] && ARGS+=(--before "$BEFORE")
[ -n "${PIN:-}" ] && ARGS+=(--pin "$PIN")
exec python3 "$HERE/bench.py" "${ARGS[@]}"
