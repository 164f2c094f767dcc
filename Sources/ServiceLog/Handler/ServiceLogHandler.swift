import Logging
import W3CTraceContext

/// The swift-log backend: writes every log call as one canonical JSON line with the current request's
/// correlation and trace context.
///
/// A value type like swift-log's own handlers: copying a logger copies its level and metadata; the
/// configuration and the ``LineWriter`` are shared. `log(event:)` encodes straight into the writer's
/// buffer (no intermediate event value, no `Codable`), and reads the request context from the
/// task-local `ServiceContext`, so no metadata provider is needed for the IDs.
public struct ServiceLogHandler: LogHandler {
    /// The shared, immutable part.
    @usableFromInline
    final class Core: Sendable {
        let configuration: ServiceLogConfiguration
        let writer: LineWriter
        // Unpacked once, so that the hot path reads fields instead of copying the configuration
        // (a struct of strings and arrays: one retain and release each per copy).
        let service: String
        let host: String?
        let instance: String?
        let redaction: Redaction
        let limits: EncodingLimits
        let includesEventID: Bool
        let includesSource: Bool
        // Encoded once here rather than per event: `"<service>"` (quoted, escaped, cut) and
        // `,"host":"…","instance":"…"`, with the names of those that were cut.
        let encodedService: EncodedBytes
        let serviceCut: Bool
        let encodedLabels: EncodedBytes
        let labelCuts: [String]

        init(configuration: ServiceLogConfiguration, writer: LineWriter) {
            self.configuration = configuration
            self.writer = writer
            service = configuration.service
            host = configuration.host
            instance = configuration.instance
            redaction = configuration.redaction
            limits = configuration.limits
            includesEventID = configuration.includesEventID
            includesSource = configuration.includesSource
            var serviceWasCut = false
            encodedService = EncodedBytes { out in
                serviceWasCut = JSONWriter.writeString(configuration.service, limit: FieldSize.service, into: &out)
            }
            serviceCut = serviceWasCut
            var cuts: [String] = []
            encodedLabels = EncodedBytes { out in
                if EventEncoding.writeOptional(",\"host\":", configuration.host, limit: FieldSize.label, into: &out) { cuts.append(FieldName.host) }
                if EventEncoding.writeOptional(",\"instance\":", configuration.instance, limit: FieldSize.label, into: &out) {
                    cuts.append(FieldName.instance)
                }
            }
            labelCuts = cuts
        }
    }

    @usableFromInline let core: Core
    /// The logger's label, written as `source` when ``ServiceLogConfiguration/includesSource`` is set.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler writing through `writer`.
    public init(
        label: String, configuration: ServiceLogConfiguration, writer: LineWriter,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.core = Core(configuration: configuration, writer: writer)
        self.label = label
        self.logLevel = configuration.logLevel
        self.metadataProvider = metadataProvider
    }

    /// The configuration events are written with.
    public var configuration: ServiceLogConfiguration { core.configuration }

    /// The writer lines go to.
    public var writer: LineWriter { core.writer }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Ordinary log calls become `log` events; a call that carries an `error` becomes an `error` event;
    /// a typed event that came through another handler (e.g. `MultiplexLogHandler`) keeps its type.
    public func log(event: LogEvent) {
        var callMetadata = event.metadata
        var payload = EventPayload.log
        var message: String? = event.message.description
        if let boxed = callMetadata?[EventPayload.metadataKey], case .stringConvertible(let value) = boxed,
            let carried = value as? EventPayload
        {
            payload = carried
            callMetadata?[EventPayload.metadataKey] = nil
            // The summary was only there for text handlers; the typed fields say it already.
            if message == carried.description { message = nil }
        } else if let error = event.error {
            payload = .error(ErrorDetails(errorType: String(reflecting: type(of: error))))
            let text = message ?? ""
            message = text.isEmpty ? String(describing: error) : "\(text): \(error)"
        }
        emit(
            level: event.level, payload: payload, message: message, metadata: callMetadata,
            fields: UnsafeBufferPointer(start: nil, count: 0), source: event.source, timestamp: .now(), trace: .current)
    }

    /// Writes one event. The typed `Logger` calls (``Logging/Logger/requestStart(method:endpoint:userID:level:metadata:)``
    /// and friends) land here directly. The level check is the caller's job.
    public func emit(
        level: Logger.Level, payload: EventPayload, message: String?, metadata callMetadata: Logger.Metadata?,
        source: String? = nil, timestamp: Timestamp = .now(), context: CorrelationContext? = CorrelationContext.current
    ) {
        emit(
            level: level, payload: payload, message: message, metadata: callMetadata, fields: UnsafeBufferPointer(start: nil, count: 0),
            source: source, timestamp: timestamp, trace: context.map(TraceFields.given) ?? .none)
    }

    /// Where an event's trace fields come from.
    enum TraceFields {
        /// Outside any request.
        case none
        /// The current request's, encoded when it became current.
        case encoded(EncodedCorrelation)
        /// A context the caller passed, encoded per event.
        case given(CorrelationContext)

        /// The current request's fields (see ``CorrelationContext/current`` for where they come from).
        @inline(__always)
        static var current: TraceFields {
            if let bound = CorrelationContext.boundOrInServiceContext { return .encoded(bound) }
            return .none
        }
    }

    /// Writes one event with metadata and typed fields (a field wins over metadata of the same key).
    @inline(__always)
    func emit(
        level: Logger.Level, payload: EventPayload, message: String?, metadata callMetadata: Logger.Metadata?,
        fields: UnsafeBufferPointer<LogField>, source: String?, timestamp: Timestamp, trace: TraceFields
    ) {
        if level >= .error || payload.eventType == .error { RequestErrorMark.current?.markWritten() }
        let core = self.core
        let providerMetadata = metadataProvider?.get()
        var merged = mergedMetadata(call: callMetadata, provided: providerMetadata)
        if !fields.isEmpty && !merged.isEmpty {
            for field in fields { merged[field.key] = nil }
        }
        let source = core.includesSource ? (source ?? label) : nil
        // Optimistic: the line is encoded as is, and only if a value turns out to need its `description`
        // is it discarded, the descriptions resolved here, outside the writer's lock (they are arbitrary
        // code: slow, or even logging), and the line encoded again. Metadata of plain values (the rule)
        // so costs no pass of its own.
        func write(_ metadata: Logger.Metadata, unresolved: inout Bool) -> Bool {
            core.writer.appendLine { out, cache in
                let start = out.byteCount
                Self.encode(
                    level: level, payload: payload, message: message, metadata: metadata, fields: fields, source: source,
                    timestamp: timestamp, trace: trace, core: core, stringLimit: core.limits.maxStringBytes,
                    withMetadata: true, cache: &cache, unresolved: &unresolved, into: &out)
                if unresolved {
                    out.truncate(to: start)
                    return false
                }
                if out.byteCount - start > core.limits.maxLineBytes {
                    out.truncate(to: start)
                    Self.encode(
                        level: level, payload: payload, message: message, metadata: metadata, fields: fields, source: source,
                        timestamp: timestamp, trace: trace, core: core, stringLimit: core.limits.fallbackStringBytes,
                        withMetadata: false, cache: &cache, unresolved: &unresolved, into: &out)
                    out.truncate(to: out.byteCount - 1)
                    out.append(ascii: ",\"line_truncated\":true}")  // after field_truncated, if any: order is free
                }
                return true
            }
        }
        var unresolved = false
        if !write(merged, unresolved: &unresolved) && unresolved {
            unresolved = false
            _ = write(MetadataEncoding.resolvingDescriptions(merged), unresolved: &unresolved)
        }
    }

    /// Merges only when more than one source has entries, so the common case allocates nothing.
    private func mergedMetadata(call: Logger.Metadata?, provided: Logger.Metadata?) -> Logger.Metadata {
        let own = self.metadata
        let callEmpty = call?.isEmpty ?? true
        let providedEmpty = provided?.isEmpty ?? true
        if providedEmpty && own.isEmpty { return call ?? [:] }
        if providedEmpty && callEmpty { return own }
        if own.isEmpty && callEmpty { return provided ?? [:] }
        var merged = own
        if let provided { merged.merge(provided) { _, new in new } }
        if let call { merged.merge(call) { _, new in new } }
        return merged
    }

    /// Encodes one line. `withMetadata: false` (the shortened re-encoding of an over-long line) leaves
    /// out metadata and typed fields, the free-form parts. Stops with `unresolved` set when a metadata
    /// value needs its `description` (see ``MetadataEncoding/resolvingDescriptions(_:)``).
    @inline(__always)
    static func encode(
        level: Logger.Level, payload: EventPayload, message: String?, metadata: Logger.Metadata,
        fields: UnsafeBufferPointer<LogField>, source: String?, timestamp: Timestamp, trace: TraceFields, core: Core,
        stringLimit: Int, withMetadata: Bool, cache: inout EncodingCache, unresolved: inout Bool, into out: inout OutputBuffer
    ) {
        // Names of the fields cut to their limits, for `field_truncated`; empty (no allocation) as a rule.
        var cut: [String] = []
        EventEncoding.writeHeader(
            timestamp: timestamp, level: level, encodedService: core.encodedService.bytes, eventType: payload.eventType,
            cache: &cache, into: &out)
        if core.serviceCut { cut.append(FieldName.service) }
        if core.includesEventID {
            out.append(ascii: ",\"event_id\":")
            IDGenerator.writeEventID(into: &out)
        }
        out.append(core.encodedLabels.bytes)
        if !core.labelCuts.isEmpty { cut += core.labelCuts }
        if EventEncoding.writeOptional(",\"source\":", source, limit: FieldSize.label, into: &out) { cut.append(FieldName.source) }
        if let message, !(message.isEmpty && payload.allowsEmptyMessage) {
            out.append(ascii: ",\"message\":")
            if JSONWriter.writeString(message, limit: stringLimit, into: &out) { cut.append(FieldName.message) }
        } else if message == nil && !payload.allowsEmptyMessage {
            out.append(ascii: ",\"message\":\"\"")  // `log` and `error` events require one
        }
        switch trace {
        case .none:
            break
        case .encoded(let encoded):
            out.append(encoded.fields.bytes)
            if encoded.correlationIDCut { cut.append(FieldName.correlationID) }
        case .given(let context):
            if EventEncoding.writeTrace(
                correlationID: context.correlationID, traceID: context.trace.traceID, spanID: context.trace.spanID,
                parentSpanID: context.parentSpanID, traceFlags: context.trace.flags.rawValue, into: &out)
            {
                cut.append(FieldName.correlationID)
            }
        }
        let payloadCut = EventEncoding.writePayload(payload, stringLimit: stringLimit, into: &out)
        if !payloadCut.isEmpty { cut += payloadCut }
        if withMetadata && !metadata.isEmpty {
            let metadataCut = MetadataEncoding.write(
                metadata, redaction: core.redaction, stringLimit: stringLimit, maxNesting: core.limits.maxNesting,
                cache: &cache, unresolved: &unresolved, into: &out)
            if unresolved { return }  // the caller discards the line
            if !metadataCut.isEmpty { cut += metadataCut }
        }
        if withMetadata && !fields.isEmpty {
            let fieldsCut = FieldEncoding.write(fields, redaction: core.redaction, stringLimit: stringLimit, cache: &cache, into: &out)
            if !fieldsCut.isEmpty { cut += fieldsCut }
        }
        EventEncoding.writeTruncatedFields(cut, into: &out)
        out.append(UInt8(ascii: "}"))
    }
}

extension EventPayload: CustomStringConvertible {
    /// The metadata key under which a typed event travels through a handler that is not ours.
    public static let metadataKey = "servicelog.event"

    /// Typed events other than `log` and `error` may omit their message.
    var allowsEmptyMessage: Bool {
        switch self {
        case .log, .error: false
        default: true
        }
    }

    /// A compact human form, used when a typed event reaches a plain text handler.
    public var description: String {
        switch self {
        case .requestStart(let s): "request_start \(s.method) \(s.endpoint)"
        case .requestEnd(let e): "request_end \(e.method) \(e.endpoint) \(e.statusCode) \(e.durationMS)ms"
        case .serviceCall(let c):
            "service_call \(c.targetService) \(c.method) \(c.endpoint) \(c.statusCode) \(c.durationMS)ms\(c.error.map { " " + $0 } ?? "")"
        case .error(let d): "error \(d.errorType)"
        case .resource(let r): "resource memory_mb=\(r.memoryMB) cpu_percent=\(r.cpuPercent)"
        case .log: "log"
        }
    }
}
