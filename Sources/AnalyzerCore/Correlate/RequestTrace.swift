import ServiceLog

/// Every event of one request across services, rebuilt into a span tree.
public struct RequestTrace: Sendable {
    /// The correlation ID the events share (or the trace ID when they had none).
    public var correlationID: String
    /// Trace IDs seen (one, unless services disagreed).
    public var traceIDs: [String]
    /// All spans by ID.
    public var spans: [String: Span]
    /// Top-level spans (normally one: the entry service's server span), by start time.
    public var roots: [String]
    /// Events that belong to no span (e.g. logged outside the request's spans), oldest first.
    public var looseEvents: [Event]
    /// Every event of the request, oldest first.
    public var events: [Event]
    /// Start of the earliest span (microseconds since the epoch).
    public var start: Int64
    /// End of the latest span, or of the latest event while in flight.
    public var end: Int64

    /// Services involved, in order of first appearance.
    public var services: [String] {
        var seen: [String] = []
        for event in events where !seen.contains(event.service) { seen.append(event.service) }
        return seen
    }

    /// The request's duration in microseconds: the entry span's, once it has finished (a callee that
    /// kept working after its caller gave up does not make the request longer), else the time covered.
    public var duration: Int64 {
        if let root = roots.first.flatMap({ spans[$0] }), let rootEnd = root.end { return max(0, rootEnd.subtractingSaturated(root.start)) }
        return timelineDuration
    }

    /// The time from the first span's start to the last span's end: the waterfall's axis.
    public var timelineDuration: Int64 { max(0, end.subtractingSaturated(start)) }

    /// Spans in display order: depth first, children by start time, with their depth.
    public func flattened() -> [(span: Span, depth: Int)] {
        var result: [(Span, Int)] = []
        func visit(_ id: String, _ depth: Int) {
            guard let span = spans[id] else { return }
            result.append((span, depth))
            for child in span.children { visit(child, depth + 1) }
        }
        for root in roots { visit(root, 0) }
        return result
    }

    /// The entry span's outcome: the first root's status and success.
    public var outcome: (statusCode: Int?, success: Bool?) {
        guard let root = roots.first.flatMap({ spans[$0] }) else { return (nil, nil) }
        return (root.statusCode, root.success)
    }
}
