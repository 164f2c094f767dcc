import ServiceLog

/// Rebuilds the span tree of one request from its events, tolerating what real services produce:
/// missing spans (orphans hang under the span that contains them in time, or the root), clock skew
/// between hosts (a callee's span is drawn inside the client span that called it), retries (sibling
/// client spans with attempt numbers), duplicated span IDs and requests still in flight.
public enum SpanTreeBuilder {
    /// Builds the tree. `now` (microseconds since the epoch) bounds spans still in flight.
    public static func build(correlationID: String, events unsorted: [Event], now: Int64 = Timestamp.now().microsecondsSinceEpoch) -> RequestTrace {
        let events = unsorted.sorted { $0.timestamp < $1.timestamp }
        var spans: [String: Span] = [:]
        var synthetic = 0
        func newID(_ prefix: String) -> String {
            synthetic += 1
            return "\(prefix)-\(synthetic)"
        }

        // 1. Spans from request_start/request_end (server) and service_call (client).
        var serverIDs: [String: String] = [:]  // span_id hex -> key in `spans`
        for event in events {
            let ts = event.timestamp.microsecondsSinceEpoch
            let hex = event.spanID?.description
            switch event.payload {
            case .requestStart(let start):
                let key = serverKey(hex, service: event.service, &serverIDs, spans: spans) ?? newID("missing-server")
                var span = spans[key] ?? Span(id: key, kind: .server, service: event.service, method: start.method, endpoint: start.endpoint, start: ts)
                span.start = ts
                span.parentID = event.parentSpanID?.description ?? span.parentID
                spans[key] = span
            case .requestEnd(let end):
                let key = serverKey(hex, service: event.service, &serverIDs, spans: spans) ?? newID("missing-server")
                var span = spans[key] ?? Span(
                    id: key, kind: .server, service: event.service, method: end.method, endpoint: end.endpoint,
                    start: ts.subtractingSaturated(Int64(microsecondsFromMilliseconds: end.durationMS)))
                span.end = ts
                span.statusCode = end.statusCode
                span.success = end.success
                span.parentID = span.parentID ?? event.parentSpanID?.description
                spans[key] = span
            case .serviceCall(let call):
                var key = hex ?? newID("missing-client")
                if spans[key] != nil { key = newID(key) }  // two calls claiming one span ID: keep both
                var span = Span(
                    id: key, parentID: event.parentSpanID?.description, kind: .client, service: event.service,
                    targetService: call.targetService, method: call.method, endpoint: call.endpoint,
                    start: ts.subtractingSaturated(Int64(microsecondsFromMilliseconds: call.durationMS)), end: ts)
                span.statusCode = call.statusCode
                span.success = call.success
                span.errorKind = call.error
                span.attempt = call.attempt
                spans[key] = span
            case .log, .error, .resource:
                break
            }
        }

        // 2. Log and error events go to their span; the rest is loose.
        var loose: [Event] = []
        for event in events {
            switch event.payload {
            case .log, .error:
                if let hex = event.spanID?.description, let key = serverIDs[hex] ?? (spans[hex] != nil ? hex : nil) {
                    spans[key]?.events.append(event)
                } else {
                    loose.append(event)
                }
            default:
                break
            }
        }

        // 3. Link children to parents; orphans hang under the latest-starting span that contains them.
        var roots: [String] = []
        let byStart = spans.values.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        for span in byStart {
            if let parent = span.parentID.flatMap({ serverIDs[$0] ?? (spans[$0] != nil ? $0 : nil) }), parent != span.id {
                spans[parent]!.children.append(span.id)
                spans[span.id]!.parentID = parent
                // The callee's own span names it best: callers often know only an address.
                if span.kind == .server, spans[parent]!.kind == .client { spans[parent]!.targetService = span.service }
            } else if let container = container(of: span, in: byStart, now: now) {
                spans[container]!.children.append(span.id)
                spans[span.id]!.parentID = container
                spans[span.id]!.isOrphan = true
            } else {
                roots.append(span.id)
            }
        }
        breakCycles(&spans, roots: &roots)

        // 4. Skew, order, self time, critical path.
        for root in roots { correctSkew(root, &spans, now: now) }
        let starts = spans.mapValues(\.start)
        for key in spans.keys {
            spans[key]!.children.sort { (starts[$0]!, $0) < (starts[$1]!, $1) }
        }
        let snapshot = spans
        for key in spans.keys { spans[key]!.selfTime = selfTime(of: snapshot[key]!, snapshot, now: now) }
        roots.sort { (spans[$0]!.start, $0) < (spans[$1]!.start, $1) }
        for root in roots { markCriticalPath(root, &spans, now: now) }

        let start = spans.values.map(\.start).min() ?? events.first?.timestamp.microsecondsSinceEpoch ?? now
        let lastEvent = events.last?.timestamp.microsecondsSinceEpoch ?? start
        let end = max(spans.values.map { $0.end ?? lastEvent }.max() ?? lastEvent, lastEvent)
        var traceIDs: [String] = []
        for event in events {
            if let id = event.traceID?.description, !traceIDs.contains(id) { traceIDs.append(id) }
        }
        return RequestTrace(
            correlationID: correlationID, traceIDs: traceIDs, spans: spans, roots: roots, looseEvents: loose,
            events: events, start: start, end: end)
    }

    /// The key of the server span for `hex`. A server span ID reused by another service (a buggy
    /// caller forwarding its own span ID) gets its own key.
    private static func serverKey(_ hex: String?, service: String, _ serverIDs: inout [String: String], spans: [String: Span]) -> String? {
        guard let hex else { return nil }
        if let key = serverIDs[hex], spans[key]?.service == service || spans[key] == nil { return key }
        let key = serverIDs[hex] == nil ? hex : "\(hex)@\(service)"
        if serverIDs[hex] == nil { serverIDs[hex] = key }
        return key
    }

    /// The most likely ancestor of a span whose parent is missing, among the spans that contain its start:
    /// a call to its service first, then a server span of a service seen calling it, then any other
    /// container (the latest-starting, i.e. deepest); never a server span of its own service.
    private static func container(of orphan: Span, in spans: [Span], now: Int64) -> String? {
        guard orphan.parentID != nil else { return nil }  // a true root
        let callers = Set(spans.filter { $0.kind == .client && $0.targetService == orphan.service }.map(\.service))
        var best: (score: Int, span: Span)?
        for candidate in spans where candidate.id != orphan.id && candidate.start <= orphan.start {
            guard (candidate.end ?? now) >= orphan.start, candidate.parentID != orphan.id else { continue }
            let score: Int
            if candidate.kind == .client && candidate.targetService == orphan.service {
                score = 3
            } else if candidate.kind == .server && callers.contains(candidate.service) {
                score = 2
            } else if candidate.service == orphan.service && candidate.kind == .server {
                continue
            } else {
                score = 1
            }
            if best == nil || score > best!.score || (score == best!.score && candidate.start > best!.span.start) {
                best = (score, candidate)
            }
        }
        return best?.span.id
    }

    /// Data can claim parents in a loop; anything unreachable from a root becomes a root.
    private static func breakCycles(_ spans: inout [String: Span], roots: inout [String]) {
        var reached = Set<String>()
        func visit(_ id: String) {
            guard reached.insert(id).inserted, let span = spans[id] else { return }
            for child in span.children { visit(child) }
        }
        for root in roots { visit(root) }
        for id in spans.keys.sorted() where !reached.contains(id) {
            if let parent = spans[id]?.parentID { spans[parent]?.children.removeAll { $0 == id } }
            spans[id]!.parentID = nil
            spans[id]!.isOrphan = true
            roots.append(id)
            visit(id)
        }
    }

    /// A callee's server span runs on another host's clock: if it does not fit inside the client span
    /// that called it, shift its whole subtree so that it is centred inside.
    private static func correctSkew(_ id: String, _ spans: inout [String: Span], now: Int64) {
        guard let span = spans[id] else { return }
        for childID in span.children {
            guard let child = spans[childID] else { continue }
            if span.kind == .client, child.kind == .server, let parentEnd = span.end {
                let childDuration = child.duration(now: now)
                // Saturating: spans come from data (durations of any size), and shifts add up down a subtree.
                let parentDuration = max(0, parentEnd.subtractingSaturated(span.start))
                let childEnd = child.start.addingSaturated(childDuration)
                // Starting before the call was made is impossible on one clock; so is finishing after the
                // caller got its answer. A callee that starts late (it was queued) or runs on after the
                // caller gave up (a timeout, a reset) is what happened, not skew.
                let answered = (span.statusCode ?? 0) > 0 && span.errorKind == nil
                if child.start < span.start || (answered && childEnd > parentEnd) {
                    let target = span.start.addingSaturated(max(0, parentDuration.subtractingSaturated(childDuration) / 2))
                    shift(childID, by: target.subtractingSaturated(child.start), &spans)
                }
            }
            correctSkew(childID, &spans, now: now)
        }
    }

    private static func shift(_ id: String, by offset: Int64, _ spans: inout [String: Span]) {
        guard offset != 0, var span = spans[id] else { return }
        span.start = span.start.addingSaturated(offset)
        span.end = span.end.map { $0.addingSaturated(offset) }
        span.skewCorrection = span.skewCorrection.addingSaturated(offset)
        spans[id] = span
        for child in span.children { shift(child, by: offset, &spans) }
    }

    /// Duration minus the union of the children's intervals (clipped to the span).
    static func selfTime(of span: Span, _ spans: [String: Span], now: Int64) -> Int64 {
        let end = span.end ?? now
        let intervals = span.children.compactMap { spans[$0] }.map { child in
            (max(child.start, span.start), min(child.end ?? now, end))
        }.filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        var covered: Int64 = 0
        var currentStart: Int64?
        var currentEnd: Int64 = 0
        for (start, stop) in intervals {
            if let open = currentStart, start <= currentEnd {
                currentEnd = max(currentEnd, stop)
                currentStart = open
            } else {
                if let open = currentStart { covered = covered.addingSaturated(currentEnd.subtractingSaturated(open)) }
                currentStart = start
                currentEnd = stop
            }
        }
        if let open = currentStart { covered = covered.addingSaturated(currentEnd.subtractingSaturated(open)) }
        return max(0, end.subtractingSaturated(span.start).subtractingSaturated(covered))
    }

    /// The critical path: from the span's end, the child that finished last, then the child that
    /// finished last before that one started, and so on, recursively.
    private static func markCriticalPath(_ id: String, _ spans: inout [String: Span], now: Int64) {
        guard let span = spans[id] else { return }
        spans[id]!.onCriticalPath = true
        var cursor = span.end ?? now
        let children = span.children.compactMap { spans[$0] }.sorted { ($0.end ?? now) > ($1.end ?? now) }
        for child in children where (child.end ?? now) <= cursor.addingSaturated(1_000) {  // 1 ms tolerance for rounding
            markCriticalPath(child.id, &spans, now: now)
            cursor = child.start
        }
    }
}
