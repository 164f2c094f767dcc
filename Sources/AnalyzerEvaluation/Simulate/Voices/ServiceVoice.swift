/// How one service's telemetry reads: the names of its loggers and the texts and types of its
/// messages, as its stack writes them. One voice per ``Ecosystem``, plus ``ClassicVoice`` for the
/// shop's original texts.
///
/// Every text with variable parts draws them from the generator it is given, so a template miner has
/// real variation to fold.
protocol ServiceVoice: Sendable {
    /// The logger (`source`) of one part of `service`: `http` (request events), `handlers`, `clients`
    /// (with a `target`: one client's calls), `metrics`, `main` (start-up and shutdown), `jobs`.
    func source(_ part: LogPart, service: String, target: String?) -> String

    /// A bug in the handler of `endpoint` (`family` picks one of a few bugs).
    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText
    /// No pool connection came free within `waitedMS`.
    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText
    /// An allocation failed under memory pressure (the request fails, the process lives on).
    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText
    /// The last line before the process dies of memory exhaustion, if the stack writes one.
    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText?
    /// The last line of a crash.
    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText
    /// A required call failed (`reason` is ``CallFailure``).
    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText
    /// An optional call failed; the service answers without it.
    func degraded(target: String, failure: CallFailure) -> String
    /// The process is up and serving.
    func startup(service: String, using rng: inout SplitMix64) -> String
    /// The process begins a graceful shutdown.
    func shutdown(service: String) -> String
    /// The entry's rate limiter rejected a client.
    func rateLimited(clientIP: String, limit: Int) -> String
    /// A chronic error (`variant` picks one), the same template all day.
    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText
    /// A scheduled job started or finished.
    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String
    /// An unrelated deploy or configuration change (`variant` picks one).
    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String
}

/// The part of a service a log line comes from.
enum LogPart: Sendable {
    case http, handlers, clients, metrics, main, jobs
}

/// Why a call failed, as its caller saw it.
struct CallFailure: Sendable, Hashable {
    /// The callee's status (0: no response).
    var status: Int
    /// `timeout`, `connection_refused`, `connection_reset` or nil (a 5xx answer).
    var error: String?
    var timeoutMS: Double
}

extension Ecosystem {
    /// This ecosystem's voice.
    var voice: any ServiceVoice {
        switch self {
        case .spring: SpringVoice()
        case .go: GoVoice()
        case .node: NodeVoice()
        case .python: PythonVoice()
        case .swift: SwiftVoice()
        }
    }
}
