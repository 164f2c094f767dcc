/// The answer to "what broke this request (or incident), and what do I do?" — the JSON contract of
/// `analyzer diagnose --json` (keys: `correlation_id`, `hypothesis`, `recommended_actions`,
/// `confidence`, `affected_services`, `root_cause` {`service`, `kind`}, `source`).
public struct Diagnosis: Sendable, Hashable, Codable {
    /// Who produced the diagnosis.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The built-in, deterministic analysis.
        case builtin
        /// An LLM, given the built-in analysis as context.
        case llm
    }

    /// The root cause named by the diagnosis.
    public struct RootCause: Sendable, Hashable, Codable {
        public var service: String
        public var kind: FaultKind

        public init(service: String, kind: FaultKind) {
            self.service = service
            self.kind = kind
        }
    }

    public var correlationID: String
    /// One or two sentences: what happened and why.
    public var hypothesis: String
    /// What to do, most useful first.
    public var recommendedActions: [String]
    /// 0...1.
    public var confidence: Double
    public var affectedServices: [String]
    public var rootCause: RootCause
    public var source: Source
    /// The built-in evidence the diagnosis rests on.
    public var evidence: [Evidence]
    /// Why the LLM was not used or its answer was rejected, when `source` is `builtin` after `--ai`.
    public var fallbackReason: String?

    public init(
        correlationID: String, hypothesis: String, recommendedActions: [String], confidence: Double, affectedServices: [String],
        rootCause: RootCause, source: Source, evidence: [Evidence] = [], fallbackReason: String? = nil
    ) {
        self.correlationID = correlationID
        self.hypothesis = hypothesis
        self.recommendedActions = recommendedActions
        self.confidence = confidence
        self.affectedServices = affectedServices
        self.rootCause = rootCause
        self.source = source
        self.evidence = evidence
        self.fallbackReason = fallbackReason
    }

    enum CodingKeys: String, CodingKey {
        case hypothesis, confidence, source, evidence
        case correlationID = "correlation_id"
        case recommendedActions = "recommended_actions"
        case affectedServices = "affected_services"
        case rootCause = "root_cause"
        case fallbackReason = "fallback_reason"
    }
}
