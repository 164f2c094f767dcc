import AnalyzerCore
import ServiceLog

/// The classic scorer, kept for the engine's accuracy-floor tests: it calls the engine on the events
/// directly and counts any incident in a control as a false alarm. AC@1 and AC@3 (share of faulty
/// scenarios whose true root cause is the first / among the first three candidates of the incident
/// covering the fault), kind accuracy (of the AC@1 hits), detection rate, false alarms.
///
/// `analyzer eval` scores with ``ScenarioOutcome`` instead, from the incidents JSON exactly as
/// `analyzer incidents --json` prints it (``InProcessIncidents``, ``CLIIncidents``).
public struct Evaluation: Sendable {
    /// The outcome of one scenario.
    public struct Outcome: Sendable, Hashable, Codable {
        public var scenario: String
        public var expectedService: String?
        public var expectedKind: String?
        /// The engine's first candidate and kind for the incident overlapping the fault (nil: none found).
        public var foundService: String?
        public var foundKind: String?
        public var rank: Int?
        public var incidents: Int
        public var falseAlarm: Bool

        enum CodingKeys: String, CodingKey {
            case scenario, rank, incidents
            case expectedService = "expected_service"
            case expectedKind = "expected_kind"
            case foundService = "found_service"
            case foundKind = "found_kind"
            case falseAlarm = "false_alarm"
        }
    }

    /// The aggregate figures.
    public struct Summary: Sendable, Hashable, Codable {
        public var faultyScenarios: Int
        public var controlScenarios: Int
        public var detected: Int
        public var acAt1: Double
        public var acAt3: Double
        public var kindAccuracy: Double
        public var falseAlarms: Int
        public var outcomes: [Outcome]

        enum CodingKeys: String, CodingKey {
            case detected, outcomes
            case faultyScenarios = "faulty_scenarios"
            case controlScenarios = "control_scenarios"
            case acAt1 = "ac_at_1"
            case acAt3 = "ac_at_3"
            case kindAccuracy = "kind_accuracy"
            case falseAlarms = "false_alarms"
        }
    }

    public var analyzer: IncidentAnalyzer

    public init(analyzer: IncidentAnalyzer = IncidentAnalyzer()) {
        self.analyzer = analyzer
    }

    /// Runs the engine on one scenario's events.
    public func evaluate(name: String, events: [Event], label: (service: String, kind: FaultKind, start: Timestamp, end: Timestamp)?) -> Outcome {
        let incidents = analyzer.incidents(in: Observations(events: events))
        guard let label else {
            return Outcome(scenario: name, incidents: incidents.count, falseAlarm: !incidents.isEmpty)
        }
        // The incident that overlaps the fault; incidents elsewhere are false alarms.
        let overlapping = incidents.first { incident in
            guard let start = Timestamp(rfc3339: incident.start), let end = Timestamp(rfc3339: incident.end) else { return false }
            return start <= label.end && end >= label.start
        }
        let rank = overlapping?.candidates.firstIndex { $0.service == label.service }.map { $0 + 1 }
        return Outcome(
            scenario: name, expectedService: label.service, expectedKind: label.kind.rawValue,
            foundService: overlapping?.rootCause.service, foundKind: overlapping?.rootCause.kind.rawValue, rank: rank,
            incidents: incidents.count, falseAlarm: incidents.count > (overlapping == nil ? 0 : 1))
    }

    /// Aggregates outcomes.
    public static func summarize(_ outcomes: [Outcome]) -> Summary {
        let faulty = outcomes.filter { $0.expectedService != nil }
        let controls = outcomes.filter { $0.expectedService == nil }
        let top1 = faulty.filter { $0.rank == 1 }
        let top3 = faulty.filter { ($0.rank ?? 99) <= 3 }
        let kindRight = top1.filter { $0.foundKind == $0.expectedKind }
        func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : (Double(part) / Double(whole) * 1000).rounded() / 1000 }
        return Summary(
            faultyScenarios: faulty.count, controlScenarios: controls.count, detected: faulty.filter { $0.foundService != nil }.count,
            acAt1: ratio(top1.count, faulty.count), acAt3: ratio(top3.count, faulty.count), kindAccuracy: ratio(kindRight.count, top1.count),
            falseAlarms: controls.filter(\.falseAlarm).count, outcomes: outcomes)
    }
}
