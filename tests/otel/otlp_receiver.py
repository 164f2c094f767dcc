#!/usr/bin/env python3
"""An OTLP/HTTP logs receiver built on OpenTelemetry's own protobuf classes (PyPI's
opentelemetry-proto): the independent decoder for logshipper's `--to-otlp` output.

    python3 tests/otel/otlp_receiver.py --port PORT --out records.jsonl [--fail-first N]

Accepts POST /v1/logs with Content-Type application/x-protobuf (gzip or plain), parses each body as
an ExportLogsServiceRequest, and appends one JSON line per log record to --out: the record as
protobuf's JSON mapping gives it, plus its resource and scope. Answers 503 with Retry-After: 1 to
the first N requests (an outage the shipper must ride out), then 200 with an empty
ExportLogsServiceResponse. Prints "listening PORT" once ready.
"""
import argparse
import gzip
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest, ExportLogsServiceResponse


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    state = {"requests": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def reply(self, status, body=b"", content_type="application/x-protobuf", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state["requests"] += 1
            if self.path != "/v1/logs":
                return self.reply(404, b"unknown path", "text/plain")
            if self.headers.get("Content-Type") != "application/x-protobuf":
                return self.reply(415, b"want application/x-protobuf", "text/plain")
            if state["requests"] <= args.fail_first:
                return self.reply(503, b"warming up", "text/plain", [("Retry-After", "1")])
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            request = ExportLogsServiceRequest()
            request.ParseFromString(body)
            with open(args.out, "a") as out:
                for resource_logs in request.resource_logs:
                    resource = MessageToDict(resource_logs.resource, preserving_proto_field_name=True)
                    for scope_logs in resource_logs.scope_logs:
                        for record in scope_logs.log_records:
                            line = MessageToDict(record, preserving_proto_field_name=True)
                            line["resource"] = resource
                            line["scope"] = scope_logs.scope.name
                            out.write(json.dumps(line) + "\n")
            self.reply(200, ExportLogsServiceResponse().SerializeToString())

    # A test runner may start it with SIGTERM ignored; stop on it all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening {args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
