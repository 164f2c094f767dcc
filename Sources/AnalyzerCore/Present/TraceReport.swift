import ServiceLog

/// The JSON form of a request's trace (`analyzer trace --json`, `/api/trace/ID`).
public struct TraceReport: Sendable, Codable, Hashable {
    public struct SpanReport: Sendable, Codable, Hashable {
        public var id: String
        public var parentID: String?
        public var kind: Span.Kind
        public var service: String
        public var targetService: String?
        public var name: String
        public var depth: Int
        public var offsetMS: Double
        public var durationMS: Double
        public var selfMS: Double
        public var statusCode: Int?
        public var success: Bool?
        public var error: String?
        public var attempt: Int?
        public var inFlight: Bool
        public var critical: Bool
        public var orphan: Bool
        public var skewCorrectionMS: Double
        public var events: [EventReport]

        enum CodingKeys: String, CodingKey {
            case id, kind, service, name, depth, error, attempt, critical, orphan, events, success
            case parentID = "parent_id"
            case targetService = "target_service"
            case offsetMS = "offset_ms"
            case durationMS = "duration_ms"
            case selfMS = "self_ms"
            case statusCode = "status_code"
            case inFlight = "in_flight"
            case skewCorrectionMS = "skew_correction_ms"
        }
    }

    public struct EventReport: Sendable, Codable, Hashable {
        public var timestamp: String
        public var level: String
        public var eventType: String
        public var message: String?

        enum CodingKeys: String, CodingKey {
            case timestamp, level, message
            case eventType = "event_type"
        }
    }

    public var correlationID: String
    public var traceIDs: [String]
    public var start: String
    public var durationMS: Double
    public var statusCode: Int?
    public var success: Bool?
    public var services: [String]
    public var spans: [SpanReport]
    public var looseEvents: [EventReport]

    enum CodingKeys: String, CodingKey {
        case start, services, spans, success
        case correlationID = "correlation_id"
        case traceIDs = "trace_ids"
        case durationMS = "duration_ms"
        case statusCode = "status_code"
        case looseEvents = "loose_events"
    }

    public init(_ trace: RequestTrace) {
        func report(_ event: Event) -> EventReport {
            EventReport(timestamp: event.timestamp.description, level: event.level.rawValue, eventType: event.eventType.rawValue, message: event.message)
        }
        correlationID = trace.correlationID
        traceIDs = trace.traceIDs
        start = Timestamp(microsecondsSinceEpoch: trace.start).description
        durationMS = Double(trace.duration) / 1000
        (statusCode, success) = trace.outcome
        services = trace.services
        spans = trace.flattened().map { span, depth in
            SpanReport(
                id: span.id, parentID: span.parentID, kind: span.kind, service: span.service, targetService: span.targetService,
                name: span.name, depth: depth, offsetMS: Double(span.start - trace.start) / 1000,
                durationMS: Double(span.duration(now: trace.end)) / 1000, selfMS: Double(span.selfTime) / 1000,
                statusCode: span.statusCode, success: span.success, error: span.errorKind, attempt: span.attempt,
                inFlight: span.inFlight, critical: span.onCriticalPath, orphan: span.isOrphan,
                skewCorrectionMS: Double(span.skewCorrection) / 1000, events: span.events.map(report))
        }
        looseEvents = trace.looseEvents.map(report)
    }
}
