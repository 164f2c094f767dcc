#!/usr/bin/env python3
"""OTLP/HTTP ingest against NDJSON ingest on the same `analyzer serve`, same run, same requests.

    python3 Benchmarks/otlp-ingest/bench.py --analyzer .build/release/analyzer [--requests 20000] [--runs 3]

Builds one set of requests (a server span calling a client span calling a server span: 5 canonical
events each) twice: as OTLP ExportTraceServiceRequest protobuf bodies, encoded by OpenTelemetry's
own Python classes (opentelemetry-proto), and as the same events in canonical NDJSON. Both are
gzip-compressed and encoded before timing. Each run starts a fresh `analyzer serve` on a new store and
posts the batches one after another over one keep-alive connection; events/s is stored events over
the wall time of the posts (each 200 is sent after the store commit). Prints the median of --runs
for each path and their ratio.
"""
import argparse
import gzip
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

BASE = 1_796_119_200_000_000_000  # 2026-12-01T10:00:00Z in ns


def kv(key, value):
    return KeyValue(key=key, value=AnyValue(int_value=value) if isinstance(value, int) else AnyValue(string_value=value))


def iso(ns):
    seconds, rest = divmod(ns // 1000, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{rest:06d}Z"


def build(requests, per_batch):
    otlp, ndjson = [], []
    for first in range(0, requests, per_batch):
        request = ExportTraceServiceRequest()
        gateway = request.resource_spans.add()
        gateway.resource.attributes.extend([kv("service.name", "gateway"), kv("service.instance.id", "gateway-1")])
        gateway_spans = gateway.scope_spans.add().spans
        pricing = request.resource_spans.add()
        pricing.resource.attributes.extend([kv("service.name", "pricing"), kv("service.instance.id", "pricing-1")])
        pricing_spans = pricing.scope_spans.add().spans
        lines = []
        for n in range(first, min(first + per_batch, requests)):
            trace = n.to_bytes(16, "big")
            trace = bytes([1]) + trace[1:]
            server, client, callee = (n * 3 + 1).to_bytes(8, "big"), (n * 3 + 2).to_bytes(8, "big"), (n * 3 + 3).to_bytes(8, "big")
            start = BASE + n * 50_000_000
            gateway_spans.append(Span(
                trace_id=trace, span_id=server, name="POST /checkout", kind=Span.SPAN_KIND_SERVER, start_time_unix_nano=start,
                end_time_unix_nano=start + 30_000_000,
                attributes=[kv("http.request.method", "POST"), kv("http.route", "/checkout"), kv("http.response.status_code", 200)]))
            gateway_spans.append(Span(
                trace_id=trace, span_id=client, parent_span_id=server, name="GET", kind=Span.SPAN_KIND_CLIENT,
                start_time_unix_nano=start + 2_000_000, end_time_unix_nano=start + 25_000_000,
                attributes=[kv("http.request.method", "GET"), kv("peer.service", "pricing"), kv("url.full", "http://pricing/price/42"),
                            kv("http.response.status_code", 200)]))
            pricing_spans.append(Span(
                trace_id=trace, span_id=callee, parent_span_id=client, name="GET /price/{sku}", kind=Span.SPAN_KIND_SERVER,
                start_time_unix_nano=start + 3_000_000, end_time_unix_nano=start + 24_000_000,
                attributes=[kv("http.request.method", "GET"), kv("http.route", "/price/{sku}"), kv("http.response.status_code", 200)]))
            t, s, c, k = trace.hex(), server.hex(), client.hex(), callee.hex()
            common = lambda svc, inst, span, parent: {
                "service": svc, "instance": inst, "correlation_id": t, "trace_id": t, "span_id": span, **({"parent_span_id": parent} if parent else {})}
            lines += [
                {"timestamp": iso(start), "level": "info", "event_type": "request_start", "event_id": f"n{n}a", **common("gateway", "gateway-1", s, None), "method": "POST", "endpoint": "/checkout"},
                {"timestamp": iso(start + 30_000_000), "level": "info", "event_type": "request_end", "event_id": f"n{n}b", **common("gateway", "gateway-1", s, None), "method": "POST", "endpoint": "/checkout", "status_code": 200, "duration_ms": 30.0, "success": True},
                {"timestamp": iso(start + 25_000_000), "level": "info", "event_type": "service_call", "event_id": f"n{n}c", **common("gateway", "gateway-1", c, s), "target_service": "pricing", "method": "GET", "endpoint": "/price/42", "duration_ms": 23.0, "status_code": 200, "success": True},
                {"timestamp": iso(start + 3_000_000), "level": "info", "event_type": "request_start", "event_id": f"n{n}d", **common("pricing", "pricing-1", k, c), "method": "GET", "endpoint": "/price/{sku}"},
                {"timestamp": iso(start + 24_000_000), "level": "info", "event_type": "request_end", "event_id": f"n{n}e", **common("pricing", "pricing-1", k, c), "method": "GET", "endpoint": "/price/{sku}", "status_code": 200, "duration_ms": 21.0, "success": True},
            ]
        otlp.append(gzip.compress(request.SerializeToString(), 1))
        ndjson.append(gzip.compress(("\n".join(json.dumps(line, separators=(",", ":")) for line in lines) + "\n").encode(), 1))
    return otlp, ndjson


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(analyzer, bodies, path, content_type, expected):
    with tempfile.TemporaryDirectory() as directory:
        port = free_port()
        server = subprocess.Popen([analyzer, "serve", "--store", os.path.join(directory, "s.sqlite"), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            began = time.perf_counter()
            for body in bodies:
                connection.request("POST", path, body, {"Content-Type": content_type, "Content-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{path} answered {response.status}")
            elapsed = time.perf_counter() - began
            stored = int(subprocess.run(["sqlite3", os.path.join(directory, "s.sqlite"), "select count(*) from events"],
                                        capture_output=True, text=True).stdout.strip() or 0)
            if stored != expected:
                raise SystemExit(f"{path}: {stored} events stored, {expected} expected")
            return stored / elapsed
        finally:
            server.terminate()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--analyzer", required=True)
    parser.add_argument("--requests", type=int, default=20000, help="requests (5 events each)")
    parser.add_argument("--batch", type=int, default=200, help="requests per HTTP batch (1000 events)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    otlp, ndjson = build(args.requests, args.batch)
    expected = args.requests * 5
    rates = {"otlp": [], "ndjson": []}
    for _ in range(args.runs):  # interleaved, so both paths see the same machine
        rates["ndjson"].append(run(args.analyzer, ndjson, "/v1/events", "application/x-ndjson", expected))
        rates["otlp"].append(run(args.analyzer, otlp, "/v1/traces", "application/x-protobuf", expected))
    ndjson_rate, otlp_rate = statistics.median(rates["ndjson"]), statistics.median(rates["otlp"])
    print(f"events: {expected} per run, {len(otlp)} batches, {args.runs} runs (median)")
    print(f"NDJSON  POST /v1/events  {ndjson_rate:10.0f} events/s   ({', '.join(f'{r:.0f}' for r in rates['ndjson'])})")
    print(f"OTLP    POST /v1/traces  {otlp_rate:10.0f} events/s   ({', '.join(f'{r:.0f}' for r in rates['otlp'])})")
    print(f"ratio OTLP/NDJSON: {otlp_rate / ndjson_rate:.2f}")


if __name__ == "__main__":
    sys.exit(main())
