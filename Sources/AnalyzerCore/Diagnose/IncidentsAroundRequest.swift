import ServiceLog

/// The incidents around one request, which `diagnose` explains the request by: a current analysis
/// kept in the store when there is one (`analyzer serve` and `analyzer incidents` keep theirs), else
/// an analysis of the window around the request, kept in turn for the next question.
///
/// With a kept analysis the cost is the request's own events plus two indexed lookups, whatever the
/// store's size; without one it is the analysis of `before + after` of everyone's events.
public struct IncidentsAroundRequest: Sendable {
    /// Event time analysed before the request (the baseline). Default 15 minutes.
    public var before: Int64 = 15 * 60_000_000
    /// Event time analysed after it. Default 5 minutes.
    public var after: Int64 = 5 * 60_000_000
    /// The longest part of the request itself that is analysed, back from its end. Default 1 hour: a
    /// span stretched by an absurd `duration_ms` in the data must not widen the window to centuries
    /// (the detector's buckets for such a span once needed 51 GB).
    public var maxRequestSpan: Int64 = 3_600_000_000
    public var analyzer: IncidentAnalyzer

    public init(analyzer: IncidentAnalyzer = IncidentAnalyzer()) {
        self.analyzer = analyzer
    }

    /// The analysis covering `trace`, and whether it came from the store.
    public func find(for trace: RequestTrace, in store: any EventStore) async throws -> (analysis: StoredAnalysis, reused: Bool) {
        let analyses = store as? any AnalysisStore
        if let kept = try await analyses?.currentAnalysis(covering: trace.start, until: trace.end) {
            return (kept, true)
        }
        let start = max(trace.start, trace.end.subtractingSaturated(maxRequestSpan))
        let from = start.subtractingSaturated(before)
        let until = trace.end.addingSaturated(after)
        let context = try await store.events(matching: EventQuery(
            from: Timestamp(microsecondsSinceEpoch: from), until: Timestamp(microsecondsSinceEpoch: until),
            eventTypes: Observations.eventTypes))
        let observations = Observations(events: context)
        let analysis = StoredAnalysis(from: from, until: until, observations: observations, incidents: analyzer.incidents(in: observations))
        // Keeping it is an optimisation: a read-only or full disk must not fail the diagnosis.
        try? await analyses?.save(analysis)
        return (analysis, false)
    }
}
