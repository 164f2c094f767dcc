#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine with the Swift toolchain:
# Debian's C libraries (journald, zlib, curl, SQLite), journald itself, and Python's jsonschema (the
# independent validator the schema tests use). Idempotent: installs only what is missing.
set -euo pipefail

debian_packages=(libsystemd-dev zlib1g-dev libcurl4-openssl-dev libsqlite3-dev systemd systemd-journal-remote python3 python3-pip)
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

if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "setup: installing Python's jsonschema (schema conformance tests)"
    python3 -m pip install --quiet jsonschema 2>/dev/null || python3 -m pip install --quiet --break-system-packages jsonschema
fi
