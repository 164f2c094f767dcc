/// One fact that points at a service as the root cause: a scored piece of ``Evidence`` with what
/// kind of fault it suggests and when the change began.
struct Finding: Sendable {
    /// The kind of fault a finding suggests on its own.
    enum Hint: Sendable, Hashable {
        /// Memory growing (a leak), or a restart after it.
        case memory
        case cpu
        /// A pool, queue, threads or descriptors at their limit; pool timeouts.
        case pool
        /// Refused connections, silence, a crash.
        case unavailable
        /// Its own work got slower.
        case latency
        /// Its links got slower (callers and callees see time the service itself never spent).
        case network
        /// It fails on its own.
        case errors
        /// Its requests changed shape (calls skipped, far faster, logs missing).
        case shape
        /// Supports a candidate without saying which kind (e.g. a new error template).
        case generic
    }

    var score: Double
    var hint: Hint
    var evidence: Evidence
    /// When the change began (microseconds since the epoch), when known.
    var onset: Int64?
}

/// Everything the signals of one incident look at: the observations, the windows before and during,
/// and the call graph.
struct RankingContext: Sendable {
    let observations: Observations
    let window: IncidentDetector.Window
    let baselineStart: Int64
    let before: BehaviourTable
    let during: BehaviourTable
    let graph: CallGraph

    /// The median user-facing request before the incident (milliseconds): what a few milliseconds
    /// more somewhere inside are measured against.
    let userLatencyMS: Double

    var start: Int64 { window.start }
    var end: Int64 { window.end }
    var beforeSeconds: Double { before.seconds }
    var duringSeconds: Double { during.seconds }

    /// The earliest onset of a detected change in `service`'s own series (not an edge towards it).
    func detectedOnset(of service: String) -> Int64? {
        window.anomalies.filter { !$0.key.isEdge && $0.key.service == service }.map(\.startTime).min()
    }
}
