#!/usr/bin/env python3
"""The counting HTTP sink both shippers post to: HTTP/1.1 with keep-alive, any path.

  sink.py PORT

Every POST is answered 200 `{"accepted":N,"invalid":0}` (the analyzer's answer, which logshipper reads)
after counting its lines (gunzipped when `Content-Encoding: gzip`). `GET /stats` returns the counts as
JSON: requests, TCP connections accepted, events, wire bytes, body bytes, and the monotonic time of the
first and last event received. `POST /reset` zeroes them. The same sink serves every contender, so its
own cost is the same for all of them.
"""
import json
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
stats = {}

def reset():
    stats.update(requests=0, connections=0, events=0, wire_bytes=0, body_bytes=0, first=None, last=None)

reset()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the client says close
    disable_nagle_algorithm = True  # else headers and body in two segments wait for a delayed ACK (40 ms)

    def setup(self):
        super().setup()
        self.counted = False  # connections are counted at their first event POST, not /stats polls

    def log_message(self, *args):
        pass

    def reply(self, body):
        data = body.encode()
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(data)
        self.wfile.write(head + data)  # one segment

    def do_GET(self):
        with lock:
            self.reply(json.dumps(stats))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        wire = self.rfile.read(length)
        if self.path == "/reset":
            with lock:
                reset()
            return self.reply("{}")
        body = zlib.decompress(wire, 31) if self.headers.get("Content-Encoding") == "gzip" else wire
        lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
        now = time.monotonic()
        with lock:
            stats["requests"] += 1
            if not self.counted:
                self.counted = True
                stats["connections"] += 1
            stats["events"] += lines
            stats["wire_bytes"] += len(wire)
            stats["body_bytes"] += len(body)
            if stats["first"] is None:
                stats["first"] = now
            stats["last"] = now
        self.reply('{"accepted":%d,"invalid":0}' % lines)

ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 128
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
