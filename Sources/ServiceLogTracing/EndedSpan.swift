import ServiceLog
import Tracing

/// Everything a span collected, at its end: what ``SpanEventWriter`` turns into events.
struct EndedSpan: Sendable {
    var kind: SpanKind
    var operationName: String
    var attributes: SpanAttributes
    var status: SpanStatus?
    var errors: [RecordedError]
    var events: [SpanEvent]
    var start: Timestamp
    var end: Timestamp
    var correlation: CorrelationContext
    /// Whether the span started a trace (no local parent, no caller).
    var isRoot: Bool

    /// Whether instrumentation set the error status.
    var statusIsError: Bool { status?.code == .error }

    var durationMS: Double { Double(end.microsecondsSinceEpoch - start.microsecondsSinceEpoch) / 1000 }
}
