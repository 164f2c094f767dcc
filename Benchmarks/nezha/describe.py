#!/usr/bin/env python3
"""What each converted case shows before and after its inject time, beside what the analyzer said.

Usage:
  describe.py [--data DIR] [--cases ID,...] [--misses]

Reads DIR/labels.ndjson, the case files and (when present) DIR/results/score.json from score.py, and
prints per case, before -> after the inject time (labels are used here: this is for reading the
results, not an input of the analyzer):
  entry   the entry service's (server spans without a parent) request p50 and requests per minute
  root    the labelled service's own request p50 and rate, its callers' call p50 towards it,
          its outgoing calls per request, its CPU (% of one core, and % of its limit) and memory
  errors  error events per minute: the labelled service, and the service with the most after the inject
"""
import argparse
import collections
import datetime
import gzip
import json
import os
import statistics
import sys


def micros(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def p50(values):
    return statistics.median(values) if values else None


def mean(values):
    return sum(values) / len(values) if values else None


def fmt(value, unit="", digits=1):
    if value is None:
        return "-"
    return f"{value:.{digits}f}{unit}"


def change(before, after, unit="", digits=1):
    text = f"{fmt(before, unit, digits)}->{fmt(after, unit, digits)}"
    if before and after and before > 0:
        factor = after / before
        if factor >= 1.5 or factor <= 0.67:
            text += f" (x{factor:.2g})"
    return text


def describe(data_dir, label):
    inject = micros(label["inject_time"])
    root = label["root_cause_service"]
    first, last = micros(label["data_start"]), micros(label["data_end"])
    end_durations = collections.defaultdict(lambda: ([], []))
    entry_services = collections.Counter()
    calls_to_root = ([], [])
    root_calls = [0, 0]
    root_requests = [0, 0]
    cpu, rate, memory = ([], []), ([], []), ([], [])
    errors = collections.defaultdict(lambda: [0, 0])
    with gzip.open(os.path.join(data_dir, label["case_file"]), "rt", encoding="utf-8") as handle:
        for line in handle:
            event = json.loads(line)
            side = 1 if micros(event["timestamp"]) >= inject else 0
            kind, service = event["event_type"], event["service"]
            if kind == "request_end":
                end_durations[service][side].append(event["duration_ms"])
                if "parent_span_id" not in event:
                    entry_services[service] += 1
                if service == root:
                    root_requests[side] += 1
            elif kind == "service_call":
                if event["target_service"] == root:
                    calls_to_root[side].append(event["duration_ms"])
                if service == root:
                    root_calls[side] += 1
            elif kind == "resource" and service == root:
                cpu[side].append(event["cpu_percent"])
                memory[side].append(event["memory_mb"])
                if "cpu_usage_rate_percent" in event:
                    rate[side].append(event["cpu_usage_rate_percent"])
            elif kind == "error":
                errors[service][side] += 1
    minutes = ((inject - first) / 60e6, (last - inject) / 60e6)

    def per_minute(count, side):
        return count / minutes[side] if minutes[side] > 0 else None

    parts = []
    if entry_services:
        entry = entry_services.most_common(1)[0][0]
        before, after = end_durations[entry]
        parts.append(f"entry {entry} p50 {change(p50(before), p50(after), ' ms')}, "
                     f"req/min {change(per_minute(len(before), 0), per_minute(len(after), 1), '', 0)}")
    before, after = end_durations[root]
    parts.append(f"root p50 {change(p50(before), p50(after), ' ms')}, "
                 f"req/min {change(per_minute(root_requests[0], 0), per_minute(root_requests[1], 1), '', 0)}")
    if calls_to_root[0] or calls_to_root[1]:
        parts.append(f"calls to root p50 {change(p50(calls_to_root[0]), p50(calls_to_root[1]), ' ms')}")
    if root_requests[0] or root_requests[1]:
        fan = [root_calls[s] / root_requests[s] if root_requests[s] else None for s in (0, 1)]
        parts.append(f"root calls/request {change(fan[0], fan[1], '', 2)}")
    parts.append(f"root CPU {change(mean(cpu[0]), mean(cpu[1]), '%')} of a core"
                 + (f" ({change(mean(rate[0]), mean(rate[1]), '%')} of limit)" if rate[0] or rate[1] else "")
                 + f", mem {change(mean(memory[0]), mean(memory[1]), ' MiB', 0)}")
    root_errors = errors.get(root, [0, 0])
    text = f"errors/min root {change(per_minute(root_errors[0], 0), per_minute(root_errors[1], 1))}"
    if errors:
        top = max(errors, key=lambda name: errors[name][1])
        if top != root and errors[top][1]:
            text += f", most {top} {change(per_minute(errors[top][0], 0), per_minute(errors[top][1], 1))}"
    parts.append(text)
    parts.append(f"({minutes[0]:.1f} min before, {minutes[1]:.1f} after)")
    return "; ".join(parts)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--data", default="/work/data/nezha", help="convert.py's output directory (default %(default)s)")
    parser.add_argument("--cases", default="", help="only these case ids (comma-separated)")
    parser.add_argument("--misses", action="store_true", help="only the cases score.py counted as AC@1 misses")
    arguments = parser.parse_args(argv)
    with open(os.path.join(arguments.data, "labels.ndjson")) as handle:
        labels = [json.loads(line) for line in handle if line.strip()]
    verdicts = {}
    score_path = os.path.join(arguments.data, "results", "score.json")
    if os.path.exists(score_path):
        with open(score_path) as handle:
            verdicts = {v["case_id"]: v for v in json.load(handle)["cases"]}
    elif arguments.misses:
        parser.error(f"{score_path} not found: run score.py first")
    wanted = {name.strip() for name in arguments.cases.split(",") if name.strip()}
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from score import said  # noqa: E402 (same folder)
    for label in labels:
        verdict = verdicts.get(label["case_id"])
        if wanted and label["case_id"] not in wanted:
            continue
        if arguments.misses and (verdict is None or verdict["ac1"]):
            continue
        facts = describe(arguments.data, label) if label.get("data_end") else "(no data in this copy)"
        print(f"{label['case_id']} {label['inject_type']} {label['root_cause_service']}: {facts}")
        if verdict is not None:
            print(f"    analyzer: {said(verdict)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
