#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine with the Swift toolchain:
# Debian's C libraries (journald, zlib, curl, SQLite), journald itself, Python's jsonschema (the
# independent validator the schema tests use) and prometheus-client (the parser the /metrics tests use),
# headless Chromium with chromium-driver and Python's selenium (the dashboard's browser test), and
# Prometheus for its promtool (the alerting rules' check; its server is not started).
# Idempotent: installs only what is missing.
set -euo pipefail

debian_packages=(libsystemd-dev zlib1g-dev libcurl4-openssl-dev libsqlite3-dev systemd systemd-journal-remote openssl python3 python3-pip chromium chromium-driver)
missing=()
for package in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v promtool >/dev/null; then
    echo "setup: installing Debian's prometheus for promtool (checks Examples/Prometheus/alerts.yml)"
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

if ! python3 -c 'import selenium' 2>/dev/null; then
    echo "setup: installing Python's selenium (the dashboard's browser test drives Debian's chromium-driver)"
    python3 -m pip install --quiet selenium 2>/dev/null || python3 -m pip install --quiet --break-system-packages selenium
fi

if ! python3 -c 'import prometheus_client' 2>/dev/null; then
    echo "setup: installing Python's prometheus-client (its parser checks both /metrics endpoints)"
    python3 -m pip install --quiet prometheus-client 2>/dev/null || python3 -m pip install --quiet --break-system-packages prometheus-client
fi

if ! python3 -c 'import kubernetes_validate' 2>/dev/null; then
    echo "setup: installing Python's kubernetes-validate (checks deploy/kubernetes/ against the Kubernetes OpenAPI schemas)"
    python3 -m pip install --quiet kubernetes-validate 2>/dev/null || python3 -m pip install --quiet --break-system-packages kubernetes-validate
fi

if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "setup: installing Python's jsonschema (schema conformance tests)"
    python3 -m pip install --quiet jsonschema 2>/dev/null || python3 -m pip install --quiet --break-system-packages jsonschema
fi

if ! python3 -c 'import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http' 2>/dev/null; then
    echo "setup: installing Python's OpenTelemetry SDK and OTLP/HTTP exporter (real clients of the analyzer's OTLP receiver)"
    python3 -m pip install --quiet opentelemetry-sdk opentelemetry-exporter-otlp-proto-http 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages opentelemetry-sdk opentelemetry-exporter-otlp-proto-http
fi
