/// The figures of a group of scenarios (a family, the held-out families, one fault kind, ...).
public struct Scorecard: Sendable, Hashable, Codable {
    public var name: String
    public var faulty: Int
    public var controls: Int
    /// Share of faulty scenarios whose true root cause is the answer / among the first three.
    public var acAt1: Double
    public var acAt3: Double
    /// Share of all faulty scenarios whose answer has the true kind, and of the AC@1 hits.
    public var kindAccuracy: Double
    public var kindAccuracyOfHits: Double
    /// Faulty scenarios with an incident overlapping the fault.
    public var detected: Int
    /// Controls with an incident of confidence above 0.5, and with any incident at all.
    public var falseAlarms: Int
    public var controlsWithIncidents: Int
    /// Incidents elsewhere than the fault in faulty scenarios, with confidence above 0.5.
    public var spuriousIncidents: Int
    /// Candidates that are not a service in the data (must be 0).
    public var unknownCandidates: Int
    public var abstentions: Int
    /// Root causes given with confidence ≥ 0.8, and the share of them that were right.
    public var confidentAnswers: Int
    public var confidentRight: Int
    public var calibration: Double?

    enum CodingKeys: String, CodingKey {
        case name, faulty, controls, detected, abstentions, calibration
        case acAt1 = "ac_at_1"
        case acAt3 = "ac_at_3"
        case kindAccuracy = "kind_accuracy"
        case kindAccuracyOfHits = "kind_accuracy_of_hits"
        case falseAlarms = "false_alarms"
        case controlsWithIncidents = "controls_with_incidents"
        case spuriousIncidents = "spurious_incidents"
        case unknownCandidates = "unknown_candidates"
        case confidentAnswers = "confident_answers"
        case confidentRight = "confident_right"
    }

    /// The figures of `outcomes`.
    public init(name: String, outcomes: [ScenarioOutcome]) {
        let faultyOutcomes = outcomes.filter { !$0.isControl }
        let controlOutcomes = outcomes.filter(\.isControl)
        let hits = faultyOutcomes.filter(\.hit)
        func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : (Double(part) / Double(whole) * 1000).rounded() / 1000 }
        self.name = name
        faulty = faultyOutcomes.count
        controls = controlOutcomes.count
        acAt1 = ratio(hits.count, faulty)
        acAt3 = ratio(faultyOutcomes.filter(\.hitInThree).count, faulty)
        kindAccuracy = ratio(faultyOutcomes.filter(\.kindRight).count, faulty)
        kindAccuracyOfHits = ratio(hits.filter(\.kindRight).count, hits.count)
        detected = faultyOutcomes.filter { $0.overlapping > 0 }.count
        falseAlarms = controlOutcomes.filter(\.falseAlarm).count
        controlsWithIncidents = controlOutcomes.filter { $0.incidents > 0 }.count
        spuriousIncidents = faultyOutcomes.reduce(0) { $0 + $1.spurious }
        unknownCandidates = outcomes.reduce(0) { $0 + $1.unknownCandidates.count }
        abstentions = faultyOutcomes.filter(\.abstained).count
        confidentAnswers = outcomes.reduce(0) { $0 + $1.confidentAnswers }
        confidentRight = outcomes.reduce(0) { $0 + $1.confidentRight }
        calibration = confidentAnswers == 0 ? nil : ratio(confidentRight, confidentAnswers)
    }
}
