import AnalyzerCore
import ServiceLog
import W3CTraceContext

/// An ``EventStore`` that tells the dashboard when a batch was stored, so that `/metrics` counts ingest
/// and the incident analysis reruns after new data (not on every page load).
///
/// Every call is forwarded unchanged; `onInsert` runs after the base store committed, with the batch
/// and its receipt, and must return quickly (it runs before ingest acknowledges the batch).
public struct InsertObservingStore: EventStore {
    /// The store that holds the events.
    public let base: any EventStore
    private let onInsert: @Sendable ([Event], StoreReceipt) -> Void

    /// Wraps `base`; `onInsert` is called after each successful ``insert(_:)``.
    public init(base: any EventStore, onInsert: @escaping @Sendable ([Event], StoreReceipt) -> Void) {
        self.base = base
        self.onInsert = onInsert
    }

    /// Stores the batch in the base store, then reports the receipt.
    public func insert(_ events: [Event]) async throws -> StoreReceipt {
        let receipt = try await base.insert(events)
        onInsert(events, receipt)
        return receipt
    }

    public func events(correlationID: String) async throws -> [Event] {
        try await base.events(correlationID: correlationID)
    }

    public func events(traceID: TraceID) async throws -> [Event] {
        try await base.events(traceID: traceID)
    }

    public func events(matching query: EventQuery) async throws -> [Event] {
        try await base.events(matching: query)
    }

    public func timeRange() async throws -> ClosedRange<Timestamp>? {
        try await base.timeRange()
    }

    public func count() async throws -> Int {
        try await base.count()
    }

    public func applyRetention(_ policy: RetentionPolicy) async throws -> Int {
        try await base.applyRetention(policy)
    }

    public func newestTimestamp(notAfter limit: Timestamp) async throws -> Timestamp? {
        try await base.newestTimestamp(notAfter: limit)
    }

    public func start(ofNewest count: Int, from: Timestamp?, until: Timestamp?) async throws -> Timestamp? {
        try await base.start(ofNewest: count, from: from, until: until)
    }
}

extension InsertObservingStore: AnalysisStore {
    /// Kept by the wrapped store when it keeps analyses; dropped otherwise.
    public func save(_ analysis: StoredAnalysis) async throws {
        try await (base as? any AnalysisStore)?.save(analysis)
    }

    /// The wrapped store's current analysis, if it keeps them.
    public func currentAnalysis(covering from: Int64, until: Int64) async throws -> StoredAnalysis? {
        try await (base as? any AnalysisStore)?.currentAnalysis(covering: from, until: until)
    }
}
