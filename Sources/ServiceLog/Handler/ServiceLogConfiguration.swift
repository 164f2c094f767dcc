import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a service's events are labelled and encoded.
public struct ServiceLogConfiguration: Sendable {
    /// The service name written in every event (`service`).
    public var service: String
    /// The host name written in every event (`host`); defaults to `gethostname()`.
    public var host: String?
    /// The instance (replica, pod) written in every event (`instance`), if set.
    public var instance: String?
    /// The minimum level of new loggers.
    public var logLevel: Logger.Level
    /// Which metadata keys are secrets.
    public var redaction: Redaction
    /// String, line and nesting limits.
    public var limits: EncodingLimits
    /// Whether each event gets a unique `event_id` (recommended: the analyzer drops duplicates by it).
    public var includesEventID: Bool
    /// Whether each event records the swift-log source module as `source`.
    public var includesSource: Bool

    public init(
        service: String, host: String? = ServiceLogConfiguration.hostName(), instance: String? = nil,
        logLevel: Logger.Level = .info, redaction: Redaction = Redaction(), limits: EncodingLimits = EncodingLimits(),
        includesEventID: Bool = true, includesSource: Bool = false
    ) {
        // An unset SERVICE_NAME must not make every line invalid (the format requires a non-empty service).
        self.service = service.isEmpty ? "unknown-service" : service
        self.host = host
        self.instance = instance
        self.logLevel = logLevel
        self.redaction = redaction
        self.limits = limits
        self.includesEventID = includesEventID
        self.includesSource = includesSource
    }

    /// This machine's host name.
    public static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
