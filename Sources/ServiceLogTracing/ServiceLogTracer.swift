import Logging
import ServiceLog
import Tracing

/// A swift-distributed-tracing tracer whose spans are written as canonical events, so that anything
/// instrumented with `withSpan` (Hummingbird's `TracingMiddleware`, AsyncHTTPClient's request spans,
/// your own code) feeds the analyzer exactly as ``withIncomingRequest(method:endpoint:headers:userID:logger:isolation:statusCode:errorStatusCode:_:)``
/// and ``withServiceCall(to:method:endpoint:logger:retry:isolation:classify:statusCode:_:)`` do:
///
/// - a server (or consumer) span is a handled request: `request_start` and `request_end`;
/// - a client (or producer) span is a call attempt: `service_call`;
/// - an internal span writes nothing and has no ID of its own: what runs in it belongs to the request
///   around it, so the call tree stays whole;
/// - a failed span's recorded error becomes an `error` event.
///
/// Attribute names follow OpenTelemetry's conventions (the rules the analyzer's OTLP receiver uses:
/// see `SpanConventions`); attributes the rules do not read are written as fields. A span's events are
/// written when it ends, each with its own time (`request_start` at the span's start), so a request
/// still running is not yet visible.
///
/// Context crosses HTTP hops as ServiceLog's own does: W3C `traceparent`/`tracestate` and
/// `X-Correlation-ID`, so services traced this way and services using `withIncomingRequest` join
/// the same requests. Log calls inside a span carry its IDs.
public struct ServiceLogTracer: Tracer {
    /// The span type this tracer makes.
    public typealias Span = ServiceLogSpan

    let writer: SpanEventWriter

    /// Creates a tracer writing through `writer` as `configuration.service`.
    ///
    /// - Parameter peerServices: names of called services by `host:port` or `host`, for client spans
    ///   that carry no `peer.service` (AsyncHTTPClient's name only the address), in the manner of
    ///   OpenTelemetry's `peer-service-mapping`; without a name the host is the callee.
    public init(configuration: ServiceLogConfiguration, writer: LineWriter, peerServices: [String: String] = [:]) {
        self.writer = SpanEventWriter(
            handler: ServiceLogHandler(label: "tracing", configuration: configuration, writer: writer), peerServices: peerServices)
    }

    /// Starts a span as a child of the request context in `context` (a local span, or a caller's
    /// context that ``extract(_:into:using:)`` found); without one, a new trace starts.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> ServiceLogSpan {
        var spanContext = context()
        let parent = spanContext.correlationContext
        let remote = spanContext[RemoteCallerKey.self]
        let own: CorrelationContext =
            switch kind {
            case .internal: parent ?? remote ?? .newRoot()
            default: parent?.childSpan() ?? remote ?? .newRoot()
            }
        spanContext.setCorrelationContext(own)
        spanContext[RemoteCallerKey.self] = nil
        return ServiceLogSpan(
            operationName: operationName, kind: kind, context: spanContext, correlation: own, isRoot: parent == nil && remote == nil,
            start: Timestamp(nanosecondsSinceEpoch: instant().nanosecondsSinceEpoch), writer: writer)
    }

    /// Waits until every event written so far has reached the output.
    public func forceFlush() {
        writer.handler.writer.flush()
    }

    /// Reads the caller's context from `traceparent`, `tracestate` and `X-Correlation-ID` (see
    /// ``TraceHeaders/extract(_:)``); the next span started from `context` continues it. A local span
    /// in `context` is replaced: an incoming request starts from its caller, not from whatever ran here.
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard extractor.extract(key: TraceHeaders.traceparent, from: carrier) != nil
            || extractor.extract(key: TraceHeaders.correlationID, from: carrier) != nil
        else { return }
        context[RemoteCallerKey.self] = TraceHeaders.extract { extractor.extract(key: $0, from: carrier) }
        context.setCorrelationContext(nil)
    }

    /// Writes the headers that carry the span in `context` to the callee (see ``TraceHeaders/inject(_:)``).
    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let span = context.correlationContext else { return }
        for (name, value) in TraceHeaders.inject(span) { injector.inject(value, forKey: name, into: &carrier) }
    }
}

/// The context an incoming request's headers carried, already shaped as the server span that handles
/// it (new span ID, the caller's span as parent), until a span is started from it.
enum RemoteCallerKey: ServiceContextKey {
    typealias Value = CorrelationContext
    static var nameOverride: String? { "servicelog-remote-caller" }
}

extension Timestamp {
    /// The microsecond timestamp of a tracer instant (nanoseconds since the epoch), saturating.
    init(nanosecondsSinceEpoch nanos: UInt64) {
        self.init(microsecondsSinceEpoch: Int64(clamping: nanos / 1_000))
    }
}
