/// `GET /api/status`: what the analyzer holds and when it last analysed it.
public struct DashboardStatus: Sendable, Codable, Hashable {
    /// Events in the store.
    public var storedEvents: Int
    /// Oldest and newest stored event (RFC 3339), absent when the store is empty.
    public var oldest: String?
    public var newest: String?
    /// Whether an analysis is running now.
    public var analysing: Bool
    /// The last finished incident analysis, absent before the first one.
    public var lastAnalysis: AnalysisRun?
    /// Incidents known, and those still going on at the end of the data.
    public var incidents: Int
    public var openIncidents: Int
    /// Whether the store holds too little data for a baseline yet (nothing can be raised).
    public var learningBaseline: Bool
    /// Whether an LLM is configured for AI hypotheses, and why not when it is not.
    public var aiConfigured: Bool
    public var aiUnavailableReason: String?

    /// Creates a status.
    public init(
        storedEvents: Int, oldest: String?, newest: String?, analysing: Bool, lastAnalysis: AnalysisRun?, incidents: Int,
        openIncidents: Int, aiConfigured: Bool, aiUnavailableReason: String?, learningBaseline: Bool = false
    ) {
        self.learningBaseline = learningBaseline
        self.storedEvents = storedEvents
        self.oldest = oldest
        self.newest = newest
        self.analysing = analysing
        self.lastAnalysis = lastAnalysis
        self.incidents = incidents
        self.openIncidents = openIncidents
        self.aiConfigured = aiConfigured
        self.aiUnavailableReason = aiUnavailableReason
    }

    enum CodingKeys: String, CodingKey {
        case oldest, newest, analysing, incidents
        case storedEvents = "stored_events"
        case lastAnalysis = "last_analysis"
        case openIncidents = "open_incidents"
        case aiConfigured = "ai_configured"
        case aiUnavailableReason = "ai_unavailable_reason"
        case learningBaseline = "learning_baseline"
    }
}
