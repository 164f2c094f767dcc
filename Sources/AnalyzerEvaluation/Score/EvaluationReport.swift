/// Every figure of one evaluation run: per family, for the tuning and the held-out families, over
/// everything, per fault kind and per trait of the faults, with every scenario's outcome.
public struct EvaluationReport: Sendable, Hashable, Codable {
    public var families: [Scorecard]
    /// `tuning`, `held-out` (only those with scenarios) and `all`.
    public var sets: [Scorecard]
    public var kinds: [Scorecard]
    public var traits: [Scorecard]
    public var outcomes: [ScenarioOutcome]

    /// The report of `outcomes`, families in the order they first appear.
    public init(outcomes: [ScenarioOutcome]) {
        self.outcomes = outcomes
        var familyNames: [String] = []
        for outcome in outcomes where !familyNames.contains(outcome.family) { familyNames.append(outcome.family) }
        families = familyNames.map { name in Scorecard(name: name, outcomes: outcomes.filter { $0.family == name }) }
        var sets: [Scorecard] = []
        let tuning = outcomes.filter { !$0.heldOut }
        let heldOut = outcomes.filter(\.heldOut)
        if !tuning.isEmpty { sets.append(Scorecard(name: "tuning", outcomes: tuning)) }
        if !heldOut.isEmpty { sets.append(Scorecard(name: "held-out", outcomes: heldOut)) }
        sets.append(Scorecard(name: "all", outcomes: outcomes))
        self.sets = sets
        var kindNames: [String] = []
        for outcome in outcomes { if let kind = outcome.expectedKind, !kindNames.contains(kind) { kindNames.append(kind) } }
        kinds = kindNames.map { kind in Scorecard(name: kind, outcomes: outcomes.filter { $0.expectedKind == kind }) }
        traits = FaultTrait.allCases.map(\.rawValue).compactMap { trait in
            let matching = outcomes.filter { $0.traits.contains(trait) }
            return matching.isEmpty ? nil : Scorecard(name: trait, outcomes: matching)
        }
    }
}
