import AnalyzerCore

/// How the dashboard analyses and refreshes. The defaults bound the cost of the live view: one
/// analysis of at most `analysisWindow` of event time, at most once per `minimumRefreshInterval`,
/// started by ingest (after `ingestDebounce` of quiet) or by the `pollInterval` timer when another
/// process wrote to the store.
public struct DashboardConfiguration: Sendable {
    /// Event time analysed for incidents, ending at the newest stored event. Default 1 hour.
    /// Incidents found earlier stay listed (up to `maximumIncidents`) after they leave the window.
    public var analysisWindow: Duration
    /// Quiet time after an ingest before analysing (a burst of batches costs one analysis). Default 1 s.
    public var ingestDebounce: Duration
    /// Least time between the starts of two analyses. Default 3 s.
    public var minimumRefreshInterval: Duration
    /// How often the store is checked for events written by another process. Default 30 s.
    public var pollInterval: Duration
    /// An incident whose end is this close to the newest event counts as open. Default 2 minutes.
    public var openGrace: Duration
    /// Incidents kept in the list, newest first. Default 500.
    public var maximumIncidents: Int
    /// Request diagnoses kept for repeated page loads (AI answers are slow and may cost). Default 64.
    public var cachedDiagnoses: Int
    /// The LLM for AI hypotheses: `nil` when none is configured, or the reason it could not be read.
    public var llm: Result<LLMConfiguration?, LLMConfigurationError>
    /// Events dated more than this after the machine's clock do not move the window's end (one event
    /// stamped 9999-12-31 would otherwise move the analysis to that year). Default 5 minutes.
    public var futureTolerance: Duration
    /// The most events one analysis reads; a window holding more starts later, at the newest this
    /// many (the run's `note` says so). Bounds the analysis's memory (~0.6 KB per event). Default 1,000,000.
    public var maxAnalysisEvents: Int
    /// Where incident alerts go (none by default): opened, root cause changed, resolved.
    public var alerts: [AlertTarget] = []
    /// The dashboard's address as the people alerted reach it, for the links in alerts. Default the
    /// listening address (`http://127.0.0.1:4180`), set by `analyzer serve`.
    public var dashboardURL = "http://127.0.0.1:4180"
    /// The analyzer's version, exported as the `version` label of `analyzer_build_info`.
    public var version = "unknown"

    /// Creates a configuration; every argument has the documented default (no LLM).
    public init(
        analysisWindow: Duration = .seconds(3600), ingestDebounce: Duration = .seconds(1),
        minimumRefreshInterval: Duration = .seconds(3), pollInterval: Duration = .seconds(30), openGrace: Duration = .seconds(120),
        maximumIncidents: Int = 500, cachedDiagnoses: Int = 64, llm: Result<LLMConfiguration?, LLMConfigurationError> = .success(nil),
        futureTolerance: Duration = .seconds(300), maxAnalysisEvents: Int = 1_000_000
    ) {
        self.analysisWindow = analysisWindow
        self.ingestDebounce = ingestDebounce
        self.minimumRefreshInterval = minimumRefreshInterval
        self.pollInterval = pollInterval
        self.openGrace = openGrace
        self.maximumIncidents = maximumIncidents
        self.cachedDiagnoses = cachedDiagnoses
        self.llm = llm
        self.futureTolerance = futureTolerance
        self.maxAnalysisEvents = maxAnalysisEvents
    }
}

extension Duration {
    /// Whole microseconds, for arithmetic on event timestamps (saturating: never traps).
    var microseconds: Int64 { microsecondsSaturated }
}
