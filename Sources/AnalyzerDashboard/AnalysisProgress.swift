/// A step of an analysis, for the progress line of the pages (`progress` events).
///
/// The incident analysis goes `gathering_data` → `analysing_traces` → `incidents_ready`; a request's
/// diagnosis goes `gathering_data` → `analysing_traces` → `builtin_ready` → `ai_ready` or
/// `ai_unavailable` (the message then says why). `failed` ends either with the reason.
public struct AnalysisProgress: Sendable, Codable, Hashable {
    /// The stages, as sent in `stage`.
    public enum Stage: String, Sendable, Codable, Hashable {
        case gatheringData = "gathering_data"
        case analysingTraces = "analysing_traces"
        case incidentsReady = "incidents_ready"
        case builtinReady = "builtin_ready"
        case aiReady = "ai_ready"
        case aiUnavailable = "ai_unavailable"
        case failed
    }

    /// `incidents` (the periodic incident analysis) or `request` (one request's diagnosis).
    public var scope: String
    /// The correlation or trace ID for `request`, absent for `incidents`.
    public var subject: String?
    public var stage: Stage
    /// What to show, e.g. "gathering data", "AI unavailable: no LLM configured (…)".
    public var message: String

    /// Creates a progress report.
    public init(scope: String, subject: String? = nil, stage: Stage, message: String) {
        self.scope = scope
        self.subject = subject
        self.stage = stage
        self.message = message
    }
}
