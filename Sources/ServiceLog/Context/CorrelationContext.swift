import ServiceContextModule
import W3CTraceContext

/// Where the current code runs in a distributed request: its correlation ID and its W3C trace position.
///
/// Lives in the task-local `ServiceContext.current`, so it follows `async` calls, child tasks and task
/// groups automatically; every event written inside carries it.
public struct CorrelationContext: Sendable, Hashable {
    /// The request's correlation ID (from `X-Correlation-ID`, or generated at the edge).
    public var correlationID: String
    /// The W3C trace context of the current span: trace ID, this span's ID, flags and `tracestate`.
    public var trace: TraceContext
    /// The span this one is a child of (the caller's client span for a server span), if any.
    public var parentSpanID: SpanID?

    public init(correlationID: String, trace: TraceContext, parentSpanID: SpanID? = nil) {
        self.correlationID = correlationID
        self.trace = trace
        self.parentSpanID = parentSpanID
    }

    /// A context for a request that starts here (no caller): new correlation ID, trace and span.
    public static func newRoot(correlationID: String? = nil) -> CorrelationContext {
        CorrelationContext(
            correlationID: correlationID ?? IDGenerator.correlationID(),
            trace: TraceContext(traceID: .random(), spanID: .random(), flags: .sampled, state: TraceState()))
    }

    /// A child span of this one (same trace and correlation ID, new span ID, parent = this span).
    public func childSpan() -> CorrelationContext {
        CorrelationContext(
            correlationID: correlationID,
            trace: TraceContext(traceID: trace.traceID, spanID: .random(), flags: trace.flags, state: trace.state),
            parentSpanID: trace.spanID)
    }

    /// The context of the task that is running now, if it runs inside a request.
    ///
    /// Read on every log call, so it comes from a task-local of its own (one lookup) rather than from
    /// `ServiceContext` (a lookup, a dictionary probe and a dynamic cast); ``withCurrent(isolation:_:)``
    /// writes both, so they agree. Only outside it, in a span that a swift-distributed-tracing tracer
    /// made current (`withSpan` sets `ServiceContext.current` alone), is the service context read.
    public static var current: CorrelationContext? {
        boundOrInServiceContext?.context
    }

    /// The current context with its fields pre-encoded (what ``ServiceLogHandler`` writes).
    @TaskLocal static var bound: EncodedCorrelation?

    /// ``bound``, else the one in `ServiceContext.current` (see ``current``).
    @inline(__always)
    static var boundOrInServiceContext: EncodedCorrelation? {
        if let bound = CorrelationContext.bound { return bound }
        return ServiceContext.current?[CorrelationContextKey.self]
    }

    /// Runs `operation` with this context as the current one (for it and every child task). The context
    /// is also stored in `ServiceContext.current` (see ``ServiceContext/correlationContext``), where
    /// instrumentation built on swift-distributed-tracing can read it.
    public func withCurrent<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> T
    ) async rethrows -> T {
        let encoded = EncodedCorrelation(self)
        var context = ServiceContext.current ?? .topLevel
        context[CorrelationContextKey.self] = encoded
        return try await ServiceContext.withValue(context, isolation: isolation) {
            try await CorrelationContext.$bound.withValue(encoded, operation: operation, isolation: isolation)
        }
    }

    /// Synchronous variant of ``withCurrent(isolation:_:)``.
    public func withCurrent<T>(_ operation: () throws -> T) rethrows -> T {
        let encoded = EncodedCorrelation(self)
        var context = ServiceContext.current ?? .topLevel
        context[CorrelationContextKey.self] = encoded
        return try ServiceContext.withValue(context) {
            try CorrelationContext.$bound.withValue(encoded, operation: operation)
        }
    }
}

/// The `ServiceContext` key under which the request context is stored, already encoded, so that an
/// event written in a tracer's span copies bytes as one written in ``CorrelationContext/withCurrent(isolation:_:)``.
enum CorrelationContextKey: ServiceContextKey {
    typealias Value = EncodedCorrelation
    static var nameOverride: String? { "servicelog-request" }
}

extension ServiceContext {
    /// The ServiceLog request context stored in this service context, if any (set by
    /// ``CorrelationContext/withCurrent(isolation:_:)``, or by a span of ServiceLog's tracer).
    public var correlationContext: CorrelationContext? {
        self[CorrelationContextKey.self]?.context
    }

    /// Makes `context` the request context of this service context (a tracer's span context), or
    /// removes it. Package-wide only: the library's own tracer is the one writer besides `withCurrent`.
    package mutating func setCorrelationContext(_ context: CorrelationContext?) {
        self[CorrelationContextKey.self] = context.map(EncodedCorrelation.init)
    }
}
