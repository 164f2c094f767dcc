import Foundation
import Logging
import SettingSyntax

/// The shipper's settings, typed and checked: what `logshipper` runs with and what
/// `logshipper validate` reports on.
struct ShipperSettings: Sendable {
    struct Files: Sendable {
        var include: [String] = []
        var exclude: [String] = []
        var maxLineBytes = 1 << 20
        var startAtEnd = false
        var rotateWait: Duration = .seconds(5)
    }

    struct Journald: Sendable {
        var enabled = false
        var matches: [String] = []
        var directory: String?
        var startAtEnd = false
    }

    struct Sink: Sendable {
        /// What the receiver speaks.
        enum Kind: String, Sendable, CaseIterable {
            /// The analyzer's NDJSON ingest.
            case analyzer
            /// OTLP/HTTP logs (protobuf).
            case otlp

            /// Where the receiver takes batches when `sink.url` has no path.
            var defaultPath: String { self == .otlp ? "/v1/logs" : "/v1/events" }
            /// The `Content-Type` of a batch.
            var contentType: String { self == .otlp ? "application/x-protobuf" : "application/x-ndjson" }
        }

        var kind = Kind.analyzer
        var url = "http://127.0.0.1:4180"
        var token: String?
        var headers: [String: String] = [:]
        var connectTimeout: Duration = .seconds(5)
        var requestTimeout: Duration = .seconds(30)
        var caFile: String?
        var insecureSkipVerify = false
    }

    var files = Files()
    var journald = Journald()
    var service = "unknown"
    var host: String?
    var sink = Sink()
    var batchMaxEvents = 1000
    var batchMaxBytes = 1 << 20
    var batchMaxAge: Duration = .seconds(1)
    var compressionLevel: Int32? = 1
    var retryBase: Duration = .milliseconds(200)
    var retryCap: Duration = .seconds(30)
    var maxRetries: Int?
    var spoolMaxBytes = 256 << 20
    var stateDirectory = "./logshipper-state"
    var shutdownTimeout: Duration = .seconds(10)
    var maxCPUPercent: Int?
    /// `nil` when metrics are off.
    var metricsListen: (host: String, port: Int)? = ("127.0.0.1", 9598)
    var logLevel: Logger.Level = .info
    /// `/health` is degraded once every delivery has failed for this long.
    var healthDeliveryFailure: Duration = .seconds(60)

    /// Checks `raw` and builds settings, collecting every problem rather than stopping at the first.
    static func resolve(_ raw: RawSettings) -> (ShipperSettings, [SettingProblem]) {
        var reader = Reader(raw: raw)
        var settings = ShipperSettings()
        reader.list("files.include") { settings.files.include = $0 }
        reader.list("files.exclude") { settings.files.exclude = $0 }
        reader.size("files.max_line_bytes", in: 256...(64 << 20)) { settings.files.maxLineBytes = $0 }
        reader.boolean("files.start_at_end") { settings.files.startAtEnd = $0 }
        reader.duration("files.rotate_wait_ms", bare: .milliseconds, in: .zero ... .seconds(3600)) { settings.files.rotateWait = $0 }
        reader.boolean("journald.enabled") { settings.journald.enabled = $0 }
        reader.list("journald.matches") { settings.journald.matches = $0 }
        reader.string("journald.directory") { settings.journald.directory = $0 }
        reader.boolean("journald.start_at_end") { settings.journald.startAtEnd = $0 }
        reader.string("service") { settings.service = $0 }
        reader.string("host") { settings.host = $0 }
        if let value = reader.scalar("sink.kind") {
            if let kind = Sink.Kind(rawValue: value.lowercased()) {
                settings.sink.kind = kind
            } else {
                reader.problem("sink.kind", "'\(value)' is not a sink kind", fix: "write analyzer or otlp")
            }
        }
        if let url = reader.scalar("sink.url") {
            if let (message, fix) = SinkURL.problem(url) {
                reader.problem("sink.url", message, fix: fix)
            } else {
                settings.sink.url = url
            }
        }
        reader.string("sink.token") { settings.sink.token = $0 }
        if let path = reader.scalar("sink.token_file") {
            do {
                let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                settings.sink.token = token
            } catch {
                reader.problem("sink.token_file", "cannot read '\(path)': \(error.localizedDescription)", fix: "point it at a readable file holding only the token")
            }
        }
        reader.map("sink.headers") { settings.sink.headers = $0 }
        reader.duration("sink.connect_timeout_ms", bare: .milliseconds, in: .milliseconds(1) ... .seconds(600)) { settings.sink.connectTimeout = $0 }
        reader.duration("sink.request_timeout_ms", bare: .milliseconds, in: .milliseconds(1) ... .seconds(3600)) { settings.sink.requestTimeout = $0 }
        reader.string("sink.ca_file") { settings.sink.caFile = $0 }
        reader.boolean("sink.insecure_skip_verify") { settings.sink.insecureSkipVerify = $0 }
        reader.integer("batch.max_events", in: 1...1_000_000) { settings.batchMaxEvents = $0 }
        reader.size("batch.max_bytes", in: 1024...(256 << 20)) { settings.batchMaxBytes = $0 }
        reader.duration("batch.max_age_ms", bare: .milliseconds, in: .milliseconds(1) ... .seconds(3600)) { settings.batchMaxAge = $0 }
        reader.integer("batch.compression_level", in: 0...9) { settings.compressionLevel = $0 == 0 ? nil : Int32($0) }
        reader.duration("retry.base_ms", bare: .milliseconds, in: .milliseconds(1) ... .seconds(600)) { settings.retryBase = $0 }
        reader.duration("retry.cap_ms", bare: .milliseconds, in: .milliseconds(1) ... .seconds(3600)) { settings.retryCap = $0 }
        reader.integer("retry.max_retries", in: 0...1_000_000_000) { settings.maxRetries = $0 }
        reader.size("spool.max_bytes", in: (64 << 10)...(1 << 50)) { settings.spoolMaxBytes = $0 }
        reader.string("state_dir") { settings.stateDirectory = $0 }
        reader.duration("shutdown_timeout_ms", bare: .milliseconds, in: .zero ... .seconds(3600)) { settings.shutdownTimeout = $0 }
        reader.integer("max_cpu_percent", in: 1...800) { settings.maxCPUPercent = $0 }
        reader.duration("health.delivery_failure_seconds", bare: .seconds, in: .seconds(1) ... .seconds(86_400)) { settings.healthDeliveryFailure = $0 }
        if let text = reader.scalar("metrics.listen") {
            if text == "off" || text.isEmpty {
                settings.metricsListen = nil
            } else if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) {
                settings.metricsListen = (String(text[..<colon]), port)
            } else {
                reader.problem("metrics.listen", "'\(text)' is not host:port", fix: "write e.g. 127.0.0.1:9598, or 'off'")
            }
        }
        if let text = reader.scalar("log_level") {
            if let level = Logger.Level(rawValue: text.lowercased()) {
                settings.logLevel = level
            } else {
                reader.problem("log_level", "'\(text)' is not a level", fix: "use one of trace, debug, info, notice, warning, error, critical")
            }
        }

        if settings.files.include.isEmpty && !settings.journald.enabled && raw.unreadableFiles.isEmpty {
            reader.problems.append(SettingProblem(
                key: nil, origin: "settings", message: "nothing to read: no file pattern and journald is off",
                fix: "pass --file '/var/log/app/*.log' or --journal (or set files.include / journald.enabled)"))
        }
        if settings.batchMaxAge > .zero, settings.retryBase > settings.retryCap {
            reader.problem("retry.base_ms", "larger than retry.cap_ms", fix: "make retry.base_ms at most retry.cap_ms")
        }
        if settings.spoolMaxBytes < settings.batchMaxBytes * 2 {
            reader.problem("spool.max_bytes", "smaller than two batches (\(settings.batchMaxBytes * 2) bytes)", fix: "raise spool.max_bytes or lower batch.max_bytes")
        }
        for match in settings.journald.matches where match != "+" && !match.contains("=") {
            reader.problem("journald.matches", "'\(match)' is not FIELD=value", fix: "write e.g. _SYSTEMD_UNIT=orders.service or SYSLOG_IDENTIFIER=orders")
        }
        return (settings, reader.problems)
    }

    /// Reads typed values out of raw settings, recording a problem per bad value.
    private struct Reader {
        let raw: RawSettings
        var problems: [SettingProblem]

        init(raw: RawSettings) {
            self.raw = raw
            problems = raw.problems
        }

        mutating func problem(_ key: String, _ message: String, fix: String) {
            problems.append(SettingProblem(key: key, origin: raw[key]?.origin ?? "default", message: message, fix: fix))
        }

        /// A single value, without recording problems (for values checked by the caller).
        func scalar(_ key: String) -> String? {
            guard case .scalar(let text) = raw[key]?.content else { return nil }
            return text
        }

        mutating func string(_ key: String, _ apply: (String) -> Void) {
            guard let value = raw[key] else { return }
            guard case .scalar(let text) = value.content else { return problem(key, "expected a single value", fix: "write one value") }
            apply(text)
        }

        mutating func integer(_ key: String, in range: ClosedRange<Int>, _ apply: (Int) -> Void) {
            guard let value = raw[key] else { return }
            guard case .scalar(let text) = value.content, let number = Int(text.replacingOccurrences(of: "_", with: "")) else {
                return problem(key, "expected a whole number", fix: "write digits only, e.g. \(SettingKey.byName[key]?.defaultValue ?? "\(range.lowerBound)")")
            }
            guard range.contains(number) else {
                return problem(key, "\(number) is out of range", fix: "use a value from \(range.lowerBound) to \(range.upperBound)")
            }
            apply(number)
        }

        mutating func duration(_ key: String, bare: DurationSyntax.BareUnit, in range: ClosedRange<Duration>, _ apply: (Duration) -> Void) {
            guard let value = raw[key] else { return }
            let unit = bare == .seconds ? "seconds" : "milliseconds"
            guard case .scalar(let text) = value.content, let duration = DurationSyntax.duration(text, bare: bare) else {
                return problem(key, "'\(raw[key].map(Self.describe) ?? "")' is not a length of time", fix: "write e.g. \(DurationSyntax.examples) (a bare number is \(unit))")
            }
            guard range.contains(duration) else {
                return problem(key, "\(text) is out of range", fix: "use a length from \(Self.describe(range.lowerBound)) to \(Self.describe(range.upperBound))")
            }
            apply(duration)
        }

        mutating func size(_ key: String, in range: ClosedRange<Int>, _ apply: (Int) -> Void) {
            guard let value = raw[key] else { return }
            guard case .scalar(let text) = value.content, let bytes = ByteSizeSyntax.bytes(text) else {
                return problem(key, "'\(raw[key].map(Self.describe) ?? "")' is not a size", fix: "write e.g. \(ByteSizeSyntax.examples) (a bare number is bytes)")
            }
            guard range.contains(bytes) else {
                return problem(key, "\(text) (\(bytes) bytes) is out of range", fix: "use a size from \(range.lowerBound) to \(range.upperBound) bytes")
            }
            apply(bytes)
        }

        private static func describe(_ value: RawSettings.Value) -> String {
            if case .scalar(let text) = value.content { return text }
            return "a list or mapping"
        }

        private static func describe(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            if attoseconds == 0, seconds % 60 == 0, seconds > 0 { return "\(seconds / 60)m" }
            if attoseconds == 0 { return "\(seconds)s" }
            return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
        }

        mutating func boolean(_ key: String, _ apply: (Bool) -> Void) {
            guard let value = raw[key] else { return }
            guard case .scalar(let text) = value.content else { return problem(key, "expected true or false", fix: "write true or false") }
            switch text.lowercased() {
            case "true", "yes", "on", "1": apply(true)
            case "false", "no", "off", "0": apply(false)
            default: problem(key, "'\(text)' is not a boolean", fix: "write true or false")
            }
        }

        mutating func list(_ key: String, _ apply: ([String]) -> Void) {
            guard let value = raw[key] else { return }
            switch value.content {
            case .list(let items): apply(items)
            case .scalar(let item): apply([item])
            case .map: problem(key, "expected a list", fix: "write a YAML list: [a, b]")
            }
        }

        mutating func map(_ key: String, _ apply: ([String: String]) -> Void) {
            guard let value = raw[key] else { return }
            guard case .map(let entries) = value.content else { return problem(key, "expected a mapping", fix: "write 'Name: value' pairs") }
            apply(entries)
        }
    }
}
