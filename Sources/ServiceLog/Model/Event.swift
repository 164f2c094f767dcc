import Logging
import W3CTraceContext

/// One canonical event: the unit every part of the toolkit reads and writes.
///
/// The library's log handler writes events without building this value (it encodes straight from the
/// log call); the shipper and the analyzer parse lines into it with ``Event/init(jsonLine:limits:)`` and
/// write it back with ``Event/jsonLine(limits:)``. Both directions share one encoder, so the format is
/// defined once.
public struct Event: Sendable, Hashable {
    public var timestamp: Timestamp
    public var level: Logger.Level
    public var service: String
    /// Type-specific fields; determines `event_type`.
    public var payload: EventPayload
    /// Human text. Required for `log` and `error` events.
    public var message: String?
    /// Unique per event; used to drop duplicates after at-least-once delivery.
    public var eventID: String?
    public var host: String?
    public var instance: String?
    /// The swift-log source (module) or the shipper's input that produced the event.
    public var source: String?
    public var correlationID: String?
    public var traceID: TraceID?
    public var spanID: SpanID?
    public var parentSpanID: SpanID?
    /// W3C trace flags (bit 0: sampled), when known.
    public var traceFlags: UInt8?
    /// Free-form fields: swift-log metadata on the way out, unknown fields on the way in.
    public var attributes: [String: JSONValue]
    /// `dropped_events`: in a loss report, how many events the producer lost before this one.
    public var droppedEvents: Int?
    /// `line_truncated`: the producer re-wrote this event shortened (strings cut, metadata dropped)
    /// because its line was over the limit.
    public var lineTruncated: Bool
    /// `field_truncated`: the fields whose values an encoder cut; empty when nothing was cut.
    /// ``jsonLine(limits:)`` adds to it whatever it cuts itself.
    public var truncatedFields: [String]

    public init(
        timestamp: Timestamp, level: Logger.Level, service: String, payload: EventPayload, message: String? = nil,
        eventID: String? = nil, host: String? = nil, instance: String? = nil, source: String? = nil,
        correlationID: String? = nil, traceID: TraceID? = nil, spanID: SpanID? = nil, parentSpanID: SpanID? = nil,
        traceFlags: UInt8? = nil, attributes: [String: JSONValue] = [:], droppedEvents: Int? = nil,
        lineTruncated: Bool = false, truncatedFields: [String] = []
    ) {
        self.timestamp = timestamp
        self.level = level
        self.service = service
        self.payload = payload
        self.message = message
        self.eventID = eventID
        self.host = host
        self.instance = instance
        self.source = source
        self.correlationID = correlationID
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceFlags = traceFlags
        self.attributes = attributes
        self.droppedEvents = droppedEvents
        self.lineTruncated = lineTruncated
        self.truncatedFields = truncatedFields
    }

    /// The event's `event_type`.
    public var eventType: EventType { payload.eventType }
}
