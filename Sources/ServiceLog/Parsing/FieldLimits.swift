/// The most UTF-8 bytes each name-like field may have. The encoder cuts at these sizes and the decoder
/// rejects longer values, so a field is either stored as sent or refused with a reason: an identifier
/// that was cut (a correlation ID, a service name) would silently name something else.
///
/// Free text (`message`, `stack`, `endpoint`, string metadata) has no size of its own: it is bounded by
/// the line limit, and any cut an encoder makes is listed in `field_truncated`.
public enum FieldSize {
    /// `service` and `target_service`.
    public static let service = 128
    /// `event_id`.
    public static let eventID = 128
    /// `correlation_id` (the same bound as an incoming `X-Correlation-ID`).
    public static let correlationID = 128
    /// `error` of a `service_call` (a transport failure kind).
    public static let callError = 128
    /// `method`.
    public static let method = 32
    /// `host`, `instance`, `source`, `user_id` and `error_type`.
    public static let label = 256
    /// The name of a free-form field, at any depth.
    public static let attributeKey = 256
}

/// The ranges a consumer accepts for the values of an event read from outside the process: durations,
/// sizes, counts, status codes, gauges and timestamps that no real producer writes (and that would
/// overflow arithmetic downstream) are rejected with a reason that names the field.
///
/// Applied once, by the shared decoder (``Event/init(jsonLine:limits:)``), wherever a line enters: the
/// shipper's validation, `analyzer serve` and `analyzer ingest`. Reading back what the analyzer stored
/// skips it (``DecodingLimits/stored``): those lines passed it already, or were stored by an older version,
/// and the analysis must cope with them either way.
public struct FieldLimits: Sendable, Hashable {
    /// Longest `duration_ms` (it must also be ≥ 0). Default 604,800,000 (7 days): beyond any request,
    /// and far below where milliseconds as microseconds overflow 64 bits (9.2e15).
    public var maxDurationMS: Double
    /// Accepted `status_code` values. Default 0...999 (0: no response).
    public var statusCodes: ClosedRange<Int>
    /// Accepted `attempt` values. Default 1...1000.
    public var attempts: ClosedRange<Int>
    /// Largest `threads`, `open_fds` and `dropped_events` (all ≥ 0). Default 2³¹ − 1.
    public var maxCount: Int
    /// Largest `memory_mb` (≥ 0). Default 1,073,741,824 (1 PiB).
    public var maxMemoryMB: Double
    /// Largest `cpu_percent` (≥ 0). Default 100,000 (1000 cores).
    public var maxCPUPercent: Double
    /// Largest magnitude of a custom `resource` gauge. Default 1e15.
    public var maxGaugeMagnitude: Double
    /// Earliest accepted `timestamp`. Default 2000-01-01T00:00:00Z: earlier times come from clocks that
    /// were never set.
    public var earliest: Timestamp
    /// How far after the reader's clock a `timestamp` may be. Default 24 hours: skewed clocks pass, a
    /// date in another year (which would move every "newest event" window there) does not.
    public var maxFutureSkew: Duration

    /// Creates limits; every argument has the documented default.
    public init(
        maxDurationMS: Double = 604_800_000, statusCodes: ClosedRange<Int> = 0...999, attempts: ClosedRange<Int> = 1...1000,
        maxCount: Int = Int(Int32.max), maxMemoryMB: Double = 1_073_741_824, maxCPUPercent: Double = 100_000,
        maxGaugeMagnitude: Double = 1e15, earliest: Timestamp = Timestamp(microsecondsSinceEpoch: 946_684_800_000_000),
        maxFutureSkew: Duration = .seconds(86_400)
    ) {
        self.maxDurationMS = maxDurationMS
        self.statusCodes = statusCodes
        self.attempts = attempts
        self.maxCount = maxCount
        self.maxMemoryMB = maxMemoryMB
        self.maxCPUPercent = maxCPUPercent
        self.maxGaugeMagnitude = maxGaugeMagnitude
        self.earliest = earliest
        self.maxFutureSkew = maxFutureSkew
    }
}

extension Event {
    /// Checks sizes and ranges (see ``FieldLimits`` and ``FieldSize``); `now` is the reader's clock.
    /// Runs after the type checks, in a fixed order, so every decoder reports the same first reason.
    package func validate(_ limits: FieldLimits, now: Timestamp) throws(EventDecodingError) {
        try validateTimestamp(limits, now: now)
        try Self.checkSize(FieldName.service, service, FieldSize.service)
        try Self.checkSize(FieldName.eventID, eventID, FieldSize.eventID)
        try Self.checkSize(FieldName.host, host, FieldSize.label)
        try Self.checkSize(FieldName.instance, instance, FieldSize.label)
        try Self.checkSize(FieldName.source, source, FieldSize.label)
        try Self.checkSize(FieldName.correlationID, correlationID, FieldSize.correlationID)
        switch payload {
        case .requestStart(let start):
            try Self.checkSize(FieldName.method, start.method, FieldSize.method)
            try Self.checkSize(FieldName.userID, start.userID, FieldSize.label)
        case .requestEnd(let end):
            try Self.checkSize(FieldName.method, end.method, FieldSize.method)
            try Self.checkStatus(end.statusCode, limits)
            try Self.checkDuration(end.durationMS, limits)
        case .serviceCall(let call):
            try Self.checkSize(FieldName.targetService, call.targetService, FieldSize.service)
            try Self.checkSize(FieldName.method, call.method, FieldSize.method)
            try Self.checkDuration(call.durationMS, limits)
            try Self.checkStatus(call.statusCode, limits)
            try Self.checkSize(FieldName.error, call.error, FieldSize.callError)
            if let attempt = call.attempt, !limits.attempts.contains(attempt) {
                throw EventDecodingError(
                    "field 'attempt': \(attempt) is outside \(limits.attempts.lowerBound)...\(limits.attempts.upperBound)")
            }
        case .error(let details):
            try Self.checkSize(FieldName.errorType, details.errorType, FieldSize.label)
        case .resource(let sample):
            try Self.checkRange(FieldName.memoryMB, sample.memoryMB, max: limits.maxMemoryMB, unit: "MiB")
            try Self.checkRange(FieldName.cpuPercent, sample.cpuPercent, max: limits.maxCPUPercent, unit: "%")
            try Self.checkCount(FieldName.threads, sample.threads, limits)
            try Self.checkCount(FieldName.openFDs, sample.openFDs, limits)
            for name in sample.gauges.keys.sorted() {
                try Self.checkAttributeKey(name)
                let value = sample.gauges[name]!
                guard abs(value) <= limits.maxGaugeMagnitude else {
                    throw EventDecodingError(
                        "gauge '\(name.prefix(64))': \(Self.number(value)) is beyond ±\(Self.number(limits.maxGaugeMagnitude))")
                }
            }
        case .log:
            break
        }
        try Self.checkCount(FieldName.droppedEvents, droppedEvents, limits)
        // A dictionary's order differs between two dictionaries of the same keys: of several names
        // over the limit, the first in sorted order is named, so every decoder (and every run) says
        // the same, without sorting in the common case.
        var overLong: String?
        for key in attributes.keys where key.utf8.count > FieldSize.attributeKey && (overLong.map { key < $0 } ?? true) { overLong = key }
        if let overLong { try Self.checkAttributeKey(overLong) }
    }

    private func validateTimestamp(_ limits: FieldLimits, now: Timestamp) throws(EventDecodingError) {
        if timestamp < limits.earliest {
            throw EventDecodingError(
                "field 'timestamp': \(timestamp) is before \(limits.earliest) (a clock that was never set?)")
        }
        let skew = limits.maxFutureSkew.components.seconds
        let (skewMicros, tooLong) = skew.multipliedReportingOverflow(by: 1_000_000)
        let (latest, overflow) = now.microsecondsSinceEpoch.addingReportingOverflow(skewMicros)
        if !tooLong, !overflow, timestamp.microsecondsSinceEpoch > latest {
            throw EventDecodingError(
                "field 'timestamp': \(timestamp) is more than \(Self.span(seconds: Double(skew))) ahead of this reader's clock; "
                    + "fix the producer's clock")
        }
    }

    /// `7 days`, `24 h` or `90 s`.
    private static func span(seconds: Double) -> String {
        if seconds >= 2 * 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(number(seconds / 86_400)) days" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(number(seconds / 3600)) h" }
        return "\(number(seconds)) s"
    }

    /// A limit as people write it: `604800000`, not `604800000.0` (and no conversion that could trap).
    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e18 { return String(Int64(value)) }
        return value.description
    }

    private static func checkSize(_ name: String, _ value: String?, _ limit: Int) throws(EventDecodingError) {
        guard let value else { return }
        let count = value.utf8.count
        guard count > limit else { return }
        throw EventDecodingError(
            "field '\(name)' is \(count) bytes, over the \(limit)-byte limit (values are stored as sent, never cut)")
    }

    private static func checkAttributeKey(_ key: String) throws(EventDecodingError) {
        let count = key.utf8.count
        guard count > FieldSize.attributeKey else { return }
        throw EventDecodingError(
            "a field name is \(count) bytes, over the \(FieldSize.attributeKey)-byte limit: '\(key.prefix(40))…'")
    }

    private static func checkStatus(_ code: Int, _ limits: FieldLimits) throws(EventDecodingError) {
        guard !limits.statusCodes.contains(code) else { return }
        throw EventDecodingError(
            "field 'status_code': \(code) is outside \(limits.statusCodes.lowerBound)...\(limits.statusCodes.upperBound)")
    }

    private static func checkDuration(_ milliseconds: Double, _ limits: FieldLimits) throws(EventDecodingError) {
        // Written so that NaN fails too.
        guard milliseconds >= 0, milliseconds <= limits.maxDurationMS else {
            throw EventDecodingError(
                "field 'duration_ms': \(number(milliseconds)) is outside 0...\(number(limits.maxDurationMS)) "
                    + "(milliseconds: at most \(span(seconds: limits.maxDurationMS / 1000))); microseconds or nanoseconds in a milliseconds field?")
        }
    }

    private static func checkRange(_ name: String, _ value: Double, max: Double, unit: String) throws(EventDecodingError) {
        guard value >= 0, value <= max else {
            throw EventDecodingError("field '\(name)': \(number(value)) is outside 0...\(number(max)) \(unit)")
        }
    }

    private static func checkCount(_ name: String, _ value: Int?, _ limits: FieldLimits) throws(EventDecodingError) {
        guard let value, value < 0 || value > limits.maxCount else { return }
        throw EventDecodingError("field '\(name)': \(value) is outside 0...\(limits.maxCount)")
    }
}
