#!/usr/bin/env python3
"""Writes the two inputs of the shipper benchmark: N lines of ~350-400 bytes each.

  generate.py canonical N FILE   complete canonical events (request_end, no event_id: the shipper adds one)
  generate.py foreign N FILE     JSON lines of other programs (a JVM's logstash encoder, nginx's JSON
                                 access log, a Go service's zap output, in turn): not canonical events

Deterministic (seeded), so every run and every clone ship the same bytes.
"""
import json
import random
import sys

def canonical(i, rng):
    ms = 1_795_000_000_000 + i
    sec, frac = divmod(ms * 1000 + rng.randrange(1000), 1_000_000)
    import time
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + ".%06dZ" % frac
    return json.dumps({
        "timestamp": stamp, "level": "info", "service": "orders", "event_type": "request_end",
        "host": "orders-7f9c6d-x2k4p",
        "correlation_id": "c-%08x-%04x" % (i, rng.randrange(65536)),
        "trace_id": "4bf92f3577b34da6a3ce929d%08x" % (i + 1),
        "span_id": "00f067aa%08x" % (i + 1), "trace_flags": "01",
        "method": rng.choice(["GET", "POST", "PUT"]),
        "endpoint": rng.choice(["/v1/checkout", "/v1/orders/{id}", "/v1/cart/items", "/health"]),
        "status_code": rng.choice([200, 200, 200, 201, 404, 500]),
        "duration_ms": round(rng.uniform(0.3, 250.0), 3), "success": True,
        "message": "request finished", "user_id": "u_%06d" % rng.randrange(1_000_000),
    }, separators=(",", ":"))

def foreign(i, rng):
    ms = 1_795_000_000_000 + i
    import time
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03d+00:00" % (ms % 1000)
    kind = i % 3
    env = {"env": "production", "region": "eu-west-1", "cluster": "shop-prod-2"}
    if kind == 0:  # logstash-logback-encoder
        return json.dumps({
            "@timestamp": stamp, "@version": "1", "message": "Completed order %d for customer %d in %d ms \"ok\""
            % (i, rng.randrange(100000), rng.randrange(900)),
            "logger_name": "com.shop.orders.CheckoutController", "thread_name": "http-nio-8080-exec-%d" % rng.randrange(200),
            "level": rng.choice(["INFO", "INFO", "WARN", "ERROR"]), "level_value": 20000,
            "traceId": "%016x" % rng.getrandbits(64), "app": "orders", "pod": "orders-7f9c6d-x2k4p", **env,
        }, separators=(",", ":"))
    if kind == 1:  # nginx log_format escape=json
        return json.dumps({
            "time_local": stamp, "remote_addr": "10.0.%d.%d" % (rng.randrange(256), rng.randrange(256)),
            "request": "GET /static/app.%08x.js?v=%d HTTP/1.1" % (rng.getrandbits(32), i), "status": "200",
            "body_bytes_sent": str(rng.randrange(100000)), "request_time": "%.3f" % rng.uniform(0, 2),
            "http_referer": "https://shop.example.com/cart", "http_user_agent":
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "host": "shop.example.com",
        }, separators=(",", ":"))
    return json.dumps({  # zap production encoder
        "level": rng.choice(["info", "warn", "error"]), "ts": ms / 1000.0, "caller": "payments/charge.go:%d" % rng.randrange(400),
        "msg": "charge settled", "charge_id": "ch_%024x" % rng.getrandbits(96), "amount_cents": rng.randrange(100000),
        "currency": "EUR", "attempt": 1, "latency": "%dms" % rng.randrange(900), "merchant": "m-%05d" % rng.randrange(99999),
        "tags": ["checkout", "card"], "stack": None, **env,
    }, separators=(",", ":"))

def main():
    kind, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(15)
    make = {"canonical": canonical, "foreign": foreign}[kind]
    with open(path, "w", buffering=1 << 20) as out:
        for i in range(count):
            out.write(make(i, rng))
            out.write("\n")

if __name__ == "__main__":
    main()
