import ServiceLog

/// The incidents one analysis found in a window of stored events, kept in the store so that a later
/// `diagnose` answers from them in milliseconds instead of analysing the window again (which costs
/// seconds on a busy store).
///
/// An analysis is *current* while no event was stored into its window after it ran: `analyzer serve`
/// re-analyses as events arrive, `analyzer incidents` and `diagnose` store what they compute, and a
/// late event inside an old window makes the next `diagnose` analyse again.
public struct StoredAnalysis: Sendable, Hashable, Codable {
    /// The analysed window, `[from, until)`, in microseconds since the epoch.
    public var from: Int64
    public var until: Int64
    /// The services seen in the window (an AI answer may only name these).
    public var services: [String]
    /// What the analysis found, most important first.
    public var incidents: [Incident]

    public init(from: Int64, until: Int64, services: [String], incidents: [Incident]) {
        self.from = from
        self.until = until
        self.services = services
        self.incidents = incidents
    }

    /// What `analyzer` found in `observations`, the events of `[from, until)`.
    public init(from: Int64, until: Int64, observations: Observations, incidents: [Incident]) {
        self.init(from: from, until: until, services: observations.services.sorted(), incidents: incidents)
    }
}

/// A store that keeps analyses beside its events. Optional for an ``EventStore``: without it,
/// `diagnose` analyses the window around the request every time.
public protocol AnalysisStore: Sendable {
    /// Keeps `analysis`, noting which events existed when it ran.
    func save(_ analysis: StoredAnalysis) async throws

    /// The newest current analysis whose window holds all of `[from, until]` (a request's span), or `nil`.
    func currentAnalysis(covering from: Int64, until: Int64) async throws -> StoredAnalysis?
}

/// A store that keeps tracked incidents (see ``IncidentTracker``), so that their IDs and lifecycles
/// survive a restart of `analyzer serve` and agree with `analyzer incidents`.
public protocol IncidentRecordStore: Sendable {
    /// The kept incidents, newest first (at most `limit`).
    func trackedIncidents(limit: Int) async throws -> [Incident]

    /// Keeps `incidents` (replacing those with the same IDs).
    func saveTrackedIncidents(_ incidents: [Incident]) async throws
}
