#!/usr/bin/env python3
"""Validate NDJSON event lines against docs/event-format.schema.json.

Usage: validate-events.py SCHEMA FILE...   (FILE may be - for stdin)
Prints one line per invalid event (file:line: reason) and a summary; exits 1 if any line is invalid.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate-events.py needs the 'jsonschema' package: pip install jsonschema")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with open(argv[1]) as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    checked = invalid = 0
    for name in argv[2:]:
        handle = sys.stdin if name == "-" else open(name, encoding="utf-8")
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            checked += 1
            try:
                event = json.loads(line)
            except ValueError as error:
                invalid += 1
                print(f"{name}:{number}: not JSON: {error}")
                continue
            errors = sorted(validator.iter_errors(event), key=lambda e: list(e.path))
            if errors:
                invalid += 1
                print(f"{name}:{number}: " + "; ".join(f"{'/'.join(map(str, e.path)) or '(event)'}: {e.message}" for e in errors[:3]))
    print(f"{checked} events checked, {invalid} invalid")
    return 1 if invalid or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
