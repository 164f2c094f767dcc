"""Map Nezha's trace, log and metric rows to canonical events (docs/event-format.md).

Every function here reads only the recorded rows; none of them sees a label. Each returns a list of
`Event`s: the time in microseconds since the epoch, a tie-break rank, and the event's fields except
`timestamp` (added when the event is written, after an optional shift: see `Event.line`).

What the rows hold and what they lack is described in README.md ("What the data is"); in short:
- traces: TraceID, SpanID, ParentID ('root' for none), PodName, OperationName, start/end (ns), Duration
  (µs). No span kind and no status: kind is read from the tree (a span is a server span when its parent
  is in another service or it has none, a client span when a child is in another service), and every
  span is written with status 200 / success true plus `status_recorded: false`.
- logs: container stdout lines (docker JSON wrapper), with TraceID/SpanID columns Nezha extracted.
- metrics: one row per pod per minute, Kubernetes/Prometheus gauges.
"""
import calendar
import csv
import io
import json
import math
import re
import time

POD_NAME = re.compile(r"^(.+)-[0-9a-f]{8,10}-[0-9a-z]{5}$")
TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
SPAN_ID = re.compile(r"^[0-9a-f]{16}$")
HTTP_SPAN = re.compile(r"^HTTP ([A-Z]+)$")
# A gRPC full method name ("hipstershop.CartService/GetCart", "/pkg.Svc/M", "grpc.pkg.Svc/M").
GRPC_METHOD = re.compile(r"^/?[A-Za-z_]\w*(\.[A-Za-z_]\w*)+/[A-Za-z_]\w*$")
TRACE_PREFIX = re.compile(r"^TraceID: ([0-9a-f]*) SpanID: ([0-9a-f]*) ?")
# "16:42:22.382 INFO  t.s.TravelServiceImpl#532 rest" (Train Ticket, OB adservice: logger may be "-").
TEXT_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d+\s+(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\s+(\S+)\s+(.*)$", re.S)
EXCEPTION_CLASS = re.compile(r"\b((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error))\b")
ISO_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?$")
METRIC_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? \+0000 UTC")
LEVELS = {"trace": "trace", "debug": "debug", "info": "info", "notice": "notice", "warn": "warning",
          "warning": "warning", "error": "error", "err": "error", "fatal": "critical", "critical": "critical"}
# Keys of a structured log line that became typed fields (the inner timestamp is the row's own time).
LOG_CONSUMED = {"message", "msg", "severity", "level", "name", "timestamp", "time"}
RESERVED = {"timestamp", "level", "service", "event_type", "event_id", "host", "instance", "message", "source",
            "correlation_id", "trace_id", "span_id", "parent_span_id", "trace_flags", "method", "endpoint",
            "user_id", "status_code", "duration_ms", "success", "target_service", "error", "attempt",
            "error_type", "stack", "memory_mb", "cpu_percent", "threads", "open_fds"}
UNIT_SUFFIXES = {"%": "percent", "s": "s", "m": "millicores", "Mi": "mib", "Ops": "ops"}

RANK = {"request_start": 0, "log": 1, "error": 1, "service_call": 2, "request_end": 3, "resource": 4}

_seconds = {}


def rfc3339(microseconds):
    """`2022-08-22T03:53:54.000000Z` (exactly 6 fractional digits, UTC)."""
    seconds, fraction = divmod(microseconds, 1_000_000)
    prefix = _seconds.get(seconds)
    if prefix is None:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        if len(_seconds) > 200_000:
            _seconds.clear()
        _seconds[seconds] = prefix
    return f"{prefix}.{fraction:06d}Z"


def service_of(pod):
    """Deployment name of a pod (`ts-basic-service-5dc8d4f9fd-46997` -> `ts-basic-service`)."""
    match = POD_NAME.match(pod)
    return match.group(1) if match else pod


class Event:
    """One canonical event before its timestamp is written."""

    __slots__ = ("us", "rank", "body")

    def __init__(self, us, body):
        self.us = us
        self.rank = RANK[body["event_type"]]
        self.body = body

    def line(self, shift_us=0, id_prefix=""):
        """The NDJSON line, with the time moved by `shift_us` and `id_prefix` before the event_id."""
        body = self.body
        head = {"timestamp": rfc3339(self.us + shift_us), "level": body["level"], "service": body["service"],
                "event_type": body["event_type"], "event_id": id_prefix + body["event_id"]}
        for key, value in body.items():
            if key not in head:
                head[key] = value
        return json.dumps(head, ensure_ascii=False, separators=(",", ":"))


def read_csv(text):
    """Rows of a Nezha CSV file as dicts (header from the first line)."""
    return list(csv.DictReader(io.StringIO(text)))


# --- traces ---------------------------------------------------------------------------------------

def _method(operation, calling_operation=None):
    for name in (operation, calling_operation):
        if name:
            match = HTTP_SPAN.match(name)
            if match:
                return match.group(1)
    if GRPC_METHOD.match(operation):
        return "POST"  # gRPC calls are HTTP/2 POST requests
    return "UNKNOWN"


def span_events(rows, stats, id_scope):
    """request_start/request_end per server span, service_call per client span; internal spans dropped.

    `rows` are all trace rows of one block (several minute files); `id_scope` makes event ids unique
    per block. A span repeated with identical fields (the data has some) is kept once.
    """
    spans = {}
    for row in rows:
        key = (row["TraceID"], row["SpanID"])
        if key in spans:
            stats["span_duplicates"] += 1
            continue
        spans[key] = row
    children = {}
    for key, row in spans.items():
        if row["ParentID"] != "root":
            children.setdefault((row["TraceID"], row["ParentID"]), []).append(row)

    def svc(row):
        return service_of(row["PodName"])

    def is_server(row):
        parent = spans.get((row["TraceID"], row["ParentID"]))
        return row["ParentID"] == "root" or parent is None or svc(parent) != svc(row)

    events = []
    for (trace, span), row in spans.items():
        stats["spans"] += 1
        if not TRACE_ID.match(trace) or trace == "0" * 32 or not SPAN_ID.match(span) or span == "0" * 16:
            stats["spans_bad_ids"] += 1
            continue
        service = svc(row)
        remote = sorted((child for child in children.get((trace, span), []) if svc(child) != service),
                        key=lambda child: int(child["StartTimeUnixNano"]))
        start_us = int(row["StartTimeUnixNano"]) // 1000
        end_us = int(row["EndTimeUnixNano"]) // 1000
        duration_ms = round(int(row["Duration"]) / 1000, 3)
        parent_id = row["ParentID"]
        parent = spans.get((trace, parent_id))
        trace_fields = {"correlation_id": trace, "trace_id": trace, "span_id": span}
        if is_server(row):
            stats["server_spans"] += 1
            if remote:
                stats["server_spans_with_remote_children"] += 1
            if parent_id != "root":
                if SPAN_ID.match(parent_id):
                    trace_fields["parent_span_id"] = parent_id
                if parent is None:
                    stats["server_spans_parent_not_in_data"] += 1
            method = _method(row["OperationName"], parent["OperationName"] if parent else None)
            common = {"level": "info", "service": service, "instance": row["PodName"], "source": "nezha.trace"}
            start = dict(common, event_type="request_start", event_id=f"{id_scope}:{trace}:{span}:start")
            start.update(trace_fields)
            start.update(method=method, endpoint=row["OperationName"])
            end = dict(common, event_type="request_end", event_id=f"{id_scope}:{trace}:{span}:end")
            end.update(trace_fields)
            end.update(method=method, endpoint=row["OperationName"], status_code=200, duration_ms=duration_ms,
                       success=True, status_recorded=False)
            events.append(Event(start_us, start))
            events.append(Event(end_us, end))
        elif remote:
            stats["client_spans"] += 1
            callee = remote[0]
            # The enclosing server span of this service: internal spans between are not written.
            enclosing = parent
            while enclosing is not None and not is_server(enclosing):
                enclosing = spans.get((trace, enclosing["ParentID"]))
            if enclosing is not None and svc(enclosing) == service:
                trace_fields["parent_span_id"] = enclosing["SpanID"]
            elif SPAN_ID.match(parent_id):
                trace_fields["parent_span_id"] = parent_id
            if len({svc(child) for child in remote}) > 1:
                stats["client_spans_several_callee_services"] += 1
            call = {"level": "info", "service": service, "event_type": "service_call",
                    "event_id": f"{id_scope}:{trace}:{span}:call", "instance": row["PodName"],
                    "source": "nezha.trace"}
            call.update(trace_fields)
            call.update(target_service=svc(callee), method=_method(row["OperationName"]),
                        endpoint=callee["OperationName"], duration_ms=duration_ms, status_code=200, success=True,
                        status_recorded=False, span_name=row["OperationName"])
            events.append(Event(end_us, call))
        else:
            stats["internal_spans_dropped"] += 1
    return events


# --- logs -----------------------------------------------------------------------------------------

def _metadata_key(key):
    return f"metadata.{key}" if key in RESERVED else key


def parse_iso_time(text):
    """Microseconds since the epoch of `2023-01-29T08:42:22.383150913Z` (a missing `Z` is UTC too), or None."""
    match = ISO_TIME.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = (match.group(7) or "0")[:6].ljust(6, "0")
    return calendar.timegm((year, month, day, hour, minute, second)) * 1_000_000 + int(fraction)


def log_time(row, stats):
    """The row's time: TimeUnixNano, unless it disagrees with the Timestamp column.

    Some Train Ticket rows hold -6795364578871345152 (an overflowed conversion) in TimeUnixNano while
    their Timestamp column is right: those take the Timestamp column (millisecond precision).
    """
    stamp = parse_iso_time(row.get("Timestamp"))
    try:
        nanos = int(row.get("TimeUnixNano"))
    except (TypeError, ValueError):
        nanos = None
    if nanos is not None and (stamp is None or abs(nanos // 1000 - stamp) <= 1_000_000):
        return nanos // 1000
    if stamp is not None:
        stats["log_rows_time_from_timestamp_column"] += 1
    return stamp


def log_events(rows, stats, id_scope):
    """A `log` event per log row; rows at error level (ERROR, FATAL) become `error` events."""
    events = []
    for number, row in enumerate(rows, 1):
        stats["log_rows"] += 1
        us = log_time(row, stats)
        if us is None:
            stats["log_rows_without_time"] += 1
            continue
        raw = row.get("Log") or ""
        stream = None
        try:
            wrapper = json.loads(raw)
            text, stream = wrapper.get("log", raw), wrapper.get("stream")
        except (ValueError, AttributeError):
            text = raw
        text = text.rstrip("\n")
        level, source, metadata = None, None, {}
        message = text
        if text.startswith("{"):
            try:
                structured = json.loads(text)
            except ValueError:
                structured = None
            if isinstance(structured, dict):
                message = str(structured.get("message", structured.get("msg", text)))
                level = structured.get("severity", structured.get("level"))
                source = structured.get("name")
                for key, value in structured.items():
                    if key not in LOG_CONSUMED and (value is None or isinstance(value, (str, int, float, bool))):
                        metadata[_metadata_key(key)] = value
        else:
            match = TEXT_LINE.match(text)
            if match:
                level, logger, message = match.group(1), match.group(2), match.group(3)
                source = None if logger == "-" else logger
        trace, span = row.get("TraceID") or "", row.get("SpanID") or ""
        prefix = TRACE_PREFIX.match(message)
        if prefix:
            trace, span = trace or prefix.group(1), span or prefix.group(2)
            message = message[prefix.end():]
        mapped = LEVELS.get(str(level).lower()) if level is not None else None
        if mapped is None:
            stats["log_rows_without_level"] += 1
            mapped = "info"
        service = service_of(row["PodName"])
        body = {"level": mapped, "service": service, "event_type": "log", "event_id": f"{id_scope}:log:{number}"}
        if row.get("Node"):
            body["host"] = row["Node"]
        body["instance"] = row["PodName"]
        body["message"] = message
        if source:
            body["source"] = str(source)
        if TRACE_ID.match(trace) and trace != "0" * 32:
            body["correlation_id"] = trace
            body["trace_id"] = trace
            if SPAN_ID.match(span) and span != "0" * 16:
                body["span_id"] = span
        else:
            stats["log_rows_without_trace"] += 1
        if mapped in ("error", "critical"):
            body["event_type"] = "error"
            exception = EXCEPTION_CLASS.search(message)
            if exception:
                body["error_type"] = exception.group(1)
            elif source:
                body["error_type"] = str(source).split("#")[0]
            else:
                body["error_type"] = "error log line"
            stats["error_events"] += 1
        if stream:
            metadata.setdefault("stream", stream)
        if row.get("Container"):
            metadata.setdefault("container", row["Container"])
        body.update(metadata)
        events.append(Event(us, body))
    return events


# --- metrics --------------------------------------------------------------------------------------

def parse_metric_time(text):
    """Microseconds since the epoch of `2022-08-22 03:51:19.607158889 +0000 UTC m=+0.11`, or None."""
    match = METRIC_TIME.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = (match.group(7) or "0")[:6].ljust(6, "0")
    return calendar.timegm((year, month, day, hour, minute, second)) * 1_000_000 + int(fraction)


def gauge_name(column):
    """`PodClientLatencyP90(s)` -> `pod_client_latency_p90_s`, `CpuUsageRate(%)` -> `cpu_usage_rate_percent`."""
    match = re.match(r"^(\w+?)(?:\((.+)\))?$", column)
    base, unit = (match.group(1), match.group(2)) if match else (re.sub(r"\W+", "_", column), None)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()
    if unit:
        name += "_" + UNIT_SUFFIXES.get(unit, re.sub(r"\W+", "_", unit).lower())
    return name


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def metric_events(rows, stats, id_scope):
    """A `resource` event per pod-metric row: memory_mb = MemoryUsage(Mi), cpu_percent = CpuUsage(m) / 10."""
    events = []
    for row in rows:
        stats["metric_rows"] += 1
        us = parse_metric_time(row.get("Time"))
        if us is None:
            stats["metric_rows_without_time"] += 1
            continue
        stamp = _number(row.get("TimeStamp"))
        if stamp is not None and abs(stamp - us / 1e6) > 5:
            stats["metric_rows_timestamp_column_disagrees"] += 1
        memory, cpu = _number(row.get("MemoryUsage(Mi)")), _number(row.get("CpuUsage(m)"))
        if memory is None or cpu is None or memory < 0 or cpu < 0:
            stats["metric_rows_without_cpu_or_memory"] += 1
            continue
        pod = row["PodName"]
        body = {"level": "info", "service": service_of(pod), "event_type": "resource",
                "event_id": f"{id_scope}:metric:{pod}:{us}", "instance": pod, "source": "nezha.metric",
                "memory_mb": memory, "cpu_percent": round(cpu / 10, 6)}
        for column, text in row.items():
            if column in ("Time", "TimeStamp", "PodName", "MemoryUsage(Mi)", "CpuUsage(m)") or column is None:
                continue
            value = _number(text)
            if value is not None:
                body[_metadata_key(gauge_name(column))] = value
        # The event format's name for CPU as a share of the container's limit (what a pod at its
        # limit is at, however small the limit): the same column, under the documented gauge name.
        if "cpu_usage_rate_percent" in body:
            body["cpu_limit_percent"] = body["cpu_usage_rate_percent"]
        events.append(Event(us, body))
    return events
