import SettingSyntax

/// One setting of the shipper: its key in the configuration file, its environment variable, its type
/// and what it means. The same table drives the config file, `LOGSHIPPER_*` variables, `--set`,
/// `logshipper validate` and the help text, so the four can never disagree.
struct SettingKey: Sendable, Hashable {
    /// The value's shape.
    enum Kind: String, Sendable {
        case string, integer, boolean, list, map
        /// A length of time: `250ms`, `30s`, `10m`; a bare number in the key's own unit (`_ms`, `_seconds`).
        case duration
        /// An amount of bytes: `64KiB`, `10MB`; a bare number is bytes.
        case size
    }

    /// Dotted key as in the YAML file: `batch.max_events`.
    let name: String
    /// The value's shape.
    let kind: Kind
    /// The default, as it would be written in YAML, for help and `validate`; `nil` when there is none.
    let defaultValue: String?
    /// One line: what it does.
    let help: String

    /// `LOGSHIPPER_BATCH_MAX_EVENTS`.
    var environmentVariable: String {
        "LOGSHIPPER_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static let all: [SettingKey] = [
        SettingKey(name: "files.include", kind: .list, defaultValue: nil, help: "Files and glob patterns to tail (flag --file)."),
        SettingKey(name: "files.exclude", kind: .list, defaultValue: nil, help: "Glob patterns to leave out (flag --exclude)."),
        SettingKey(name: "files.max_line_bytes", kind: .size, defaultValue: "1MiB", help: "Longer lines are cut and marked line_truncated, never dropped."),
        SettingKey(name: "files.start_at_end", kind: .boolean, defaultValue: "false", help: "Skip what files held before they were first seen (default: read them from the start)."),
        SettingKey(name: "files.rotate_wait_ms", kind: .duration, defaultValue: "5000", help: "How long a rotated or deleted file stays open after its end, for late writes."),
        SettingKey(name: "journald.enabled", kind: .boolean, defaultValue: "false", help: "Read the local journal (flag --journal)."),
        SettingKey(name: "journald.matches", kind: .list, defaultValue: nil, help: "journalctl-style matches, e.g. _SYSTEMD_UNIT=orders.service (flags --unit, --match)."),
        SettingKey(name: "journald.directory", kind: .string, defaultValue: nil, help: "Read journal files from this directory instead of the local journal."),
        SettingKey(name: "journald.start_at_end", kind: .boolean, defaultValue: "false", help: "With no saved cursor, read only new entries (default: from the oldest)."),
        SettingKey(name: "service", kind: .string, defaultValue: "unknown", help: "Service name of events made from plain-text lines (flag --service)."),
        SettingKey(name: "host", kind: .string, defaultValue: nil, help: "Host name of events made from plain-text lines (default: this host's name)."),
        SettingKey(name: "sink.kind", kind: .string, defaultValue: "analyzer", help: "analyzer (NDJSON to <url>/v1/events) or otlp (OTLP/HTTP logs, protobuf, to <url>/v1/logs: a Collector, Vector, any OTLP backend; flag --to-otlp)."),
        SettingKey(name: "sink.url", kind: .string, defaultValue: "http://127.0.0.1:4180", help: "The receiver's address; events go to <url>/v1/events, or <url>/v1/logs for sink.kind otlp (flags --to, --to-otlp)."),
        SettingKey(name: "sink.token", kind: .string, defaultValue: nil, help: "Bearer token for the analyzer (prefer LOGSHIPPER_SINK_TOKEN or sink.token_file)."),
        SettingKey(name: "sink.token_file", kind: .string, defaultValue: nil, help: "File holding the bearer token."),
        SettingKey(name: "sink.headers", kind: .map, defaultValue: nil, help: "Extra HTTP headers, e.g. X-Tenant: shop (flag --header 'X-Tenant: shop')."),
        SettingKey(name: "sink.connect_timeout_ms", kind: .duration, defaultValue: "5000", help: "Connection timeout."),
        SettingKey(name: "sink.request_timeout_ms", kind: .duration, defaultValue: "30000", help: "Whole-request timeout."),
        SettingKey(name: "sink.ca_file", kind: .string, defaultValue: nil, help: "CA bundle to trust for https."),
        SettingKey(name: "sink.insecure_skip_verify", kind: .boolean, defaultValue: "false", help: "Do not verify TLS certificates (testing only)."),
        SettingKey(name: "batch.max_events", kind: .integer, defaultValue: "1000", help: "Most events per request."),
        SettingKey(name: "batch.max_bytes", kind: .size, defaultValue: "1MiB", help: "Most uncompressed bytes per request."),
        SettingKey(name: "batch.max_age_ms", kind: .duration, defaultValue: "1000", help: "Longest an event waits for its batch to fill."),
        SettingKey(name: "batch.compression_level", kind: .integer, defaultValue: "1", help: "gzip level 1-9 (1: ~10:1 on event lines for the least CPU); 0 sends plain NDJSON."),
        SettingKey(name: "retry.base_ms", kind: .duration, defaultValue: "200", help: "First retry waits up to this (full jitter, doubling)."),
        SettingKey(name: "retry.cap_ms", kind: .duration, defaultValue: "30000", help: "Longest wait between retries."),
        SettingKey(name: "retry.max_retries", kind: .integer, defaultValue: nil, help: "Retries before dead-lettering a batch; unset retries forever (recommended)."),
        SettingKey(name: "spool.max_bytes", kind: .size, defaultValue: "256MiB", help: "Undelivered bytes kept on disk; when full, reading pauses (nothing is dropped)."),
        SettingKey(name: "state_dir", kind: .string, defaultValue: "./logshipper-state", help: "Checkpoint, spool and dead-letter file (flag --state-dir). One per shipper."),
        SettingKey(name: "max_cpu_percent", kind: .integer, defaultValue: "none", help: "Keep the shipper under this share of one core (e.g. 10) by reading slower; nothing is dropped (flag --max-cpu)."),
        SettingKey(name: "shutdown_timeout_ms", kind: .duration, defaultValue: "10000", help: "On SIGTERM, how long to keep delivering before exiting."),
        SettingKey(name: "health.delivery_failure_seconds", kind: .duration, defaultValue: "60", help: "/health turns degraded once every delivery has failed (retried, refused or dead-lettered) for this long."),
        SettingKey(name: "metrics.listen", kind: .string, defaultValue: "127.0.0.1:9598", help: "host:port for /metrics and /health; 'off' disables (flag --metrics-listen)."),
        SettingKey(name: "log_level", kind: .string, defaultValue: "info", help: "The shipper's own log level: trace, debug, info, notice, warning, error, critical."),
    ]

    static let byName: [String: SettingKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The known key closest to `name`, for "did you mean".
    static func suggestion(for name: String) -> String? {
        KeySuggestion.closest(to: name, among: all.map(\.name))
    }
}
