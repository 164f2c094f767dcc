#!/usr/bin/env bash
# Regenerates Sources/OTLPModel/Generated/ (the OTLP messages as Swift, for swift-protobuf) from the
# OpenTelemetry protocol's .proto files. The generated files are committed; run this only to move to
# another OTLP release.
#
#   scripts/generate-otlp.sh PROTO_DIR [PLUGIN]
#
# PROTO_DIR: a checkout of https://github.com/open-telemetry/opentelemetry-proto (committed files were
#            generated from v1.9.0), the folder that holds `opentelemetry/`.
# PLUGIN:    protoc-gen-swift, built from swift-protobuf at the version Package.swift names:
#              git clone -b 1.39.0 https://github.com/apple/swift-protobuf && cd swift-protobuf
#              swift build -c release --product protoc-gen-swift   # -> .build/release/protoc-gen-swift
# protoc:    Debian's protobuf-compiler (`apt-get install protobuf-compiler`).
set -euo pipefail
proto_dir=${1:?usage: scripts/generate-otlp.sh PROTO_DIR [PLUGIN]}
plugin=${2:-$(command -v protoc-gen-swift || true)}
[ -x "$plugin" ] || { echo "generate-otlp: protoc-gen-swift not found; pass its path as the second argument" >&2; exit 1; }
command -v protoc >/dev/null || { echo "generate-otlp: protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
out="$(cd "$(dirname "$0")/.." && pwd)/Sources/OTLPModel/Generated"
rm -rf "$out" && mkdir -p "$out"
# Only what the receiver and the exporter use: traces, logs, metrics and their export requests.
protos=(
  opentelemetry/proto/common/v1/common.proto
  opentelemetry/proto/resource/v1/resource.proto
  opentelemetry/proto/trace/v1/trace.proto
  opentelemetry/proto/logs/v1/logs.proto
  opentelemetry/proto/metrics/v1/metrics.proto
  opentelemetry/proto/collector/trace/v1/trace_service.proto
  opentelemetry/proto/collector/logs/v1/logs_service.proto
  opentelemetry/proto/collector/metrics/v1/metrics_service.proto
)
cd "$proto_dir"
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  --swift_out="$out" "${protos[@]}"
# Our own two-field google.rpc.Status, the error body (see the file).
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  --proto_path="$out/../Proto" --swift_out="$out" status.proto
echo "generate-otlp: wrote $(ls "$out" | wc -l) files to $out"
