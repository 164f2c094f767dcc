#!/usr/bin/env python3
"""Same-run comparison of logshipper and syslog-ng shipping one file to the same HTTP sink.

  bench.py --logshipper PATH [--before PATH] [--lines N] [--runs R] [--data DIR] [--pin CPU]

For each input (canonical events, foreign JSON lines) and each run, every contender starts on a fresh
state directory, reads the whole file from its start and posts it to sink.py; the run ends when the
sink has counted every line. Reported per contender: events/s (file start to last event at the sink,
median of R runs), CPU seconds per 1M lines (user + system of the whole process, read from /proc when
the last event arrived), peak RSS, requests and TCP connections per run, and ratios against syslog-ng.
A contender that is not installed is skipped with a message.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")

SYSLOG_NG_CONF = """@version: 3.38
options {{ stats-freq(0); use-dns(no); log-msg-size(65536); threaded(yes); }};
source s_in {{ file("{input}" flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(20000)); }};
destination d_out {{ http(url("http://127.0.0.1:{port}/ingest") method("POST")
    headers("Content-Type: application/x-ndjson") body("${{MSG}}") delimiter("\\n") body-suffix("\\n")
    batch-lines(1000) batch-bytes(1048576) batch-timeout(200) workers(2) log-fifo-size(20000)); }};
log {{ source(s_in); destination(d_out); flags(flow-control); }};
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sink_stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as r:
        return json.load(r)


def sink_reset(port):
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/reset", data=b"", method="POST"), timeout=5).read()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_once(name, command, port, lines, timeout, pin, sink_pid):
    sink_reset(port)
    sink_cpu = cpu_seconds(sink_pid)
    if pin is not None:
        command = ["taskset", "-c", str(pin)] + command
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        while True:
            time.sleep(0.05)
            stats = sink_stats(port)
            if stats["events"] >= lines:
                cpu, rss = cpu_seconds(process.pid), peak_rss_mb(process.pid)
                sink_cpu = cpu_seconds(sink_pid) - sink_cpu
                break
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"{name}: only {stats['events']} of {lines} events after {timeout} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    seconds = stats["last"] - start
    return {"rate": lines / seconds, "cpu": cpu * 1e6 / lines, "rss": rss, "requests": stats["requests"],
            "connections": stats["connections"], "events": stats["events"], "wire": stats["wire_bytes"],
            "sink_cpu": sink_cpu * 1e6 / lines}


def contenders(args, port, data):
    found = []
    for label, path in (("logshipper", args.logshipper), ("logshipper (before)", args.before)):
        if not path:
            continue
        if not os.access(path, os.X_OK):
            print(f"skipping {label}: {path} is not an executable (build it: swift build -c release --product logshipper)")
            continue

        def make(input_path, state, path=path):
            return [path, "--file", input_path, "--to", f"http://127.0.0.1:{port}", "--state-dir", state,
                    "--metrics-listen", "off", "--set", "log_level=warning"]
        found.append((label, make))
    syslog_ng = shutil.which("syslog-ng") or ("/usr/sbin/syslog-ng" if os.path.exists("/usr/sbin/syslog-ng") else None)
    if syslog_ng is None:
        print("skipping syslog-ng: not installed (apt-get install syslog-ng-core syslog-ng-mod-http)")
    elif os.geteuid() != 0:
        print("skipping syslog-ng: needs root here (its http() module and --no-caps as run in the notes)")
    else:
        def make(input_path, state):
            os.makedirs(state, exist_ok=True)
            conf = os.path.join(state, "syslog-ng.conf")
            with open(conf, "w") as f:
                f.write(SYSLOG_NG_CONF.format(input=input_path, port=port))
            return [syslog_ng, "-F", "-e", "--no-caps", "-f", conf, "-R", state + "/persist", "-p", state + "/pid",
                    "-c", state + "/ctl"]
        found.insert(0, ("syslog-ng 3.38 (no gzip)", make))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--logshipper", required=True)
    parser.add_argument("--before", help="another logshipper binary to time on the same files")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", default="/tmp/shipper-vs-syslog-ng")
    parser.add_argument("--pin", type=int, help="run every contender on this one CPU (taskset)")
    parser.add_argument("--inputs", default="canonical,foreign")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    os.makedirs(args.data, exist_ok=True)

    inputs = {}
    for kind in args.inputs.split(","):
        path = os.path.join(args.data, f"{kind}-{args.lines}.ndjson")
        if not os.path.exists(path):
            print(f"generating {path} ...", flush=True)
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), kind, str(args.lines), path + ".tmp"], check=True)
            os.rename(path + ".tmp", path)
        inputs[kind] = path

    port = free_port()
    sink = subprocess.Popen([sys.executable, os.path.join(HERE, "sink.py"), str(port)], start_new_session=True)
    try:
        for _ in range(100):
            try:
                sink_stats(port)
                break
            except OSError:
                time.sleep(0.05)
        found = contenders(args, port, args.data)
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        print(f"{args.lines} lines per input, median of {args.runs} runs, load before: {load}"
              + (f", contenders pinned to CPU {args.pin}" if args.pin is not None else ", contenders unpinned (2 cores)"))
        for kind, path in inputs.items():
            size = os.path.getsize(path)
            print(f"\n{kind}: {path} ({size / 1048576:.0f} MiB, {size / args.lines:.0f} bytes/line)")
            results = {label: [] for label, _ in found}
            for run in range(args.runs):
                for label, make in found:
                    state = os.path.join(args.data, "state")
                    shutil.rmtree(state, ignore_errors=True)
                    try:
                        results[label].append(run_once(label, make(path, state), port, args.lines, args.timeout, args.pin, sink.pid))
                    except RuntimeError as error:
                        print(f"  {label}: run {run + 1} failed: {error}")
            medians = {}
            for label, samples in results.items():
                if not samples:
                    continue
                samples.sort(key=lambda s: s["rate"])
                median = samples[len(samples) // 2]
                median["cpu"] = statistics.median(s["cpu"] for s in samples)
                medians[label] = median
            peer = next((m for label, m in medians.items() if label.startswith("syslog-ng")), None)
            for label, m in medians.items():
                ratio = f"  {m['rate'] / peer['rate']:.2f}x rate, {m['cpu'] / peer['cpu']:.2f}x CPU vs syslog-ng" if peer and m is not peer else ""
                runs = " ".join(f"{s['rate'] / 1000:.0f}k" for s in results[label])
                print(f"  {label:26} {m['rate'] / 1000:6.0f}k events/s  CPU {m['cpu']:5.1f} s per 1M  RSS {m['rss']:4.0f} MB"
                      f"  sink CPU {m['sink_cpu']:4.1f}  {m['requests']:5d} requests  {m['connections']:4d} connections  wire {m['wire'] / 1048576:4.0f} MiB"
                      f"  [{runs}]{ratio}")
    finally:
        os.killpg(sink.pid, signal.SIGTERM)
        sink.wait()


if __name__ == "__main__":
    main()
