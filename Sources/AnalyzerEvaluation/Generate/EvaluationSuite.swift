/// Which scenarios one evaluation run generates: families, patterns, how many of each.
public struct EvaluationSuite: Sendable {
    public var families: [ScenarioFamily]
    public var seed: UInt64
    public var scenariosPerKind: Int
    public var controlsPerFamily: Int
    public var patterns: Set<EvaluationPattern>

    /// A suite of `families` (default: all of them) with `patterns` on (default: all).
    public init(
        families: [ScenarioFamily] = ScenarioFamily.all, seed: UInt64 = 1, scenariosPerKind: Int = 2, controlsPerFamily: Int = 2,
        patterns: Set<EvaluationPattern> = EvaluationPattern.all
    ) {
        self.families = families
        self.seed = seed
        self.scenariosPerKind = scenariosPerKind
        self.controlsPerFamily = controlsPerFamily
        self.patterns = patterns
    }

    /// Every scenario's spec, family by family (cheap: nothing is simulated yet).
    public func specs() -> [ScenarioSpec] {
        families.flatMap { family in
            FamilyPlanner.plan(
                family: family, seed: seed, scenariosPerKind: scenariosPerKind, controls: controlsPerFamily, patterns: patterns)
        }
    }
}
