import ServiceLog
import Synchronization
import Tracing

/// A span of ``ServiceLogTracer``: collects what instrumentation tells it, and writes its events once,
/// when it ends (a second `end` is ignored, as OpenTelemetry's spans do).
public final class ServiceLogSpan: Span {
    /// The service context of the span: its request context (and whatever the parent context held).
    public let context: ServiceContext
    /// The kind given at start.
    public let kind: SpanKind
    /// The span's IDs as its events carry them.
    public let correlation: CorrelationContext

    private let start: Timestamp
    private let isRoot: Bool
    private let writer: SpanEventWriter
    private let state: Mutex<State>

    struct State {
        var operationName: String
        var attributes: SpanAttributes = [:]
        var status: SpanStatus?
        var errors: [RecordedError] = []
        var events: [SpanEvent] = []
        var ended = false
    }

    init(
        operationName: String, kind: SpanKind, context: ServiceContext, correlation: CorrelationContext, isRoot: Bool,
        start: Timestamp, writer: SpanEventWriter
    ) {
        self.isRoot = isRoot
        self.context = context
        self.kind = kind
        self.correlation = correlation
        self.start = start
        self.writer = writer
        self.state = Mutex(State(operationName: operationName))
    }

    /// The span's name (Hummingbird renames a server span to its route once it is known).
    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { $0.operationName = newValue } }
    }

    /// The span's attributes, read when it ends.
    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    /// Whether the span still takes attributes, errors and events (until it ends).
    public var isRecording: Bool { state.withLock { !$0.ended } }

    /// Sets the status; `.error` makes the span failed whatever its status code says.
    public func setStatus(_ status: SpanStatus) {
        state.withLock { $0.status = status }
    }

    /// Keeps an event, written as a `log` event when the span ends.
    public func addEvent(_ event: SpanEvent) {
        state.withLock { if !$0.ended { $0.events.append(event) } }
    }

    /// Keeps an error: written as an `error` event if the span fails, and for a client span, the
    /// reason a call got no response.
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        let recorded = RecordedError(error, at: Timestamp(nanosecondsSinceEpoch: instant().nanosecondsSinceEpoch))
        state.withLock { if !$0.ended { $0.errors.append(recorded) } }
    }

    /// Links are not part of the format; ignored.
    public func addLink(_ link: SpanLink) {}

    /// Ends the span and writes its events.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = Timestamp(nanosecondsSinceEpoch: instant().nanosecondsSinceEpoch)
        let ended: State? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let ended else { return }
        writer.write(EndedSpan(
            kind: kind, operationName: ended.operationName, attributes: ended.attributes, status: ended.status,
            errors: ended.errors, events: ended.events, start: start, end: max(end, start), correlation: correlation, isRoot: isRoot))
    }
}

/// An error a span recorded, kept as text: errors need not be `Sendable`, and the format writes text.
struct RecordedError: Sendable {
    var type: String
    var message: String
    var callError: ServiceCallError
    var time: Timestamp

    init(_ error: any Error, at time: Timestamp) {
        type = String(reflecting: Swift.type(of: error))
        message = String(describing: error)
        callError = ServiceCallError.classify(error)
        self.time = time
    }
}
