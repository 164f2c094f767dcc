import ServiceLog

/// A window in which requests failed, slowed or changed shape beyond their baseline, with its ranked
/// root-cause candidates — the JSON contract of `analyzer incidents --json` (keys: `id`, `start`,
/// `end`, `root_cause` {`service` (null when the analysis abstains), `kind`, `confidence`},
/// `candidates` [{`service`, `score`, `kind`, `evidence`}], `path`, `client_errors`,
/// `affected_services`, `correlation_ids`, `entry_services`, `affected_requests`, `total_requests`,
/// `error_templates`).
public struct Incident: Sendable, Hashable, Codable, Identifiable {
    /// A ranked candidate for the root cause, with its evidence.
    public struct Candidate: Sendable, Hashable, Codable {
        public var service: String
        /// Higher is more likely; comparable within one incident.
        public var score: Double
        public var kind: FaultKind
        public var evidence: [Evidence]

        public init(service: String, score: Double, kind: FaultKind, evidence: [Evidence]) {
            self.service = service
            self.score = score
            self.kind = kind
            self.evidence = evidence
        }
    }

    /// The best candidate, with how sure the analysis is.
    public struct RootCause: Sendable, Hashable, Codable {
        /// `nil` when no service's own behaviour changed enough to name one: the analysis abstains
        /// rather than guess (the confidence is then below 0.5).
        public var service: String?
        public var kind: FaultKind
        /// 0...1: how far the best candidate stands above the others and how strong its evidence is.
        public var confidence: Double

        public init(service: String?, kind: FaultKind, confidence: Double) {
            self.service = service
            self.kind = kind
            self.confidence = confidence
        }

        enum CodingKeys: String, CodingKey {
            case service, kind, confidence
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            service = try container.decodeIfPresent(String.self, forKey: .service)
            kind = try container.decode(FaultKind.self, forKey: .kind)
            confidence = try container.decode(Double.self, forKey: .confidence)
        }

        /// Writes `service` as `null` when abstaining, so the key is always there.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(service, forKey: .service)
            try container.encode(kind, forKey: .kind)
            try container.encode(confidence, forKey: .confidence)
        }
    }

    /// Stable for the same data: derived from the start time and the entry services.
    public var id: String
    /// RFC 3339.
    public var start: String
    public var end: String
    public var rootCause: RootCause
    /// Best first.
    public var candidates: [Candidate]
    public var affectedServices: [String]
    /// A sample of the affected requests.
    public var correlationIDs: [String]
    /// The entry services whose requests failed or slowed.
    public var entryServices: [String]
    /// How many user-facing requests were affected, and how many there were in the window.
    public var affectedRequests: Int
    public var totalRequests: Int
    /// Error messages grouped into templates, most frequent first.
    public var errorTemplates: [ErrorTemplateCount]
    /// How the failure travelled: the root cause first, then each caller it reached, up to a
    /// user-facing service (empty when the analysis abstains).
    public var path: [String]
    /// Client errors (4xx) that rose during the incident: told, never blamed.
    public var clientErrors: [ClientErrorSignal]
    /// Request rates that rose sharply during the incident (surges), as context.
    public var traffic: [TrafficChange]
    /// Open or resolved, since when: set where incidents are tracked across analyses (`analyzer
    /// serve`, and `analyzer incidents` on a store that keeps them); `nil` for a one-off analysis.
    public var lifecycle: IncidentLifecycle?

    public init(
        id: String, start: String, end: String, rootCause: RootCause, candidates: [Candidate], affectedServices: [String],
        correlationIDs: [String], entryServices: [String], affectedRequests: Int, totalRequests: Int, errorTemplates: [ErrorTemplateCount],
        path: [String] = [], clientErrors: [ClientErrorSignal] = [], traffic: [TrafficChange] = [], lifecycle: IncidentLifecycle? = nil
    ) {
        self.traffic = traffic
        self.lifecycle = lifecycle
        self.path = path
        self.clientErrors = clientErrors
        self.id = id
        self.start = start
        self.end = end
        self.rootCause = rootCause
        self.candidates = candidates
        self.affectedServices = affectedServices
        self.correlationIDs = correlationIDs
        self.entryServices = entryServices
        self.affectedRequests = affectedRequests
        self.totalRequests = totalRequests
        self.errorTemplates = errorTemplates
    }

    enum CodingKeys: String, CodingKey {
        case id, start, end, candidates, path, lifecycle, traffic
        case clientErrors = "client_errors"
        case rootCause = "root_cause"
        case affectedServices = "affected_services"
        case correlationIDs = "correlation_ids"
        case entryServices = "entry_services"
        case affectedRequests = "affected_requests"
        case totalRequests = "total_requests"
        case errorTemplates = "error_templates"
    }

    /// Reads incidents written before `path` and `client_errors` existed (kept analyses) too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        start = try container.decode(String.self, forKey: .start)
        end = try container.decode(String.self, forKey: .end)
        rootCause = try container.decode(RootCause.self, forKey: .rootCause)
        candidates = try container.decode([Candidate].self, forKey: .candidates)
        affectedServices = try container.decode([String].self, forKey: .affectedServices)
        correlationIDs = try container.decode([String].self, forKey: .correlationIDs)
        entryServices = try container.decode([String].self, forKey: .entryServices)
        affectedRequests = try container.decode(Int.self, forKey: .affectedRequests)
        totalRequests = try container.decode(Int.self, forKey: .totalRequests)
        errorTemplates = try container.decode([ErrorTemplateCount].self, forKey: .errorTemplates)
        path = try container.decodeIfPresent([String].self, forKey: .path) ?? []
        clientErrors = try container.decodeIfPresent([ClientErrorSignal].self, forKey: .clientErrors) ?? []
        lifecycle = try container.decodeIfPresent(IncidentLifecycle.self, forKey: .lifecycle)
        traffic = try container.decodeIfPresent([TrafficChange].self, forKey: .traffic) ?? []
    }
}

/// One error template with how often it was seen in the incident, and whether it is new.
public struct ErrorTemplateCount: Sendable, Hashable, Codable {
    /// The service that wrote the messages.
    public var service: String
    /// The message with its variable parts replaced by `<*>`.
    public var template: String
    public var count: Int
    /// Never seen before the incident started.
    public var isNew: Bool
    /// One real message of the template.
    public var example: String

    public init(service: String, template: String, count: Int, isNew: Bool, example: String) {
        self.service = service
        self.template = template
        self.count = count
        self.isNew = isNew
        self.example = example
    }

    enum CodingKeys: String, CodingKey {
        case service, template, count, example
        case isNew = "is_new"
    }
}
