#!/usr/bin/env python3
"""Checks a Prometheus text exposition with an independent parser (PyPI's prometheus-client).

Usage: check-prometheus.py [FILE]   (standard input when no file is given)

Exits 0 when the text parses and every metric family has a # HELP text and a # TYPE other than
"unknown"; otherwise prints each problem and exits 1. Used by the tests of both /metrics endpoints.
"""
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("check-prometheus: needs Python's prometheus-client (pip install prometheus-client; scripts/setup.sh installs it)", file=sys.stderr)
    sys.exit(2)


def main():
    text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
    problems = []
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and others on malformed text
        print(f"check-prometheus: the exposition does not parse: {error}")
        return 1
    for family in families:
        if not family.documentation:
            problems.append(f"{family.name}: no # HELP text")
        if family.type == "unknown":
            problems.append(f"{family.name}: no # TYPE")
    for problem in problems:
        print(problem)
    print(f"check-prometheus: {len(families)} families, {sum(len(f.samples) for f in families)} samples, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
