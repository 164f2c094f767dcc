import W3CTraceContext

/// The HTTP headers that carry a request's context between services.
public enum TraceHeaders {
    /// W3C `traceparent`: version, trace ID, parent span ID, flags.
    public static let traceparent = "traceparent"
    /// W3C `tracestate`: vendor-specific entries, passed through unchanged.
    public static let tracestate = "tracestate"
    /// The correlation ID header most gateways and services already use.
    public static let correlationID = "X-Correlation-ID"
    /// Correlation IDs longer than this (or with control characters) are replaced: a header is client input.
    public static let maxCorrelationIDLength = 128

    /// Builds the server-span context for an incoming request from its headers.
    ///
    /// - A valid `traceparent` continues the caller's trace; the caller's span becomes the parent.
    /// - A missing or malformed one starts a new trace (a malformed header is not an error: callers lie).
    /// - `X-Correlation-ID` is kept if sane, else the caller's trace ID is reused (so requests from traced
    ///   callers without the header still group), else a new ID is generated.
    ///
    /// - Parameter header: looks up a header by name, case-insensitively.
    public static func extract(_ header: (String) -> String?) -> CorrelationContext {
        var incoming: TraceContext?
        if let parent = header(traceparent) {
            incoming = try? TraceContext(traceParentHeaderValue: parent, traceStateHeaderValue: header(tracestate))
        }
        let correlation = header(correlationID).flatMap(sanitizedCorrelationID)
        guard let incoming else {
            return CorrelationContext.newRoot(correlationID: correlation)
        }
        return CorrelationContext(
            correlationID: correlation ?? incoming.traceID.description,
            trace: TraceContext(traceID: incoming.traceID, spanID: .random(), flags: incoming.flags, state: incoming.state),
            parentSpanID: incoming.spanID)
    }

    /// The headers to send on an outgoing call made from `context` (whose span is the client span).
    public static func inject(_ context: CorrelationContext) -> [(name: String, value: String)] {
        var headers = [(name: traceparent, value: context.trace.traceParentHeaderValue)]
        if let state = context.trace.traceStateHeaderValue, !state.isEmpty {
            headers.append((tracestate, state))
        }
        headers.append((correlationID, context.correlationID))
        return headers
    }

    static func sanitizedCorrelationID(_ value: String) -> String? {
        let trimmed = value.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= maxCorrelationIDLength,
            trimmed.utf8.allSatisfy({ $0 >= 0x21 && $0 < 0x7F })
        else { return nil }
        return trimmed
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let utf8 = Array(self.utf8)
        var start = 0
        var end = utf8.count
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start += 1 }
        while end > start, utf8[end - 1] == 0x20 || utf8[end - 1] == 0x09 { end -= 1 }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}
