import ServiceLog
import W3CTraceContext

/// Finds every event of one request in the store and builds its trace.
///
/// Accepts a correlation ID or a trace ID. Events that lost their correlation ID but share a trace ID
/// with the request's other events are pulled in too (real services drop headers).
public struct Correlator: Sendable {
    public let store: any EventStore

    public init(store: any EventStore) {
        self.store = store
    }

    /// The request with this correlation or trace ID, or `nil` if no event mentions it.
    public func trace(id: String, now: Int64 = Timestamp.now().microsecondsSinceEpoch) async throws -> RequestTrace? {
        var events = try await store.events(correlationID: id)
        var seen = Set(events.map(StoredEventID.of))
        var traceIDs = Set(events.compactMap(\.traceID))
        if events.isEmpty, let traceID = HexID.traceID(id) { traceIDs.insert(traceID) }
        for traceID in traceIDs {
            for event in try await store.events(traceID: traceID) where seen.insert(StoredEventID.of(event)).inserted {
                events.append(event)
            }
        }
        guard !events.isEmpty else { return nil }
        let correlationID = events.lazy.compactMap(\.correlationID).first ?? id
        return SpanTreeBuilder.build(correlationID: correlationID, events: events, now: now)
    }
}
