/// A request context together with its trace fields as they appear in a line, encoded once when the
/// context becomes current (``CorrelationContext/withCurrent(_:)``, i.e. once per request or span), so
/// that an event copies bytes instead of formatting a correlation ID and three hex IDs.
///
/// Immutable once made, hence shareable across the request's tasks and threads.
final class EncodedCorrelation: Sendable {
    /// The context itself, for ``CorrelationContext/current``.
    let context: CorrelationContext
    /// `,"correlation_id":"…","trace_id":"…","span_id":"…"[,"parent_span_id":"…"],"trace_flags":"…"`,
    /// byte for byte what ``EventEncoding/writeTrace(correlationID:traceID:spanID:parentSpanID:traceFlags:nameLimit:into:)`` writes.
    let fields: EncodedBytes
    /// Whether the correlation ID was cut at its size (named in `field_truncated` by every event).
    let correlationIDCut: Bool

    init(_ context: CorrelationContext) {
        self.context = context
        var cut = false
        fields = EncodedBytes { out in
            cut = EventEncoding.writeTrace(
                correlationID: context.correlationID, traceID: context.trace.traceID, spanID: context.trace.spanID,
                parentSpanID: context.parentSpanID, traceFlags: context.trace.flags.rawValue, into: &out)
        }
        correlationIDCut = cut
    }
}
