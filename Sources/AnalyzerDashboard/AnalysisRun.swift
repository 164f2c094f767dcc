/// One finished incident analysis: the window it covered and what it cost.
public struct AnalysisRun: Sendable, Codable, Hashable {
    /// When it finished (RFC 3339, wall clock).
    public var finishedAt: String
    /// The window of event time analysed (RFC 3339), absent when the store was empty.
    public var from: String?
    public var until: String?
    /// Events read and analysed.
    public var events: Int
    /// How long it took, in milliseconds.
    public var tookMS: Double
    /// Why the window is not the whole configured one, when it is not: it was shortened to the newest
    /// ``DashboardConfiguration/maxAnalysisEvents`` events, or events dated ahead of this machine's
    /// clock were left out.
    public var note: String?

    /// Creates a record of a run.
    public init(finishedAt: String, from: String?, until: String?, events: Int, tookMS: Double, note: String? = nil) {
        self.finishedAt = finishedAt
        self.from = from
        self.until = until
        self.events = events
        self.tookMS = tookMS
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case from, until, events, note
        case finishedAt = "finished_at"
        case tookMS = "took_ms"
    }
}
