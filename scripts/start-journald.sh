#!/bin/sh
# Starts a standalone systemd-journald for the ServiceLogJournal tests on machines (containers, CI)
# where systemd is not PID 1. Idempotent: run it as often as you like.
#
# - Writes /etc/systemd/journald.conf.d/servicelog-tests.conf (rate limiting off, volatile storage)
#   before starting, because journald reads its configuration only at start (v252 has no reload).
# - Starts journald only if no journald is listening on /run/systemd/journal/socket.
# - If the configuration was just written and the running journald is the one this script started
#   (pid in /run/servicelog-test-journald.pid), restarts it so the configuration applies.
#   A journald this script did not start is never killed.
#
# Must run as root (journald needs it, and the paths are system paths).
set -eu

SOCKET=/run/systemd/journal/socket
PIDFILE=/run/servicelog-test-journald.pid
CONFDIR=/etc/systemd/journald.conf.d
CONF=$CONFDIR/servicelog-tests.conf
JOURNALD=/lib/systemd/systemd-journald
WANTED_CONF='[Journal]
RateLimitIntervalSec=0
Storage=volatile'

say() { echo "start-journald: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "must run as root"
    exit 1
fi
if [ ! -x "$JOURNALD" ]; then
    say "$JOURNALD not found (install the systemd package)"
    exit 1
fi

# 1. Configuration first, so a journald started below reads it.
conf_changed=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$WANTED_CONF" ]; then
    mkdir -p "$CONFDIR"
    printf '%s\n' "$WANTED_CONF" >"$CONF"
    conf_changed=1
    say "wrote $CONF"
fi

# pids of live systemd-journald processes. `pgrep -x systemd-journald` never matches: the kernel cuts
# process names to 15 characters ("systemd-journal", which systemd-journal-remote also shows), so
# match the short name and confirm by the executable. Zombies have no exe link and drop out.
journald_pids() {
    for pid in $(pgrep -x systemd-journal || true); do
        case "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" in
        */systemd-journald) echo "$pid" ;;
        esac
    done
}

# The pid of the journald this script started, if it still runs (a stale pid file whose pid was
# reused by another process does not count).
our_pid() {
    [ -f "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE")
    [ -n "$pid" ] || return 1
    journald_pids | grep -qx "$pid" || return 1
    echo "$pid"
}

running() { [ -n "$(journald_pids)" ]; }

wait_for_socket() {
    i=0
    while [ $i -lt 100 ]; do
        if [ -S "$SOCKET" ]; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

start() {
    mkdir -p /run/systemd/journal
    # setsid: journald must outlive this script and the test run, and not get the terminal's signals.
    setsid "$JOURNALD" </dev/null >/dev/null 2>&1 &
    echo $! >"$PIDFILE"
    if ! wait_for_socket; then
        say "journald did not create $SOCKET within 10 s"
        exit 1
    fi
    # setsid forks when it happens to lead a process group; then $! is not journald's pid.
    if ! our_pid >/dev/null; then
        journald_pids | tail -n 1 >"$PIDFILE"
    fi
    say "started systemd-journald (pid $(cat "$PIDFILE"))"
}

stop_ours() {
    pid=$1
    kill "$pid"
    i=0
    while journald_pids | grep -qx "$pid" && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if journald_pids | grep -qx "$pid"; then
        say "journald pid $pid did not exit within 10 s"
        exit 1
    fi
    rm -f "$PIDFILE"
}

# 2. Start, restart or leave alone.
if running; then
    if pid=$(our_pid); then
        if [ "$conf_changed" -eq 1 ]; then
            say "restarting the journald this script started (pid $pid) to apply $CONF"
            stop_ours "$pid"
            start
        elif [ ! -S "$SOCKET" ]; then
            # Ours, but its socket is gone (someone removed /run/systemd/journal): start afresh.
            say "socket missing, restarting our journald (pid $pid)"
            stop_ours "$pid"
            start
        else
            say "journald already running (pid $pid, started by this script)"
        fi
    else
        if [ "$conf_changed" -eq 1 ]; then
            say "warning: a journald not started by this script is running; it may not have read $CONF" \
                "(rate limiting may apply). Restart it yourself to apply the configuration."
        fi
        if ! wait_for_socket; then
            say "a journald not started by this script runs, but $SOCKET does not exist"
            exit 1
        fi
        say "journald already running (not started by this script)"
    fi
else
    # No journald: a socket left behind by a dead one is stale; journald recreates it.
    rm -f "$PIDFILE"
    start
fi
