#!/usr/bin/env python3
"""Convert the Nezha (FSE'23) fault data into one canonical-event case per injected fault.

Usage:
  convert.py --source REPO [--out DIR] [--systems ob,tt] [--cases ID,...] [--jobs N] [--baseline construct|none]

REPO is a copy of github.com/IntelligentDDS/Nezha: a checkout or a bare git directory (files missing
from the copy are reported as lost, never guessed). DIR (default /work/data/nezha) receives:
  cases/<case>.ndjson.gz   the case's events, sorted by time (docs/event-format.md)
  labels.ndjson            one line per case: system, root-cause service, inject type and time
  manifest.json            what each case holds: minutes used and lost, baseline and its shift, counts

A case is the fault's minutes (the three minute files Nezha names after the inject minute and the two
after it: the first is mostly before the injection) preceded by the system's fault-free reference
minute from construct_data/, moved by one constant so that it ends 1 s before the fault data starts
(`--baseline none` leaves it out: the fault's own minutes only).
Only the fault list's inject time is used to pick the minutes; the service and type labels are copied
to labels.ndjson and never read while converting. See README.md for the mapping and its limits.
"""
import argparse
import collections
import datetime
import gzip
import json
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nezha_events as ne  # noqa: E402
from nezha_source import Source, SourceError  # noqa: E402

SYSTEMS = {
    "ob": ("Online Boutique", ["2022-08-22", "2022-08-23"]),
    "tt": ("Train Ticket", ["2023-01-29", "2023-01-30"]),
}
FAULT_MINUTES = 3   # Nezha keeps the inject minute's file and the two after it
BASELINE_GAP_US = 1_000_000
METRIC_SLACK_US = 15_000_000  # a minute's metric row is written a few seconds after its trace file ends
SANITY_US = 300_000_000  # events further than 5 min from their block's minutes have a broken time
NON_POD_METRIC_FILES = {"front_service.csv", "source_50.csv", "destination_50.csv", "dependency.csv"}

# Filled in the parent before the workers fork (read-only afterwards).
SOURCE = None
METRICS = {}     # (base, date) -> list of (us, minute "YYYY-MM-DD HH:MM", row)
BASELINES = {}   # date -> baseline dict (see build_baseline)


def minute_start_us(date, name):
    """Start of minute `name` ('03_53') of `date`, in microseconds since the epoch."""
    moment = datetime.datetime.strptime(f"{date} {name}", "%Y-%m-%d %H_%M").replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp()) * 1_000_000


def within(events, low_us, high_us, stats):
    """The events timed inside [low_us, high_us]; the others are counted, not kept (a wild time in one
    row must not stretch a case over centuries)."""
    kept = [e for e in events if low_us <= e.us <= high_us]
    if len(kept) != len(events):
        stats["events_outside_their_minutes_dropped"] += len(events) - len(kept)
    return kept


def minute_key(date, name):
    """('2022-08-22', '03_53') -> '2022-08-22 03:53'."""
    return f"{date} {name.replace('_', ':')}"


def load_metrics(base, date):
    """All pod-metric rows of base/date/metric/, with their time; non-pod files are skipped."""
    rows = []
    directory = f"{base}/{date}/metric"
    for name in SOURCE.listdir(directory):
        if name in NON_POD_METRIC_FILES or not name.endswith("_metric.csv"):
            continue
        text = SOURCE.text(f"{directory}/{name}")
        if text is None:
            continue
        for row in ne.read_csv(text):
            us = ne.parse_metric_time(row.get("Time"))
            rows.append((us, (row.get("Time") or "")[:16], row))
    return rows


def read_rows(path):
    text = SOURCE.text(path)
    return None if text is None else ne.read_csv(text)


def build_baseline(system, date):
    """Events of the fault-free reference minute used for `date`'s cases.

    The date's own construct_data minute when its trace file is present, else another date's of the same
    system (Online Boutique 2022-08-22's trace file is missing from this copy, so 08-23's is used).
    """
    candidates = [date] + [other for other in SYSTEMS[system][1] if other != date]
    for source_date in candidates:
        names = [name.split("_traceid")[0] for name in SOURCE.listdir(f"construct_data/{source_date}/traceid")]
        for name in names:
            trace_path = f"construct_data/{source_date}/trace/{name}_trace.csv"
            if SOURCE.state(trace_path) != "present":
                continue
            stats = collections.Counter()
            scope = f"b{source_date}"
            trace_rows = read_rows(trace_path)
            log_path = f"construct_data/{source_date}/log/{name}_log.csv"
            log_rows = read_rows(log_path)
            events = ne.span_events(trace_rows, stats, scope)
            if log_rows is not None:
                events += ne.log_events(log_rows, stats, scope)
            middle = minute_start_us(source_date, name)
            events = within(events, middle - SANITY_US, middle + SANITY_US, stats)
            first, last = min(e.us for e in events), max(e.us for e in events)
            metric_rows = [row for us, _, row in METRICS[("construct_data", source_date)]
                           if us is not None and first <= us <= last + METRIC_SLACK_US]
            events += ne.metric_events(metric_rows, stats, scope)
            return {"source_date": source_date, "minute": minute_key(source_date, name), "events": events,
                    "has_logs": log_rows is not None, "trace": SOURCE.state(trace_path),
                    "log": SOURCE.state(log_path), "stats": stats,
                    "start_us": min(e.us for e in events), "end_us": max(e.us for e in events)}
    return None


def faults(system):
    """(date, fault) for every entry of the system's fault lists, in time order."""
    found = []
    for date in SYSTEMS[system][1]:
        text = SOURCE.text(f"rca_data/{date}/{date}-fault_list.json")
        if text is None:
            raise SourceError(f"rca_data/{date}/{date}-fault_list.json is missing from the source")
        for hour_faults in json.loads(text).values():
            for fault in hour_faults:
                found.append((date, fault))
    return sorted(found, key=lambda item: item[1]["inject_time"])


def inject_us(fault):
    moment = datetime.datetime.strptime(fault["inject_time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp()) * 1_000_000


def case_id(system, fault):
    return f"{system}-{fault['inject_time'][:10]}-{fault['inject_time'][11:13]}{fault['inject_time'][14:16]}"


def convert_case(job):
    """Build, write and describe one case (runs in a worker)."""
    system, date, fault, out_dir = job
    started = time.monotonic()
    identifier = case_id(system, fault)
    baseline = BASELINES[date]
    stats = collections.Counter()
    scope = f"f{date}"
    inject = inject_us(fault)
    first_minute = datetime.datetime.utcfromtimestamp(inject // 1_000_000).replace(second=0)
    minutes, trace_rows, log_rows, used = [], [], [], []
    for offset in range(FAULT_MINUTES):
        name = (first_minute + datetime.timedelta(minutes=offset)).strftime("%H_%M")
        trace_path, log_path = f"rca_data/{date}/trace/{name}_trace.csv", f"rca_data/{date}/log/{name}_log.csv"
        trace_state, log_state = SOURCE.state(trace_path), SOURCE.state(log_path)
        entry = {"minute": minute_key(date, name), "trace": trace_state, "log": log_state,
                 "used": trace_state == "present"}
        # A minute without its trace file is left out whole (metrics too): a hole, not a minute of silence.
        if entry["used"]:
            trace_rows += read_rows(trace_path)
            used.append(entry["minute"])
        minutes.append(entry)
    # Logs only where the part before the fault has them too: logs that start at the fault would make
    # every message look new. With a reference minute, it decides; without, every used minute must have them.
    if baseline["events"]:
        use_logs = baseline["has_logs"]
    else:
        use_logs = any(m["used"] for m in minutes) and all(m["log"] == "present" for m in minutes if m["used"])
    for entry in minutes:
        if entry["used"]:
            entry["log_used"] = use_logs and entry["log"] == "present"
            if entry["log_used"]:
                log_rows += read_rows(f"rca_data/{date}/log/{entry['minute'][11:].replace(':', '_')}_log.csv")
    events = ne.span_events(trace_rows, stats, scope) + ne.log_events(log_rows, stats, scope)
    metric_rows = [row for _, minute, row in METRICS[("rca_data", date)] if minute in used]
    events += ne.metric_events(metric_rows, stats, scope)
    first_us = int(first_minute.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000
    events = within(events, first_us - SANITY_US, first_us + FAULT_MINUTES * 60_000_000 + SANITY_US, stats)

    reference = min(e.us for e in events) if events else inject - 120_000_000
    shift = reference - BASELINE_GAP_US - baseline["end_us"]
    lines = [(e.us + shift, e.rank, i, e.line(shift, "")) for i, e in enumerate(baseline["events"])]
    lines += [(e.us, e.rank, len(lines) + i, e.line(0, "")) for i, e in enumerate(events)]
    lines.sort()
    path = os.path.join(out_dir, "cases", f"{identifier}.ndjson.gz")
    temporary = path + ".tmp"
    with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=5) as handle:
        for line in lines:
            handle.write(line[3])
            handle.write("\n")
    os.replace(temporary, path)

    services = sorted({e.body["service"] for e in events} | {e.body["service"] for e in baseline["events"]})
    counts = collections.Counter(e.body["event_type"] for e in events)
    base_counts = collections.Counter(e.body["event_type"] for e in baseline["events"])
    label = {
        "case_id": identifier, "system": system, "system_name": SYSTEMS[system][0], "date": date,
        "root_cause_service": ne.service_of(fault["inject_pod"]), "inject_pod": fault["inject_pod"],
        "inject_type": fault["inject_type"], "inject_time": ne.rfc3339(inject),
        "inject_timestamp": int(fault["inject_timestamp"]),
        "data_start": ne.rfc3339(lines[0][0]) if lines else None,
        "data_end": ne.rfc3339(lines[-1][0]) if lines else None,
        "fault_data_start": ne.rfc3339(min(e.us for e in events)) if events else None,
        "case_file": f"cases/{identifier}.ndjson.gz",
    }
    manifest = {
        "case_id": identifier, "minutes": minutes, "fault_minutes_used": len(used),
        "post_inject_minutes_used": sum(1 for m in minutes[1:] if m["used"]),
        "fault_events": dict(counts), "baseline_events": dict(base_counts),
        "baseline": {"source_date": baseline["source_date"], "minute": baseline["minute"],
                     "shift_seconds": round(shift / 1e6, 6),
                     "start": ne.rfc3339(baseline["start_us"] + shift), "end": ne.rfc3339(baseline["end_us"] + shift)}
                    if baseline["events"] else None,
        "services": services, "stats": dict(stats), "seconds": round(time.monotonic() - started, 2),
    }
    if int(fault["inject_timestamp"]) * 1_000_000 != inject:
        manifest["inject_timestamp_disagrees_with_inject_time"] = True
    return label, manifest


def main(argv):
    global SOURCE
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1] + "\nExample: convert.py --source /work/.mirror/IntelligentDDS+Nezha/repo --out /work/data/nezha")
    parser.add_argument("--source", required=True, help="checkout or bare git directory of IntelligentDDS/Nezha")
    parser.add_argument("--out", default="/work/data/nezha", help="output directory (default: %(default)s); keep it out of git")
    parser.add_argument("--systems", default="ob,tt", help="comma-separated: ob (Online Boutique), tt (Train Ticket)")
    parser.add_argument("--cases", default="", help="only these case ids (comma-separated), e.g. tt-2023-01-29-0843")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1; the machine is shared)")
    parser.add_argument("--baseline", choices=("construct", "none"), default="construct",
                        help="construct: put the system's fault-free reference minute before each case (default); "
                             "none: only the fault's own minutes (the first is mostly before the injection)")
    arguments = parser.parse_args(argv)
    systems = [name.strip() for name in arguments.systems.split(",") if name.strip()]
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s) {', '.join(unknown)}: use ob and/or tt")
    try:
        SOURCE = Source(arguments.source)
    except SourceError as error:
        parser.error(str(error))
    os.makedirs(os.path.join(arguments.out, "cases"), exist_ok=True)
    wanted = {name.strip() for name in arguments.cases.split(",") if name.strip()}

    started = time.monotonic()
    jobs = []
    for system in systems:
        for date in SYSTEMS[system][1]:
            for base in ("rca_data", "construct_data"):
                METRICS[(base, date)] = load_metrics(base, date)
        for date in SYSTEMS[system][1]:
            if arguments.baseline == "none":
                BASELINES[date] = {"source_date": None, "minute": None, "events": [], "has_logs": False,
                                   "trace": None, "log": None, "stats": collections.Counter(), "start_us": 0, "end_us": 0}
                continue
            BASELINES[date] = build_baseline(system, date)
            if BASELINES[date] is None:
                sys.exit(f"convert.py: no fault-free reference minute with a trace file for {SYSTEMS[system][0]}")
            print(f"baseline for {date}: construct_data {BASELINES[date]['minute']} "
                  f"({len(BASELINES[date]['events'])} events, logs {'yes' if BASELINES[date]['has_logs'] else 'no'})",
                  file=sys.stderr)
        for date, fault in faults(system):
            if not wanted or case_id(system, fault) in wanted:
                jobs.append((system, date, fault, arguments.out))
    if wanted and len(jobs) != len(wanted):
        found = {case_id(system, fault) for system, _, fault, _ in jobs}
        parser.error(f"unknown case id(s): {', '.join(sorted(wanted - found))}")

    labels, manifests = [], []
    if arguments.jobs > 1:
        with multiprocessing.get_context("fork").Pool(arguments.jobs) as pool:
            results = pool.imap(convert_case, jobs)
            for done, (label, manifest) in enumerate(results, 1):
                labels.append(label)
                manifests.append(manifest)
                report(done, len(jobs), label, manifest)
    else:
        for done, job in enumerate(jobs, 1):
            label, manifest = convert_case(job)
            labels.append(label)
            manifests.append(manifest)
            report(done, len(jobs), label, manifest)

    merge_outputs(arguments.out, labels, manifests)
    print(f"{len(jobs)} cases in {time.monotonic() - started:.0f} s -> {arguments.out}", file=sys.stderr)
    return 0


def report(done, total, label, manifest):
    marks = " ".join(("T" if m["used"] else "-") + ("L" if m.get("log_used") else "-") for m in manifest["minutes"])
    events = sum(manifest["fault_events"].values()) + sum(manifest["baseline_events"].values())
    print(f"[{done}/{total}] {label['case_id']} minutes {marks} {events} events {manifest['seconds']} s", file=sys.stderr)


def merge_outputs(out_dir, labels, manifests):
    """Write labels.ndjson and manifest.json, keeping cases of an earlier run that were not redone."""
    labels_path, manifest_path = os.path.join(out_dir, "labels.ndjson"), os.path.join(out_dir, "manifest.json")
    old_labels, old_manifests = {}, {}
    if os.path.exists(labels_path):
        with open(labels_path) as handle:
            old_labels = {entry["case_id"]: entry for entry in map(json.loads, handle) if entry}
    if os.path.exists(manifest_path):
        with open(manifest_path) as handle:
            old_manifests = {entry["case_id"]: entry for entry in json.load(handle).get("cases", [])}
    old_labels.update({entry["case_id"]: entry for entry in labels})
    old_manifests.update({entry["case_id"]: entry for entry in manifests})
    ordered = sorted(old_labels.values(), key=lambda entry: (entry["system"], entry["inject_time"]))
    with open(labels_path + ".tmp", "w") as handle:
        for entry in ordered:
            handle.write(json.dumps(entry) + "\n")
    os.replace(labels_path + ".tmp", labels_path)
    baselines = {date: {key: value for key, value in baseline.items() if key not in ("events", "stats")}
                 | {"stats": dict(baseline["stats"])} for date, baseline in BASELINES.items()}
    document = {"source": SOURCE.path, "baselines": baselines,
                "cases": [old_manifests[entry["case_id"]] for entry in ordered if entry["case_id"] in old_manifests]}
    with open(manifest_path + ".tmp", "w") as handle:
        json.dump(document, handle, indent=1)
    os.replace(manifest_path + ".tmp", manifest_path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
