"""Tests of the Nezha converter and scorer (standard library; jsonschema when installed).

Run: python3 -m unittest discover -s Benchmarks/nezha -p 'test_*.py'
The rows below are shaped like the repository's files (header and value formats copied from them).
"""
import collections
import contextlib
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import convert  # noqa: E402
import nezha_events as ne  # noqa: E402
import score  # noqa: E402
from nezha_source import Source  # noqa: E402

SCHEMA = os.path.join(HERE, "..", "..", "docs", "event-format.schema.json")
TRACE_HEADER = "TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration"
LOG_HEADER = "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log"
METRIC_HEADER = ("Time,TimeStamp,PodName,CpuUsage(m),CpuUsageRate(%),MemoryUsage(Mi),MemoryUsageRate(%),SyscallRead,"
                 "SyscallWrite,NetworkReceiveBytes,NetworkTransmitBytes,PodClientLatencyP90(s),PodServerLatencyP90(s),"
                 "PodClientLatencyP95(s),PodServerLatencyP95(s),PodClientLatencyP99(s),PodServerLatencyP99(s),"
                 "PodWorkload(Ops),PodSuccessRate(%),NodeCpuUsageRate(%),NodeMemoryUsageRate(%),NodeNetworkReceiveBytes")
GATEWAY, AUTH = "ts-gateway-service-6f6cfc45b-h5m2n", "ts-auth-service-7f8d7d756d-k7b9j"


def trace_rows(trace, start_ns, prefix="a"):
    """gateway root -> internal -> client 'HTTP POST' -> auth server span -> auth internal (SQL) span."""
    def span(n):
        return f"{prefix}{n:015x}"
    return [
        f"{trace},{span(1)},root,{GATEWAY},/*,{start_ns},{start_ns + 318_316_530},318316",
        f"{trace},{span(2)},{span(1)},{GATEWAY},FilteringWebHandler.handle,{start_ns + 700_000},{start_ns + 318_000_000},317300",
        f"{trace},{span(3)},{span(2)},{GATEWAY},HTTP POST,{start_ns + 2_000_000},{start_ns + 318_200_000},316200",
        f"{trace},{span(4)},{span(3)},{AUTH},/api/v1/users/login,{start_ns + 4_000_000},{start_ns + 315_000_000},311000",
        f"{trace},{span(5)},{span(4)},{AUTH},SELECT ts.user,{start_ns + 5_000_000},{start_ns + 6_000_000},1000",
    ]


def csv_rows(header, lines):
    return ne.read_csv("\n".join([header] + lines) + "\n")


def docker_log(text):
    return '"' + json.dumps({"log": text + "\n", "stream": "stdout", "time": "x"}).replace('"', '""') + '"'


def metric_line(time_text, pod, cpu_m, memory_mi):
    return f"{time_text},0,{pod},{cpu_m},{cpu_m / 5},{memory_mi},20,0,0,1,2,0.1,0.2,0.1,0.2,0.1,0.2,1,0,3,30,100"


class SpanMappingTests(unittest.TestCase):
    def events(self, lines):
        stats = collections.Counter()
        return ne.span_events(csv_rows(TRACE_HEADER, lines), stats, "t"), stats

    def test_server_client_and_internal_spans_are_told_apart_by_the_tree(self):
        events, stats = self.events(trace_rows("b0103bb0161ad7fa352fe1828eeb643a", 1674981768697000000))
        kinds = collections.Counter((e.body["service"], e.body["event_type"]) for e in events)
        self.assertEqual(kinds, {("ts-gateway-service", "request_start"): 1, ("ts-gateway-service", "request_end"): 1,
                                 ("ts-gateway-service", "service_call"): 1, ("ts-auth-service", "request_start"): 1,
                                 ("ts-auth-service", "request_end"): 1})
        self.assertEqual(stats["internal_spans_dropped"], 2)
        call = next(e.body for e in events if e.body["event_type"] == "service_call")
        self.assertEqual(call["target_service"], "ts-auth-service")
        self.assertEqual(call["endpoint"], "/api/v1/users/login")  # the callee's operation, not "HTTP POST"
        self.assertEqual(call["method"], "POST")
        self.assertEqual(call["parent_span_id"], "a000000000000001")  # the enclosing server span, past the internal one
        self.assertEqual(call["duration_ms"], 316.2)
        auth_end = next(e.body for e in events if e.body["event_type"] == "request_end" and e.body["service"] == "ts-auth-service")
        self.assertEqual(auth_end["parent_span_id"], call["span_id"])
        self.assertEqual(auth_end["method"], "POST")  # from the calling client span
        self.assertFalse(auth_end["status_recorded"])
        gateway_start = next(e for e in events if e.body["event_type"] == "request_start" and e.body["service"] == "ts-gateway-service")
        self.assertNotIn("parent_span_id", gateway_start.body)
        self.assertEqual(gateway_start.body["method"], "UNKNOWN")  # nothing in the data says
        self.assertEqual(gateway_start.us, 1674981768697000)

    def test_repeated_spans_are_kept_once_and_grpc_methods_are_post(self):
        lines = ["0087f677c0a2cf3f80a551987167911b,ee744a66e6efcb2e,root,frontend-579b9bff58-t2dbm,hipstershop.Frontend/Recv.,1661140374351773094,1661140374362982609,11209",
                 "0087f677c0a2cf3f80a551987167911b,a23660ca2e7cc4c8,ee744a66e6efcb2e,frontend-579b9bff58-t2dbm,hipstershop.ProductCatalogService/GetProduct,1661140374351910124,1661140374357482580,5572",
                 "0087f677c0a2cf3f80a551987167911b,55b2fda62c1b8ce1,a23660ca2e7cc4c8,productcatalogservice-668d5f85fb-wckp8,hipstershop.ProductCatalogService/GetProduct,1661140374353765692,1661140374356763596,2997"]
        events, stats = self.events(lines + lines[1:2])
        self.assertEqual(stats["span_duplicates"], 1)
        self.assertEqual(len(events), 5)
        methods = {(e.body["service"], e.body["event_type"]): e.body["method"] for e in events}
        self.assertEqual(methods[("frontend", "request_start")], "UNKNOWN")  # "Recv." is not a gRPC method name
        self.assertEqual(methods[("frontend", "service_call")], "POST")
        self.assertEqual(methods[("productcatalogservice", "request_end")], "POST")


class LogMappingTests(unittest.TestCase):
    def events(self, lines):
        stats = collections.Counter()
        return ne.log_events(csv_rows(LOG_HEADER, lines), stats, "t"), stats

    def test_train_ticket_text_lines_keep_level_logger_and_trace(self):
        text = ("16:43:26.379 ERROR o.a.c.c.C.[.[.[.[dispatcherServlet]#175 TraceID: fbb1c2904ee397adaf90efb157db6791 "
                "SpanID: 66efc3be7e5d090c Servlet.service() threw exception [Request processing failed; nested exception "
                "is java.lang.IllegalStateException: No instances available for ts-food-service] with root cause")
        line = (f"2023-01-29T08:43:26.379Z,1674981806379000000,33.33.33.116,ts-preserve-service-b5ccf8557-j4txs,server,"
                f"fbb1c2904ee397adaf90efb157db6791,66efc3be7e5d090c,{docker_log(text)}")
        (event,), stats = self.events([line])
        body = event.body
        self.assertEqual((body["event_type"], body["level"], body["service"]), ("error", "error", "ts-preserve-service"))
        self.assertEqual(body["error_type"], "java.lang.IllegalStateException")
        self.assertTrue(body["message"].startswith("Servlet.service()"))
        self.assertEqual(body["source"], "o.a.c.c.C.[.[.[.[dispatcherServlet]#175")
        self.assertEqual((body["trace_id"], body["span_id"], body["host"]), ("fbb1c2904ee397adaf90efb157db6791", "66efc3be7e5d090c", "33.33.33.116"))

    def test_structured_lines_and_lines_without_level(self):
        structured = json.dumps({"http.req.path": "/", "http.resp.status": 200, "message": "TraceID: 0200bdc70f6f1617d57ca905bafceea2 SpanID: 0f5285d557d6e59d Request complete",
                                 "severity": "info", "timestamp": "2022-08-23T13:28:43.813669073Z"})
        plain = "TraceID: 0200bdc70f6f1617d57ca905bafceea2 SpanID: 5eaa0ff0600ca04f GetCartAsync called with userId=1"
        lines = [f"2022-08-23T13:28:43.813669073Z,1661261323813669073,33.33.33.1,frontend-579b9bff58-t2dbm,server,0200bdc70f6f1617d57ca905bafceea2,0f5285d557d6e59d,{docker_log(structured)}",
                 f"2022-08-23T13:28:43.9Z,1661261323900000000,33.33.33.2,cartservice-579f59597d-wc2lz,server,0200bdc70f6f1617d57ca905bafceea2,5eaa0ff0600ca04f,{docker_log(plain)}"]
        (frontend, cart), stats = self.events(lines)
        self.assertEqual(frontend.body["message"], "Request complete")
        self.assertEqual(frontend.body["http.resp.status"], 200)
        self.assertEqual(frontend.body["event_type"], "log")
        self.assertEqual(cart.body["message"], "GetCartAsync called with userId=1")
        self.assertEqual(cart.body["level"], "info")
        self.assertEqual(stats["log_rows_without_level"], 1)

    def test_an_overflowed_unix_time_falls_back_to_the_timestamp_column(self):
        line = (f"2023-01-29T09:20:29.295,-6795364578871345152,33.33.33.1,ts-basic-service-5dc8d4f9fd-46997,server,"
                f"58f3ce843e99dbfbdec3a3f84f508439,d47002e2c42eb70e,{docker_log('17:20:29.295 INFO  f.m.s.BasicServiceImpl#1 x')}")
        (event,), stats = self.events([line])
        self.assertEqual(ne.rfc3339(event.us), "2023-01-29T09:20:29.295000Z")
        self.assertEqual(stats["log_rows_time_from_timestamp_column"], 1)


class MetricMappingTests(unittest.TestCase):
    def test_pod_rows_become_resource_events_with_every_gauge(self):
        rows = csv_rows(METRIC_HEADER, [metric_line("2023-01-29 08:41:09.712997733 +0000 UTC m=+0.789159594", "ts-basic-service-5dc8d4f9fd-46997", 4.6, 407.4)])
        (event,) = ne.metric_events(rows, collections.Counter(), "t")
        body = event.body
        self.assertEqual(ne.rfc3339(event.us), "2023-01-29T08:41:09.712997Z")
        self.assertEqual((body["service"], body["instance"]), ("ts-basic-service", "ts-basic-service-5dc8d4f9fd-46997"))
        self.assertAlmostEqual(body["cpu_percent"], 0.46)
        self.assertEqual(body["memory_mb"], 407.4)
        self.assertAlmostEqual(body["cpu_usage_rate_percent"], 0.92)
        self.assertAlmostEqual(body["cpu_limit_percent"], 0.92)
        self.assertEqual(body["pod_client_latency_p90_s"], 0.1)
        self.assertEqual(body["pod_workload_ops"], 1.0)
        self.assertEqual(body["node_network_receive_bytes"], 100.0)


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)


def make_repository(root):
    """A tiny Train Ticket copy: a reference minute at 08:50, one fault at 08:43:04 with its three minutes."""
    def minute_ns(hour, minute, second):
        return (1674950400 + hour * 3600 + minute * 60 + second) * 1_000_000_000
    traces = {("construct_data", "08_50"): minute_ns(8, 49, 5), ("rca_data", "08_43"): minute_ns(8, 42, 30),
              ("rca_data", "08_44"): minute_ns(8, 43, 30), ("rca_data", "08_45"): minute_ns(8, 44, 30)}
    for number, ((base, name), start) in enumerate(traces.items()):
        trace = f"{number + 1:032x}"
        write(root, f"{base}/2023-01-29/trace/{name}_trace.csv", "\n".join([TRACE_HEADER] + trace_rows(trace, start)) + "\n")
        write(root, f"{base}/2023-01-29/traceid/{name}_traceid.csv", trace + "\n")
        text = f"16:4{number}:00.000 INFO  a.s.i.TokenServiceImpl#95 TraceID: {trace} SpanID: a000000000000004 [getToken][success]"
        write(root, f"{base}/2023-01-29/log/{name}_log.csv",
              f"{LOG_HEADER}\n{ne.rfc3339((start + 5_000_000) // 1000)},{start + 5_000_000},33.33.33.1,{AUTH},server,{trace},a000000000000004,{docker_log(text)}\n")
    for base in ("construct_data", "rca_data"):
        lines = [metric_line(f"2023-01-29 08:{m:02d}:09.5 +0000 UTC m=+1", AUTH, 5.0 if m < 44 else 500.0, 400) for m in range(40, 52)]
        write(root, f"{base}/2023-01-29/metric/{AUTH}_metric.csv", "\n".join([METRIC_HEADER] + lines) + "\n")
        write(root, f"{base}/2023-01-29/metric/front_service.csv", "Time,TimeStamp,ServiceName\n")
    write(root, "rca_data/2023-01-29/2023-01-29-fault_list.json", json.dumps({"08": [
        {"inject_time": "2023-01-29 08:43:04", "inject_timestamp": "1674981784", "inject_pod": AUTH, "inject_type": "cpu_contention"}]}))
    write(root, "rca_data/2023-01-30/2023-01-30-fault_list.json", "{}")


class ConvertAndScoreTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="nezha-test-")
        self.repository = os.path.join(self.directory, "Nezha")
        self.out = os.path.join(self.directory, "out")
        make_repository(self.repository)

    def tearDown(self):
        shutil.rmtree(self.directory)

    def convert(self, source, *extra):
        with contextlib.redirect_stderr(io.StringIO()):  # its progress lines
            code = convert.main(["--source", source, "--out", self.out, "--systems", "tt", *extra])
        self.assertEqual(code, 0)
        with open(os.path.join(self.out, "labels.ndjson")) as handle:
            (label,) = [json.loads(line) for line in handle]
        with gzip.open(os.path.join(self.out, label["case_file"]), "rt") as handle:
            events = [json.loads(line) for line in handle]
        with open(os.path.join(self.out, "manifest.json")) as handle:
            manifest = json.load(handle)["cases"][0]
        return label, events, manifest

    def test_a_case_is_the_shifted_reference_minute_then_the_fault_minutes(self):
        label, events, manifest = self.convert(self.repository)
        self.assertEqual(label["case_id"], "tt-2023-01-29-0843")
        self.assertEqual((label["root_cause_service"], label["inject_type"]), ("ts-auth-service", "cpu_contention"))
        baseline = [e for e in events if e["event_id"].startswith("b")]
        fault = [e for e in events if e["event_id"].startswith("f")]
        self.assertTrue(baseline and fault)
        self.assertEqual([e["timestamp"] for e in events], sorted(e["timestamp"] for e in events))
        gap = score.parse_time(fault[0]["timestamp"]) - score.parse_time(baseline[-1]["timestamp"])
        self.assertEqual(gap.total_seconds(), 1.0)
        self.assertEqual(manifest["fault_minutes_used"], 3)
        self.assertEqual(sum(1 for e in fault if e["event_type"] == "resource"), 3)  # the rows of 08:43-08:45
        self.assertEqual(sum(1 for e in fault if e["event_type"] == "log"), 3)
        self.assertEqual(len({e["event_id"] for e in events}), len(events))
        try:
            import jsonschema
        except ImportError:
            self.skipTest("jsonschema is not installed: the events were not checked against the schema")
        with open(SCHEMA) as handle:
            validator = jsonschema.Draft202012Validator(json.load(handle))
        for event in events:
            self.assertEqual(list(validator.iter_errors(event)), [], event)

    def test_a_lost_trace_minute_is_a_hole_and_without_a_reference_minute_only_the_fault_minutes_remain(self):
        os.remove(os.path.join(self.repository, "rca_data/2023-01-29/trace/08_44_trace.csv"))
        label, events, manifest = self.convert(self.repository, "--baseline", "none")
        self.assertEqual([m["used"] for m in manifest["minutes"]], [True, False, True])
        self.assertFalse(any(e["event_id"].startswith("b") for e in events))
        minutes = {e["timestamp"][11:16] for e in events}
        self.assertNotIn("08:44", {e["timestamp"][11:16] for e in events if e["event_type"] == "resource"})
        self.assertTrue({"08:42", "08:44"} & minutes)

    def test_a_bare_git_copy_reports_missing_blobs_as_absent(self):
        run = lambda *args: subprocess.run(["git", "-C", self.repository, *args], check=True, capture_output=True)
        run("init", "-q")
        run("add", "-A")
        run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "data")
        bare = os.path.join(self.directory, "bare.git")
        subprocess.run(["git", "clone", "-q", "--bare", self.repository, bare], check=True, capture_output=True)
        blob = subprocess.run(["git", "-C", bare, "rev-parse", "HEAD:rca_data/2023-01-29/trace/08_45_trace.csv"],
                              check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["git", "-C", bare, "repack", "-a", "-d", "-q"], check=True)
        # Rebuild the pack without that one blob, as the copy on this machine lacks its large files.
        objects = subprocess.run(["git", "-C", bare, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)"],
                                 check=True, capture_output=True, text=True).stdout.split()
        keep = "\n".join(o for o in objects if o != blob) + "\n"
        pack_dir = os.path.join(bare, "objects", "pack")
        old = os.listdir(pack_dir)
        subprocess.run(["git", "-C", bare, "pack-objects", "-q", os.path.join(pack_dir, "pack")], input=keep.encode(), check=True,
                       capture_output=True)
        for name in old:
            os.remove(os.path.join(pack_dir, name))
        source = Source(bare)
        self.assertEqual(source.state("rca_data/2023-01-29/trace/08_45_trace.csv"), "absent")
        self.assertEqual(source.state("rca_data/2023-01-29/trace/08_44_trace.csv"), "present")
        self.assertIsNone(source.read("rca_data/2023-01-29/trace/08_45_trace.csv"))
        label, events, manifest = self.convert(bare)
        self.assertEqual([m["trace"] for m in manifest["minutes"]], ["present", "present", "absent"])


class JudgeTests(unittest.TestCase):
    label = {"case_id": "c", "system": "tt", "inject_type": "network_delay", "root_cause_service": "b",
             "inject_time": "2023-01-29T08:43:00.000000Z", "data_end": "2023-01-29T08:45:00.000000Z"}

    def incident(self, start, end, service, kind="latency", candidates=()):
        return {"id": "i", "start": f"2023-01-29T{start}.000000Z", "end": f"2023-01-29T{end}.000000Z",
                "root_cause": {"service": service, "kind": kind, "confidence": 0.9},
                "candidates": [{"service": name} for name in candidates]}

    def test_the_incident_overlapping_the_fault_most_is_judged(self):
        incidents = [self.incident("08:40:00", "08:42:00", "b"), self.incident("08:43:10", "08:43:20", "a"),
                     self.incident("08:43:30", "08:46:00", "b", candidates=["b", "c"])]
        verdict = score.judge(self.label, {"a", "b", "c"}, {"incidents": incidents})
        self.assertTrue(verdict["ac1"] and verdict["ac3"] and verdict["kind_ok"])
        self.assertEqual(verdict["prefault_incidents"], 1)

    def test_null_absent_and_unknown_services_are_abstentions(self):
        for service in (None, "unknown"):
            incidents = [self.incident("08:43:30", "08:46:00", service, candidates=["a", "b"])]
            verdict = score.judge(self.label, {"a", "b"}, {"incidents": incidents})
            self.assertTrue(verdict["abstained"])
            self.assertFalse(verdict["ac1"])
            self.assertTrue(verdict["ac3"])  # the candidates still rank it
        absent = self.incident("08:43:30", "08:46:00", "b")
        del absent["root_cause"]
        verdict = score.judge(self.label, {"a", "b"}, {"incidents": [absent]})
        self.assertTrue(verdict["abstained"] and not verdict["ac1"])

    def test_no_incident_is_a_miss(self):
        verdict = score.judge(self.label, {"b"}, {"incidents": []})
        self.assertFalse(verdict["ac1"] or verdict["ac3"] or verdict["kind_ok"])
        self.assertIn("no incident", score.said(verdict))


if __name__ == "__main__":
    unittest.main()
