#!/usr/bin/env python3
"""Score `analyzer` root-cause answers on the converted Nezha cases, as a user would run it.

Usage:
  score.py [--analyzer PATH] [--data DIR] [--systems ob,tt] [--cases ID,...] [--jobs N] [--memory-limit MIB]

For each case in DIR/labels.ndjson (written by convert.py): a fresh SQLite store in a temporary
directory, `analyzer ingest --store STORE CASE.ndjson.gz`, then `analyzer incidents --store STORE
--json`. The raw answers are kept in DIR/results/<case>.json, the summary in DIR/results/score.json.

Scoring, per case:
- The fault interval runs from the inject time to the end of the case's data. The incident judged is
  the one overlapping it the most (ties: the earlier); none overlapping = a miss. Incidents that end
  before the inject time were raised in fault-free time and are counted as such.
- AC@1: the incident's root_cause.service is the labelled service. A null, absent or non-service
  answer (a name not in the case's data, e.g. "unknown") is an abstention: no answer.
- AC@3: the labelled service is among the first three of root_cause.service (when it is an answer)
  followed by the incident's candidates, in order, without repeats.
- Kind: cpu_contention and cpu_consumed -> cpu_saturation, network_delay -> latency,
  exception -> errors; `return` (an early return) has no exact kind of ours and is reported apart.
"""
import argparse
import collections
import concurrent.futures
import datetime
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile

EXPECTED_KIND = {"cpu_contention": "cpu_saturation", "cpu_consumed": "cpu_saturation",
                 "network_delay": "latency", "exception": "errors"}
# Nezha's own service-level figures (README of IntelligentDDS/Nezha, FSE'23 paper).
PAPER = {"ob": {"AC@1": 0.929, "AC@3": 0.964}, "tt": {"AC@1": 0.867, "AC@3": 0.978}}
SYSTEM_NAMES = {"ob": "Online Boutique", "tt": "Train Ticket"}


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def exit_text(process):
    if process.returncode < 0:
        name = signal.Signals(-process.returncode).name
        return f"killed by {name} (over --memory-limit?)"
    last = (process.stderr.strip() or process.stdout.strip()).splitlines()
    return f"exited {process.returncode}: {last[0][:200] if last else ''}"


def run_case(analyzer, data_dir, results_dir, label, mode="detect"):
    """Ingest one case into a fresh store and return the analyzer's incidents (or an error).

    mode "detect": `analyzer incidents --json`, the analyzer finds the incident itself. Mode "explain":
    `analyzer explain --at INJECT_TIME --json`, as an on-call engineer does when an alert gave the time.
    """
    case_file = os.path.join(data_dir, label["case_file"])
    with tempfile.TemporaryDirectory(prefix="nezha-score-") as scratch:
        store = os.path.join(scratch, "case.sqlite")
        ingest = subprocess.run([analyzer, "ingest", "--store", store, "--quiet", case_file],
                                capture_output=True, text=True)
        if ingest.returncode != 0:
            return {"error": "ingest " + exit_text(ingest)}
        command = [analyzer, "incidents", "--store", store, "--json"]
        if mode == "explain":
            command = [analyzer, "explain", "--store", store, "--json", "--at", label["inject_time"]]
        incidents = subprocess.run(command, capture_output=True, text=True)
        if incidents.returncode != 0:
            return {"error": "incidents " + exit_text(incidents)}
    try:
        answer = json.loads(incidents.stdout)
        if mode == "explain":
            answer = [answer] if isinstance(answer, dict) else answer
    except ValueError as error:
        return {"error": f"incidents --json printed no JSON ({error}): {incidents.stdout[:200]!r}"}
    suffix = "" if mode == "detect" else "." + mode
    with open(os.path.join(results_dir, f"{label['case_id']}{suffix}.json"), "w") as handle:
        json.dump(answer, handle, indent=1)
    return {"incidents": answer}


def judge(label, services, outcome):
    """The per-case verdict (see the module docstring)."""
    verdict = {"case_id": label["case_id"], "system": label["system"], "inject_type": label["inject_type"],
               "label": label["root_cause_service"], "expected_kind": EXPECTED_KIND.get(label["inject_type"])}
    if "error" in outcome:
        verdict.update(error=outcome["error"], incident=None, ac1=False, ac3=False, kind_ok=False, abstained=False,
                       prefault_incidents=0)
        return verdict
    if not label.get("data_end"):
        verdict.update(error=None, incident=None, ac1=False, ac3=False, kind_ok=False, abstained=False,
                       prefault_incidents=0, incidents=0)
        return verdict
    inject, end = parse_time(label["inject_time"]), parse_time(label["data_end"])
    best, best_overlap, prefault = None, None, 0
    for incident in outcome["incidents"]:
        start, stop = parse_time(incident["start"]), parse_time(incident["end"])
        if stop < inject:
            prefault += 1
            continue
        overlap = (min(stop, end) - max(start, inject)).total_seconds()
        if start > end or overlap < 0:
            continue
        if best is None or overlap > best_overlap:
            best, best_overlap = incident, overlap
    verdict["prefault_incidents"] = prefault
    verdict["incidents"] = len(outcome["incidents"])
    if best is None:
        verdict.update(incident=None, ac1=False, ac3=False, kind_ok=False, abstained=False)
        return verdict
    root = best.get("root_cause") or {}
    service = root.get("service")
    answered = isinstance(service, str) and service in services
    ranked = [service] if answered else []
    for candidate in best.get("candidates") or []:
        name = candidate.get("service")
        if name and name not in ranked:
            ranked.append(name)
    verdict.update(
        incident={"id": best.get("id"), "start": best.get("start"), "end": best.get("end"), "service": service,
                  "kind": root.get("kind"), "confidence": root.get("confidence"), "top3": ranked[:3],
                  "candidates": [(c.get("service"), c.get("kind"), c.get("score")) for c in best.get("candidates") or []][:5]},
        abstained=not answered, ac1=answered and service == label["root_cause_service"],
        ac3=label["root_cause_service"] in ranked[:3], kind_ok=root.get("kind") == verdict["expected_kind"])
    return verdict


def said(verdict):
    """What the analyzer said, in one line."""
    if verdict.get("error"):
        return "ERROR " + verdict["error"]
    incident = verdict["incident"]
    if incident is None:
        extra = f"; {verdict['prefault_incidents']} raised before the fault" if verdict["prefault_incidents"] else ""
        return f"no incident over the fault ({verdict['incidents']} in all{extra})"
    confidence = incident["confidence"]
    text = f"{incident['service']} {incident['kind']} {confidence:.2f}" if isinstance(confidence, (int, float)) \
        else f"{incident['service']} {incident['kind']}"
    if verdict["abstained"]:
        text = f"abstained ({text})"
    return f"{text}; top3 {','.join(incident['top3']) or '-'}"


def ratio(hits, total):
    return f"{hits / total:.3f} ({hits}/{total})" if total else "-"


def summarize(verdicts, manifests):
    """Print the per-system tables; return the figures as a dict."""
    figures = {}
    for system in ("ob", "tt"):
        cases = [v for v in verdicts if v["system"] == system]
        if not cases:
            continue
        n = len(cases)
        kinds = [v for v in cases if v["expected_kind"]]
        returns = [v for v in cases if v["inject_type"] == "return"]
        found = [v for v in cases if v.get("incident")]
        figure = {
            "cases": n, "incident_over_fault": len(found),
            "AC@1": sum(v["ac1"] for v in cases) / n, "AC@3": sum(v["ac3"] for v in cases) / n,
            "kind": sum(v["kind_ok"] for v in kinds) / len(kinds) if kinds else None,
            "abstained": sum(v["abstained"] for v in cases),
            "cases_with_prefault_incident": sum(1 for v in cases if v.get("prefault_incidents")),
        }
        figures[system] = figure
        paper = PAPER[system]
        print(f"\n== {SYSTEM_NAMES[system]}: {n} faults ==")
        print(f"  {'':34}{'analyzer':>18}   Nezha (paper)")
        print(f"  {'AC@1 (AS@1)':34}{ratio(sum(v['ac1'] for v in cases), n):>18}   {paper['AC@1']:.3f}")
        print(f"  {'AC@3 (AS@3)':34}{ratio(sum(v['ac3'] for v in cases), n):>18}   {paper['AC@3']:.3f}")
        print(f"  {'kind agreement (mapped types)':34}{ratio(sum(v['kind_ok'] for v in kinds), len(kinds)):>18}")
        print(f"  {'incident overlapping the fault':34}{ratio(len(found), n):>18}")
        print(f"  {'abstained (no service named)':34}{figure['abstained']:>18}")
        print(f"  {'cases with an incident before it':34}{figure['cases_with_prefault_incident']:>18}   (raised in fault-free time)")
        by_type = collections.defaultdict(list)
        for v in cases:
            by_type[v["inject_type"]].append(v)
        print("  by inject type: " + "; ".join(
            f"{kind} AC@1 {sum(v['ac1'] for v in group)}/{len(group)} AC@3 {sum(v['ac3'] for v in group)}/{len(group)}"
            + (f" kind {sum(v['kind_ok'] for v in group)}/{len(group)}" if EXPECTED_KIND.get(kind) else "")
            for kind, group in sorted(by_type.items())))
        if returns:
            given = collections.Counter((v["incident"] or {}).get("kind") or "no incident" for v in returns)
            print("  `return` faults, kinds given: " + ", ".join(f"{k} {c}" for k, c in given.most_common()))
        if system == "ob" and manifests:
            complete = [v for v in cases if manifests.get(v["case_id"], {}).get("fault_minutes_used") == 3]
            partial = [v for v in cases if 0 < manifests.get(v["case_id"], {}).get("post_inject_minutes_used", 0)
                       and v not in complete]
            blind = [v for v in cases if manifests.get(v["case_id"], {}).get("post_inject_minutes_used", 0) == 0]
            for name, group in (("all 3 trace minutes present", complete), ("some post-inject minutes lost", partial),
                                ("no post-inject trace minute", blind)):
                print(f"  {name:34}{len(group):>3} cases: AC@1 {ratio(sum(v['ac1'] for v in group), len(group))}, "
                      f"AC@3 {ratio(sum(v['ac3'] for v in group), len(group))}")
            figure["AC@1_complete_cases"] = sum(v["ac1"] for v in complete) / len(complete) if complete else None
        misses = [v for v in cases if not v["ac1"]]
        if misses:
            print(f"  misses at AC@1 ({len(misses)}):")
            print(f"    {'case':22} {'type':15} {'label':30} {'minutes':9} analyzer said")
            for v in misses:
                marks = "".join("T" if m["used"] else "-" for m in manifests.get(v["case_id"], {}).get("minutes", []))
                print(f"    {v['case_id']:22} {v['inject_type']:15} {v['label']:30} {marks:9} {said(v)}")
    return figures


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1] + "\n" + "Example: score.py --analyzer .build/release/analyzer --data /work/data/nezha")
    parser.add_argument("--analyzer", default=".build/release/analyzer",
                        help="analyzer binary (default %(default)s; build: swift build -c release --product analyzer)")
    parser.add_argument("--data", default="/work/data/nezha", help="convert.py's output directory (default %(default)s)")
    parser.add_argument("--systems", default="ob,tt", help="comma-separated: ob, tt")
    parser.add_argument("--cases", default="", help="only these case ids (comma-separated)")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once (default 1; the machine is shared)")
    parser.add_argument("--mode", choices=["detect", "explain"], default="detect",
                        help="detect: `incidents --json` finds the incident; explain: `explain --at INJECT_TIME`, "
                             "the ranking when the time is known (default %(default)s)")
    parser.add_argument("--memory-limit", type=int, default=4096, metavar="MIB",
                        help="address-space limit of each analyzer run, MiB (default %(default)s)")
    arguments = parser.parse_args(argv)
    if not os.access(arguments.analyzer, os.X_OK):
        parser.error(f"no analyzer binary at {arguments.analyzer}: build one with "
                     "`swift build -c release --product analyzer` or pass --analyzer PATH")
    labels_path = os.path.join(arguments.data, "labels.ndjson")
    if not os.path.exists(labels_path):
        parser.error(f"{labels_path} not found: run convert.py first (see Benchmarks/nezha/README.md)")
    with open(labels_path) as handle:
        labels = [json.loads(line) for line in handle if line.strip()]
    manifests = {}
    manifest_path = os.path.join(arguments.data, "manifest.json")
    if os.path.exists(manifest_path):
        with open(manifest_path) as handle:
            manifests = {entry["case_id"]: entry for entry in json.load(handle)["cases"]}
    systems = {name.strip() for name in arguments.systems.split(",")}
    wanted = {name.strip() for name in arguments.cases.split(",") if name.strip()}
    labels = [l for l in labels if l["system"] in systems and (not wanted or l["case_id"] in wanted)]
    if not labels:
        parser.error("no case matches --systems/--cases")
    # The machine is shared: an analyzer run that runs away must not take everyone's memory. The limit is
    # set on this process (a few MiB of Python) so every analyzer it starts inherits it.
    size = arguments.memory_limit * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    results_dir = os.path.join(arguments.data, "results")
    os.makedirs(results_dir, exist_ok=True)

    verdicts = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, arguments.jobs)) as pool:
        futures = {pool.submit(run_case, arguments.analyzer, arguments.data, results_dir, label, arguments.mode): label for label in labels}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            label = futures[future]
            services = set(manifests.get(label["case_id"], {}).get("services", []))
            verdict = judge(label, services, future.result())
            verdicts.append(verdict)
            mark = "ok " if verdict["ac1"] else ("top3" if verdict["ac3"] else "miss")
            print(f"[{done}/{len(labels)}] {label['case_id']:22} {mark:4} {said(verdict)}", file=sys.stderr)
    verdicts.sort(key=lambda v: v["case_id"])
    figures = summarize(verdicts, manifests)
    score_name = "score.json" if arguments.mode == "detect" else f"score.{arguments.mode}.json"
    with open(os.path.join(results_dir, score_name), "w") as handle:
        json.dump({"analyzer": os.path.abspath(arguments.analyzer), "mode": arguments.mode, "figures": figures, "paper": PAPER,
                   "cases": verdicts}, handle, indent=1)
    print(f"\nper-case answers: {results_dir}/<case>.json; summary: {results_dir}/{score_name}")
    return 1 if any(v.get("error") for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
