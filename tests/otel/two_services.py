#!/usr/bin/env python3
"""Two services instrumented with the OpenTelemetry Python SDK, exporting over OTLP/HTTP (protobuf)
to the analyzer: a real client of `analyzer serve`'s `/v1/traces`, `/v1/logs` and `/v1/metrics`.

    python3 tests/otel/two_services.py --endpoint http://127.0.0.1:8080 [--minutes 20] [--fault-minutes 6]

`checkout` (the entry, SERVER spans) calls `inventory` (a CLIENT span towards server.address
"inventory", then inventory's own SERVER span). The traffic is laid on past timestamps so that
minutes of it take seconds: for the last --fault-minutes, inventory fails most requests on its own
(an exception recorded on its span, status ERROR, 500) and checkout answers 502. Every request also
writes a log record inside inventory's span, and each service exports two gauges live (process
memory and CPU). Prints one JSON line: what was sent and one failing trace's ID.

Needs opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http (scripts/setup.sh installs them).
"""
import argparse
import json
import random
import sys
import time

from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.metrics import Observation
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode


class InventoryUnavailable(Exception):
    """The callee's own failure (what the analyzer should blame)."""


def service(name, endpoint, headers):
    resource = Resource.create({"service.name": name, "service.instance.id": f"{name}-1", "host.name": "otel-test-host"})
    tracing = TracerProvider(resource=resource)
    tracing.add_span_processor(BatchSpanProcessor(
        OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", headers=headers), max_queue_size=100_000, max_export_batch_size=2048))
    logging = LoggerProvider(resource=resource)
    logging.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=f"{endpoint}/v1/logs", headers=headers), max_queue_size=100_000, max_export_batch_size=2048))
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics", headers=headers), export_interval_millis=3_600_000)
    metering = MeterProvider(resource=resource, metric_readers=[reader])
    meter = metering.get_meter("two_services")
    meter.create_observable_gauge(
        "process.memory.usage", unit="By", callbacks=[lambda _options: [Observation(180 * 1024 * 1024)]])
    meter.create_observable_gauge(
        "process.cpu.utilization", unit="1", callbacks=[lambda _options: [Observation(0.12)]])
    return tracing, logging, metering


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True, help="the analyzer's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", help="bearer token of the analyzer, if it has one")
    parser.add_argument("--minutes", type=int, default=20, help="minutes of traffic (ending now)")
    parser.add_argument("--fault-minutes", type=int, default=6, help="the last minutes in which inventory fails")
    parser.add_argument("--rate", type=float, default=2.0, help="requests per second")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    rng = random.Random(args.seed)

    checkout_tracing, checkout_logging, checkout_metering = service("checkout", args.endpoint, headers)
    inventory_tracing, inventory_logging, inventory_metering = service("inventory", args.endpoint, headers)
    checkout = checkout_tracing.get_tracer("checkout.http")
    inventory = inventory_tracing.get_tracer("inventory.http")
    inventory_log = inventory_logging.get_logger("inventory.app")

    now = time.time_ns()
    start = now - args.minutes * 60 * 1_000_000_000
    fault_start = now - args.fault_minutes * 60 * 1_000_000_000
    step = int(1_000_000_000 / args.rate)
    sent = {"requests": 0, "failed": 0, "failing_trace_id": None, "trace_id": None}
    t = start
    while t < now - 2_000_000_000:
        faulty = t >= fault_start and rng.random() < 0.7
        ms = 1_000_000
        own = int(rng.uniform(18, 30) * ms)
        server = checkout.start_span(
            "POST /checkout", kind=SpanKind.SERVER, start_time=t,
            attributes={"http.request.method": "POST", "http.route": "/checkout", "url.path": "/checkout", "user.id": f"u{rng.randint(1, 50)}"})
        client = checkout.start_span(
            "GET", kind=SpanKind.CLIENT, context=trace.set_span_in_context(server), start_time=t + 3 * ms,
            attributes={"http.request.method": "GET", "server.address": "inventory", "server.port": 8080,
                        "url.full": "http://inventory:8080/items/42?fields=stock"})
        callee = inventory.start_span(
            "GET /items/{id}", kind=SpanKind.SERVER, context=trace.set_span_in_context(client), start_time=t + 4 * ms,
            attributes={"http.request.method": "GET", "http.route": "/items/{id}", "url.path": "/items/42"})
        callee_end = t + 4 * ms + own
        inventory_log.emit(
            timestamp=t + 5 * ms, context=trace.set_span_in_context(callee), severity_number=SeverityNumber.INFO,
            severity_text="INFO", body="looking up stock for item 42", attributes={"item.id": 42})
        if faulty:
            error = InventoryUnavailable("stock database refused the query: too many clients")
            callee.record_exception(error, timestamp=callee_end - ms)
            callee.set_status(Status(StatusCode.ERROR, str(error)))
            callee.set_attribute("http.response.status_code", 500)
            client.set_attribute("http.response.status_code", 500)
            client.set_status(Status(StatusCode.ERROR))
            server.set_attribute("http.response.status_code", 502)
            server.set_status(Status(StatusCode.ERROR))
            inventory_log.emit(
                timestamp=callee_end - ms, context=trace.set_span_in_context(callee), severity_number=SeverityNumber.ERROR,
                severity_text="ERROR", body="stock query failed: too many clients", attributes={"item.id": 42})
            sent["failed"] += 1
            sent["failing_trace_id"] = sent["failing_trace_id"] or format(server.get_span_context().trace_id, "032x")
        else:
            callee.set_attribute("http.response.status_code", 200)
            client.set_attribute("http.response.status_code", 200)
            server.set_attribute("http.response.status_code", 200)
        callee.end(end_time=callee_end)
        client.end(end_time=callee_end + ms)
        server.end(end_time=callee_end + 3 * ms)
        sent["trace_id"] = sent["trace_id"] or format(server.get_span_context().trace_id, "032x")
        sent["requests"] += 1
        t += step

    ok = True
    for provider in (checkout_tracing, inventory_tracing, checkout_logging, inventory_logging, checkout_metering, inventory_metering):
        ok = provider.force_flush() is not False and ok
    for provider in (checkout_tracing, inventory_tracing, checkout_logging, inventory_logging, checkout_metering, inventory_metering):
        provider.shutdown()
    sent["flushed"] = ok
    print(json.dumps(sent))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
