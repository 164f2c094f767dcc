#!/usr/bin/env python3
"""The hardening issue's cases (issue 11), run against the `analyzer` and `logshipper` of one build, one
line of figures per case, so that two builds can be compared (the README's before/after table).

  python3 scripts/hardening-probe.py .build/debug                 # every case (~6 min)
  python3 scripts/hardening-probe.py .build/debug duration window # some cases
  PROBE_PORT=18600 python3 ...                                    # first port (two per case)

Cases: duration window origin cut future escape path deadletter health stalled memory. Everything runs
on loopback in temporary directories; every process it starts is stopped at the end.
"""
import gzip, json, os, resource, socket, subprocess, sys, time, urllib.request, urllib.error, shutil, tempfile

BIN = os.path.abspath(sys.argv[1])
CASES = sys.argv[2:] or ["duration", "window", "origin", "cut", "future", "escape", "path", "deadletter", "health", "stalled", "memory"]
BASE_PORT = int(os.environ.get("PROBE_PORT", "18540"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
procs = []

def ts(): return "2026-11-24T10:15:02.123456Z"

def free_dir():
    return tempfile.mkdtemp(prefix="probe-")

def serve(d, port, *extra, nofile=None):
    log = open(d + "/analyzer.log", "w")
    cmd = [BIN + "/analyzer", "serve", "--store", d + "/s.sqlite", "--port", str(port), *extra]
    pre = None
    if nofile:
        def pre():
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    p = subprocess.Popen(cmd, stdout=log, stderr=log, preexec_fn=pre)
    procs.append(p)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close(); return p
        except OSError: time.sleep(0.05)
    raise SystemExit("analyzer did not start")

def stop(p):
    if p.poll() is None:
        p.terminate()
        try: p.wait(10)
        except subprocess.TimeoutExpired: p.kill(); p.wait()

def req(port, path, body=None, headers=None, method=None, timeout=30):
    r = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp: return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e: return e.code, e.read().decode(errors="replace")
    except Exception as e: return None, repr(e)

def post(port, lines, headers=None, timeout=30):
    h = {"Content-Type": "application/x-ndjson"}; h.update(headers or {})
    return req(port, "/v1/events", ("\n".join(lines) + "\n").encode(), h, "POST", timeout)

def alive(p): return p.poll() is None

def call_line(i, duration="12.5", cid=None):
    return json.dumps({"timestamp": ts(), "level": "info", "service": "gateway", "event_type": "service_call", "event_id": "c%d" % i,
        "correlation_id": cid or "req-%d" % i, "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7",
        "parent_span_id": "00f067aa0ba902b8", "target_service": "payments", "method": "POST", "endpoint": "/charge",
        "status_code": 200, "success": True}).replace('"status_code"', '"duration_ms":%s,"status_code"' % duration)

def log_line(i, message="m", cid=None, t=None, **extra):
    d = {"timestamp": t or ts(), "level": "error", "service": "payments", "event_type": "log", "event_id": "l%d" % i, "message": message}
    if cid: d["correlation_id"] = cid
    d.update(extra)
    return json.dumps(d)

def run(args, **kw):
    return subprocess.run([BIN + "/analyzer", *args], capture_output=True, timeout=600, **kw)

def report(case, text): print("%-10s %s" % (case, text), flush=True)

def case_duration(port):
    d = free_dir(); p = serve(d, port)
    status, body = post(port, [call_line(1, "1e300")])
    time.sleep(10)
    up = alive(p)
    stop(p)
    inc = run(["incidents", "--store", d + "/s.sqlite"])
    report("duration", "POST duration_ms=1e300 -> %s %s; serve alive 10 s later: %s; `incidents` exit %s" % (status, body[:120], up, inc.returncode))

def case_window(port):
    d = free_dir(); p = serve(d, port)
    post(port, [log_line(1)])
    out = []
    for q in ["window=1e300", "window=inf", "window=9.3e12", "until=9999-12-31T00:00:00Z&window=1e12"]:
        status, body = req(port, "/api/services?" + q)
        out.append("%s -> %s" % (q, status))
        if not alive(p):
            out.append("(server died)"); break
    report("window", "; ".join(out) + "; alive: %s" % alive(p)); stop(p)

def case_origin(port):
    d = free_dir(); p = serve(d, port)
    s1, _ = post(port, [log_line(1)], {"Origin": "http://evil.example", "Content-Type": "text/plain"})
    s2, _ = post(port, [log_line(2)], {"Content-Type": "text/plain"})
    report("origin", "Origin evil + text/plain -> %s; text/plain -> %s" % (s1, s2)); stop(p)

def case_cut(port):
    d = free_dir(); p = serve(d, port)
    cid = "c" * 200
    status, body = post(port, [log_line(1, "hello", cid=cid), log_line(2, "x" * (40 << 10), cid="long-msg")])
    stop(p)
    tr = run(["trace", cid, "--store", d + "/s.sqlite"])
    tr2 = run(["trace", "long-msg", "--store", d + "/s.sqlite", "--json"])
    stored = 0
    if tr2.returncode == 0:
        rep = json.loads(tr2.stdout)
        msgs = [e.get("message", "") for s in rep.get("spans", []) for e in s.get("events", [])] + [e.get("message", "") for e in rep.get("loose_events", [])]
        stored = max([len(m) for m in msgs] or [0])
    report("cut", "200-char correlation_id -> %s %s; trace by it: exit %s; 40 KiB message stored as %d chars" % (status, body[:160], tr.returncode, stored))

def case_future(port):
    d = free_dir()
    ing = run(["ingest", "--store", d + "/s.sqlite", ROOT + "/Examples/Shop/recorded/shop-memory-leak.ndjson.gz", "--quiet"])
    p = serve(d, port)
    _, before = req(port, "/api/incidents", timeout=300)
    status, _ = post(port, [log_line(9, "from the future", t="9999-12-31T23:59:59.000000Z")])
    time.sleep(8)
    stop(p)
    p = serve(d, port)  # a restart: the list is only what the window holds
    _, after = req(port, "/api/incidents", timeout=300)
    _, st = req(port, "/api/status")
    until = (json.loads(st).get("last_analysis") or {}).get("until")
    report("future", "incidents before: %d; POST 9999-12-31 -> %s; incidents after a restart: %d; analysis window ends %s" % (len(json.loads(before)), status, len(json.loads(after)), until))
    stop(p)

def case_escape(port):
    d = free_dir(); p = serve(d, port)
    cid = "esc-\u001b]0;owned\u0007"
    evil = call_line(2, cid=cid).replace('"service": "gateway"', '"service": "gateway\\u001b[2J"').replace('"/charge"', '"/charge\\u0007"')
    post(port, [log_line(1, "evil \u001b[2J\u001b]0;owned\u0007 text", cid=cid), evil])
    stop(p)
    out = b""
    for args in [["trace", cid], ["diagnose", cid], ["services"]]:
        out += run(args + ["--store", d + "/s.sqlite"]).stdout
    raw = sum(out.count(c) for c in [b"\x1b", b"\x07"])
    report("escape", "raw ESC/BEL bytes printed by trace+diagnose+services: %d" % raw)

def case_path(port):
    d = free_dir(); p = serve(d, port)
    cid = "ord:1+2/3=4"
    post(port, [call_line(1, cid=cid)])
    s, _ = req(port, "/api/requests/ord%3A1%2B2%2F3%3D4/trace")
    report("path", "GET /api/requests/ord%%3A1%%2B2%%2F3%%3D4/trace -> %s" % s); stop(p)

def shipper(d, port, *extra, metrics=None):
    log = open(d + "/shipper.log", "w")
    cmd = [BIN + "/logshipper", "--file", d + "/logs/*.log", "--to", "http://127.0.0.1:%d" % port, "--state-dir", d + "/state",
           "--service", "legacy", "--metrics-listen", ("127.0.0.1:%d" % metrics) if metrics else "off", *extra]
    p = subprocess.Popen(cmd, stdout=log, stderr=log); procs.append(p); return p

def dead_letters(d):
    try: return [json.loads(l) for l in open(d + "/state/dead-letter.ndjson")]
    except FileNotFoundError: return []

def case_deadletter(port):
    d = free_dir(); os.makedirs(d + "/logs")
    a = serve(d, port, "--max-line-bytes", "400")
    s = shipper(d, port, "--set", "batch.max_age_ms=2000", metrics=port + 1)
    with open(d + "/logs/app.log", "w") as f:
        for i in range(60):
            f.write(log_line(i, "x" * 500 if i % 6 else "short") + "\n")
    time.sleep(8)
    letters = dead_letters(d)
    _, health = req(port + 1, "/health")
    dropped = json.loads(health).get("statistics", {}).get("eventsDropped")
    report("deadletter", "50 of 60 lines over the analyzer's limit: dead-lettered %d, dropped %s" % (len(letters), dropped))
    stop(s); stop(a)

def case_health(port):
    d = free_dir(); os.makedirs(d + "/logs")
    a = serve(d, port, "--max-line-bytes", "300")
    s = shipper(d, port, metrics=port + 1)
    start = time.time(); seen = []
    with open(d + "/logs/app.log", "w") as f:
        while time.time() - start < 75:
            f.write(log_line(int(time.time() * 1000), "y" * 400) + "\n"); f.flush()
            time.sleep(0.5)
            el = int(time.time() - start)
            if el in (10, 40, 70) and (not seen or seen[-1][0] != el):
                seen.append((el, req(port + 1, "/health")[0]))
    report("health", "every batch refused (400, dead-lettered); /health status at %s" % ", ".join("%d s: %s" % x for x in seen))
    stop(s); stop(a)

def case_stalled(port):
    d = free_dir(); a = serve(d, port, nofile=256)
    conns = []
    for _ in range(500):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=2)
            c.sendall(b"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n")
            c.setblocking(False); conns.append(c)
        except OSError: break
    t0 = time.time()
    status, body = post(port, [log_line(1)], timeout=90)
    took = time.time() - t0
    def open_count():
        n = 0
        for c in conns:
            try:
                if c.recv(1, socket.MSG_PEEK) == b"": continue
                n += 1
            except BlockingIOError: n += 1
            except OSError: pass
        return n
    time.sleep(max(0, 40 - (time.time() - t0)))
    still = open_count()
    report("stalled", "%d stalled chunked uploads, fd limit 256: a real POST -> %s after %.1f s; stalled still open after 40 s: %d; analyzer alive: %s" % (len(conns), status, took, still, alive(a)))
    for c in conns: c.close()
    stop(a)

def case_memory(port):
    d = free_dir(); a = serve(d, port)
    line = log_line(0, "z" * 600)
    n = (63 << 20) // (len(line) + 1)
    body = gzip.compress(("\n".join(log_line(i, "z" * 600) for i in range(n)) + "\n").encode(), 6)
    import threading
    results = []
    def one(k):
        results.append(req(port, "/v1/events", body, {"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"}, "POST", 300)[0])
    threads = [threading.Thread(target=one, args=(k,)) for k in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    hwm = [l for l in open("/proc/%d/status" % a.pid) if l.startswith("VmHWM")][0].split()[1]
    report("memory", "4 concurrent gzip bodies inflating to 63 MiB (%d lines, %d KB compressed): statuses %s; peak RSS %d MB" % (n, len(body) // 1024, sorted(results, key=str), int(hwm) // 1024))
    stop(a)

try:
    for i, case in enumerate(CASES):
        globals()["case_" + case](BASE_PORT + 2 * i)
finally:
    for p in procs:
        if p.poll() is None: p.kill()
