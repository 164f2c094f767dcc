import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-line setup of the logging system, and process-wide flushing.
///
/// ```swift
/// ServiceLog.bootstrap(service: "payments")
/// let logger = Logger(label: "payments")
/// logger.info("charged card", metadata: ["amount": .stringConvertible(42)])
/// ```
public enum ServiceLog {
    static let writers = Mutex<[LineWriter]>([])

    /// Installs ``ServiceLogHandler`` as swift-log's backend and returns the writer behind it.
    ///
    /// Call it once, first thing in `main`. Every `Logger` created afterwards writes canonical events for
    /// `service` to `output` (stdout by default). Buffered lines are flushed at process exit; call
    /// ``flush()`` before an abnormal exit you control (e.g. `fatalError`).
    ///
    /// - Parameters:
    ///   - configuration: service name, level, redaction, limits.
    ///   - output: where lines go; ``StandardOutput`` by default.
    ///   - backPressure: block (default) or drop when the output cannot keep up.
    ///   - metadataProvider: extra metadata for every event (the request IDs need none).
    @discardableResult
    public static func bootstrap(
        _ configuration: ServiceLogConfiguration, output: any LogOutput = StandardOutput(),
        backPressure: BackPressure = .block, metadataProvider: Logger.MetadataProvider? = nil
    ) -> LineWriter {
        let writer = makeWriter(configuration: configuration, output: output, backPressure: backPressure)
        LoggingSystem.bootstrap(
            { label, provider in
                ServiceLogHandler(label: label, configuration: configuration, writer: writer, metadataProvider: provider)
            }, metadataProvider: metadataProvider)
        return writer
    }

    /// Shorthand for ``bootstrap(_:output:backPressure:metadataProvider:)`` with defaults.
    @discardableResult
    public static func bootstrap(
        service: String, level: Logger.Level = .info, output: any LogOutput = StandardOutput()
    ) -> LineWriter {
        bootstrap(ServiceLogConfiguration(service: service, logLevel: level), output: output)
    }

    /// Creates a writer whose losses are reported as canonical events of `configuration.service`, and
    /// registers it to be flushed at exit. Use it to build handlers without touching the global system.
    public static func makeWriter(
        configuration: ServiceLogConfiguration, output: any LogOutput, backPressure: BackPressure = .block,
        capacity: Int = 8 << 20
    ) -> LineWriter {
        let writer = LineWriter(output: output, capacity: capacity, backPressure: backPressure) { count, reason in
            var event = Event(
                timestamp: .now(), level: .warning, service: configuration.service, payload: .log,
                message: "servicelog lost \(count) events: \(reason)", host: configuration.host,
                instance: configuration.instance, droppedEvents: count)
            event.eventID = configuration.includesEventID ? IDGenerator.eventID() : nil
            return event.jsonLine()
        }
        registerForExit(writer)
        return writer
    }

    /// Waits until every event logged so far has been written.
    public static func flush() {
        for writer in writers.withLock({ $0 }) { writer.flush() }
    }

    private static func registerForExit(_ writer: LineWriter) {
        let first = writers.withLock { list -> Bool in
            list.append(writer)
            return list.count == 1
        }
        if first { atexit { ServiceLog.flush() } }
    }
}

extension Logger.MetadataProvider {
    /// Adds `correlation_id`, `trace_id`, `span_id` and `parent_span_id` of the current request, for
    /// handlers other than ``ServiceLogHandler`` (which reads the context itself and needs no provider).
    public static let serviceLog = Logger.MetadataProvider {
        guard let context = CorrelationContext.current else { return [:] }
        var metadata: Logger.Metadata = [
            FieldName.correlationID: .string(context.correlationID),
            FieldName.traceID: .string(context.trace.traceID.description),
            FieldName.spanID: .string(context.trace.spanID.description),
        ]
        if let parent = context.parentSpanID { metadata[FieldName.parentSpanID] = .string(parent.description) }
        return metadata
    }
}
