import ServiceLog

/// How the analyzer did on one scenario, scored from its incidents as `analyzer incidents --json`
/// lists them.
///
/// The incident that answers a faulty scenario is the first listed one that overlaps the fault window
/// (extended by ``ScenarioOutcome/grace`` after the fault's end, for effects that outlast it).
/// Its root cause with a `null` service is an abstention: no answer.
public struct ScenarioOutcome: Sendable, Hashable, Codable {
    /// Effects may outlast the fault (a restart, queues draining): 60 s.
    public static let grace: Int64 = 60_000_000

    public var scenario: String
    public var family: String
    public var heldOut: Bool
    public var expectedService: String?
    public var expectedKind: String?
    public var traits: [String]
    /// The answering incident's root cause (`nil`: no incident, or it abstained).
    public var foundService: String?
    public var foundKind: String?
    public var confidence: Double?
    /// Whether the answering incident named no service.
    public var abstained: Bool
    /// 1-based position of the true root cause among the answering incident's candidates.
    public var rank: Int?
    /// Every incident listed, those overlapping the fault, and those not overlapping it with
    /// confidence above 0.5.
    public var incidents: Int
    public var overlapping: Int
    public var spurious: Int
    /// The largest confidence of any incident (for controls: above 0.5 is a false alarm).
    public var maxConfidence: Double
    /// Candidates (and root causes) that are not a service in the data.
    public var unknownCandidates: [String]
    /// Root causes given with confidence ≥ 0.8, and how many of them were right.
    public var confidentAnswers: Int
    public var confidentRight: Int

    enum CodingKeys: String, CodingKey {
        case scenario, family, traits, confidence, abstained, rank, incidents, overlapping, spurious
        case heldOut = "held_out"
        case expectedService = "expected_service"
        case expectedKind = "expected_kind"
        case foundService = "found_service"
        case foundKind = "found_kind"
        case maxConfidence = "max_confidence"
        case unknownCandidates = "unknown_candidates"
        case confidentAnswers = "confident_answers"
        case confidentRight = "confident_right"
    }

    /// Whether this is a fault-free control.
    public var isControl: Bool { expectedService == nil }
    /// A control that raised an incident with confidence above 0.5.
    public var falseAlarm: Bool { isControl && maxConfidence > 0.5 }
    /// The true root cause is the answer.
    public var hit: Bool { rank == 1 && foundService == expectedService && foundService != nil }
    /// The true root cause is among the first three candidates.
    public var hitInThree: Bool { (rank ?? .max) <= 3 }
    /// The answer's kind is the true kind (whoever it names).
    public var kindRight: Bool { !isControl && foundService != nil && foundKind == expectedKind }

    /// Scores `answers` (one scenario's incidents, in listed order) against `label`.
    public init(label: ScenarioLabel, answers: [IncidentAnswer]) {
        scenario = label.name
        family = label.family
        heldOut = label.heldOut
        expectedService = label.rootCause
        expectedKind = label.kind
        traits = label.traits
        incidents = answers.count
        maxConfidence = answers.map(\.confidence).max() ?? 0
        let known = Set(label.services)
        var unknown: [String] = []
        for answer in answers {
            for name in answer.candidates + [answer.service].compactMap({ $0 }) where !known.contains(name) && !unknown.contains(name) {
                unknown.append(name)
            }
        }
        unknownCandidates = unknown
        abstained = false
        let window: ClosedRange<Int64>? = label.faultStart.flatMap(Timestamp.init(rfc3339:)).flatMap { start in
            label.faultEnd.flatMap(Timestamp.init(rfc3339:)).map { start.microsecondsSinceEpoch...($0.microsecondsSinceEpoch + Self.grace) }
        }
        let overlaps: (IncidentAnswer) -> Bool = { answer in
            guard let window else { return false }
            return answer.start.microsecondsSinceEpoch <= window.upperBound && answer.end.microsecondsSinceEpoch >= window.lowerBound
        }
        overlapping = answers.filter(overlaps).count
        spurious = answers.filter { !overlaps($0) && $0.confidence > 0.5 }.count
        let answering = answers.first(where: overlaps)
        if let answering {
            foundService = answering.service
            foundKind = answering.service == nil ? nil : answering.kind
            confidence = answering.confidence
            abstained = answering.service == nil
            rank = answering.candidates.firstIndex { $0 == label.rootCause }.map { $0 + 1 }
        }
        let confident = answers.filter { $0.service != nil && $0.confidence >= 0.8 }
        confidentAnswers = confident.count
        confidentRight =
            confident.filter { answer in
                answer == answering && answer.service == label.rootCause && label.rootCause != nil
            }.count
    }
}
