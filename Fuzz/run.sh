#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer (release, -sanitize=fuzzer) and runs each for SECONDS (default 60)
# from the seed corpus in Corpus/ (new interesting inputs go to a scratch copy, not into the repository).
# A finding stops the run with the input saved as crash-* in Fuzz/ and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
swift build -c release -Xswiftc -sanitize=fuzzer --product EventDecoderFuzzer
bin="$(swift build -c release --show-bin-path)"
# Let libFuzzer, not Swift's backtracer, handle the trap: it then saves the input as crash-*.
export SWIFT_BACKTRACE=enable=no
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp Corpus/* "$scratch"/
"$bin/EventDecoderFuzzer" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$scratch"
