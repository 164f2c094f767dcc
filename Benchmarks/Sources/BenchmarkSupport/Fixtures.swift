import Logging
import ServiceLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The event every benchmark logs: `request_start` for `POST /v1/orders` by `u-1842` in service
/// `orders`, inside one request context, with `region` and `cart_items` as extra metadata.
public enum Fixture {
    /// Logs the event through ServiceLog's typed API, as the benchmarks do.
    @inlinable
    public static func logTyped(_ logger: Logger) {
        logger.requestStart(
            method: "POST", endpoint: "/v1/orders", userID: "u-1842",
            metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
    }

    /// Logs the event with its 2 extra values as typed fields (no `Logger.Metadata`).
    @inlinable
    public static func logTypedFields(_ logger: Logger) {
        logger.event(
            .requestStart(RequestStart(method: "POST", endpoint: "/v1/orders", userID: "u-1842")),
            fields: .string("region", "eu-west-1"), .int("cart_items", 3))
    }

    /// Logs the same event through swift-log's untyped API: the 8 fields and the 2 metadata values as
    /// metadata (what the StreamLogHandler and JSONEncoder baselines receive).
    @inlinable
    public static func logAsMetadata(_ logger: Logger) {
        logger.info(
            "request_start",
            metadata: [
                "service": "orders",
                "event_type": "request_start",
                "correlation_id": .string(correlationID),
                "trace_id": .string(traceID),
                "span_id": .string(spanID),
                "method": "POST",
                "endpoint": "/v1/orders",
                "user_id": "u-1842",
                "region": "eu-west-1",
                "cart_items": .stringConvertible(3),
            ])
    }

    public static let service = "orders"

    /// The request the events belong to: correlation, trace and span IDs.
    public static let context = CorrelationContext.newRoot()

    /// The IDs as strings, for the baselines, which take them as metadata (formatted once, here, so
    /// the baselines are not charged for hex formatting that ServiceLog does per event).
    public static let correlationID = context.correlationID
    public static let traceID = context.trace.traceID.description
    public static let spanID = context.trace.spanID.description
}

/// A logger backed by ``ServiceLogHandler``, and its writer.
public struct ServiceLogSetup: Sendable {
    public let logger: Logger
    public let writer: LineWriter
}

/// Builds a ServiceLog logger at `level` writing to `/dev/null` (or `fileDescriptor`) with the default
/// configuration (which
/// writes `event_id` and `host` too). Not inlinable, so the optimizer cannot see the handler's type
/// and the benchmark measures a logger as a service holds it.
@inline(never)
public func makeServiceLogLogger(level: Logger.Level = .info, fileDescriptor: Int32? = nil) -> ServiceLogSetup {
    let descriptor = fileDescriptor ?? open("/dev/null", O_WRONLY)
    precondition(descriptor >= 0, "cannot open /dev/null")
    let configuration = ServiceLogConfiguration(service: Fixture.service, logLevel: level)
    let writer = ServiceLog.makeWriter(configuration: configuration, output: StandardOutput(fileDescriptor: descriptor))
    var logger = Logger(label: Fixture.service) { label in
        ServiceLogHandler(label: label, configuration: configuration, writer: writer)
    }
    logger.logLevel = level
    return ServiceLogSetup(logger: logger, writer: writer)
}

/// A logger backed by swift-log's `StreamLogHandler` writing to `sink`.
@inline(never)
public func makeStreamLogger(sink: BufferedSink, level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: Fixture.service) { label in
        StreamLogHandler(label: label, stream: SinkTextStream(sink), metadataProvider: nil)
    }
    logger.logLevel = level
    return logger
}

/// A logger backed by ``JSONEncoderLogHandler`` writing to `sink`.
@inline(never)
public func makeJSONEncoderLogger(sink: BufferedSink, level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: Fixture.service) { _ in
        JSONEncoderLogHandler(service: Fixture.service, sink: sink)
    }
    logger.logLevel = level
    return logger
}

/// A logger whose handler does nothing but hold a level: swift-log's own level check, nothing else.
@inline(never)
public func makeLevelOnlyLogger(level: Logger.Level) -> Logger {
    var logger = Logger(label: Fixture.service) { _ in LevelOnlyLogHandler() }
    logger.logLevel = level
    return logger
}

/// Like swift-log's benchmark `NoOpLogHandler`, with a settable level (`SwiftLogNoOpLogHandler`'s is
/// fixed at `critical`).
public struct LevelOnlyLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init() {}

    public func log(event: LogEvent) {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
