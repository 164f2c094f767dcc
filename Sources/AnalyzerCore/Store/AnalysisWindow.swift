import ServiceLog

/// The events one analysis reads, bounded whatever the store holds: it ends at the newest event that is
/// not far ahead of this machine's clock (one event stamped 9999-12-31 must not move the window to that
/// year), spans at most ``Limits/maxSpan`` and holds at most ``Limits/maxEvents`` events (the analysis
/// keeps every event of its window in memory, ~0.6 KB each). What was left out is said in ``notes``.
///
/// A cheap bound, not a streaming analysis: a window over the event cap is shortened to its newest
/// events rather than analysed in pieces.
public struct AnalysisWindow: Sendable, Hashable {
    /// What bounds a window.
    public struct Limits: Sendable, Hashable {
        /// Longest span analysed. The dashboard uses its analysis window; `analyzer incidents` 31 days.
        public var maxSpan: Duration
        /// Most events read. Default 1,000,000.
        public var maxEvents: Int
        /// Events dated more than this after the machine's clock do not move the window's end. Default 5 min.
        public var futureTolerance: Duration
        /// Whether a span cut by ``maxSpan`` is worth a note (not for the dashboard, whose window is a
        /// setting, but for a command asked for "everything").
        public var notesSpanCut: Bool

        /// Creates limits; every argument has the documented default.
        public init(maxSpan: Duration = .seconds(31 * 86_400), maxEvents: Int = 1_000_000, futureTolerance: Duration = .seconds(300), notesSpanCut: Bool = true) {
            self.maxSpan = maxSpan
            self.maxEvents = maxEvents
            self.futureTolerance = futureTolerance
            self.notesSpanCut = notesSpanCut
        }
    }

    /// Inclusive start.
    public var from: Timestamp
    /// Exclusive end.
    public var until: Timestamp
    /// The newest event in the window (`until` is just after it unless a bound was given).
    public var newest: Timestamp
    /// Sentences saying what the bounds left out, if anything.
    public var notes: [String]

    /// The window for `from`/`until` (either may be `nil`: from the oldest event, up to the newest
    /// plausible one), or `nil` when the store is empty.
    public static func resolve(
        in store: any EventStore, from requestedFrom: Timestamp? = nil, until requestedUntil: Timestamp? = nil,
        limits: Limits = Limits(), now: Timestamp = .now()
    ) async throws -> AnalysisWindow? {
        guard let range = try await store.timeRange() else { return nil }
        var notes: [String] = []
        var newest = min(range.upperBound, requestedUntil?.adding(microseconds: -1) ?? range.upperBound)
        let plausible = now.adding(microseconds: limits.futureTolerance.microsecondsSaturated)
        if newest > plausible, let latest = try await store.newestTimestamp(notAfter: plausible) {
            newest = latest
            notes.append("events dated after \(plausible) are ahead of this machine's clock and were not analysed")
        }
        let until = requestedUntil ?? newest.adding(microseconds: 1)
        let earliest = max(range.lowerBound, requestedFrom ?? range.lowerBound)
        var from = max(earliest, until.adding(microseconds: -limits.maxSpan.microsecondsSaturated))
        if from > earliest, limits.notesSpanCut {
            notes.append("the window was shortened to its last \(Self.describe(limits.maxSpan)) (from \(from))")
        }
        if let start = try await store.start(ofNewest: limits.maxEvents, from: from, until: until), start > from {
            from = start
            notes.append("the window was shortened to its newest \(limits.maxEvents) events (from \(start))")
        }
        return AnalysisWindow(from: from, until: until, newest: newest, notes: notes)
    }

    private static func describe(_ span: Duration) -> String {
        let seconds = span.components.seconds
        if seconds % 86_400 == 0 { return "\(seconds / 86_400) days" }
        if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        return "\(seconds) s"
    }
}

extension Duration {
    /// Whole microseconds, saturating at `Int64`'s range.
    public var microsecondsSaturated: Int64 {
        let (seconds, attoseconds) = components
        let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return micros.addingSaturated(attoseconds / 1_000_000_000_000)
    }
}
