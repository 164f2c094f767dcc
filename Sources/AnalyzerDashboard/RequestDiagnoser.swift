import AnalyzerCore
import ServiceLog

/// The diagnosis of one request, as `analyzer diagnose ID [--ai] --json` computes it, reporting each
/// stage as it goes (`gathering data`, `analysing traces`, `built-in diagnosis ready`, then `AI
/// hypothesis ready` or `AI unavailable: why`).
public struct RequestDiagnoser: Sendable {
    /// Where the events are.
    public let store: any EventStore
    /// The LLM, if any (see ``DashboardConfiguration/llm``).
    public let llm: Result<LLMConfiguration?, LLMConfigurationError>

    /// Creates a diagnoser.
    public init(store: any EventStore, llm: Result<LLMConfiguration?, LLMConfigurationError>) {
        self.store = store
        self.llm = llm
    }

    /// The request's trace, or `nil` when no event carries this correlation or trace ID.
    public func trace(id: String) async throws -> RequestTrace? {
        try await Correlator(store: store).trace(id: id)
    }

    /// The built-in diagnosis (and with `ai`, the AI's, or the built-in one with the reason it was
    /// kept), or `nil` when the request is unknown. `progress` is called before each stage and with
    /// each diagnosis as it becomes ready.
    public func diagnose(
        id: String, ai: Bool, progress: @Sendable (AnalysisProgress.Stage, String, Diagnosis?) async -> Void = { _, _, _ in }
    ) async throws -> Diagnosis? {
        await progress(.gatheringData, "gathering data", nil)
        guard let trace = try await trace(id: id) else { return nil }
        // Baselines come from everyone's events around the request (the same analysis as the CLI's,
        // usually the one the incident monitor kept).
        await progress(.analysingTraces, "analysing traces", nil)
        let analysis = try await Self.incidents(around: trace, in: store)
        let incidents = analysis.incidents
        let services = Set(analysis.services)
        let builtin = BuiltinDiagnoser().diagnose(trace, incidents: incidents)
        await progress(.builtinReady, "built-in diagnosis ready", builtin)
        guard ai else { return builtin }
        let configuration: LLMConfiguration?
        switch llm {
        case .success(let value): configuration = value
        case .failure(let error):
            var fallback = builtin
            fallback.fallbackReason = "AI unavailable: \(error)"
            await progress(.aiUnavailable, fallback.fallbackReason ?? "AI unavailable", fallback)
            return fallback
        }
        let answer = await AIDiagnoser(configuration: configuration).diagnose(
            builtin: builtin, trace: trace, templates: incidents.first?.errorTemplates ?? [], knownServices: services.union(trace.services))
        if answer.source == .llm {
            await progress(.aiReady, "AI hypothesis ready", answer)
        } else {
            let reason = answer.fallbackReason ?? "no answer"
            await progress(.aiUnavailable, reason.hasPrefix("AI unavailable") ? reason : "AI unavailable: \(reason)", answer)
        }
        return answer
    }

    /// Off the caller's executor: an analysis that is not kept takes seconds of CPU.
    @concurrent
    private static func incidents(around trace: RequestTrace, in store: any EventStore) async throws -> StoredAnalysis {
        try await IncidentsAroundRequest().find(for: trace, in: store).analysis
    }
}
