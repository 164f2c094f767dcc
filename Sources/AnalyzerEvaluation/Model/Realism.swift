/// The patterns of real systems layered on a scenario (see ``EvaluationPattern``), as concrete
/// settings: what ``ScenarioGenerator/generate(_:)`` simulates. ``none`` is the classic generator.
public struct Realism: Sendable, Hashable {
    /// Faults show their real symptoms (``SymptomModel``) instead of the classic textbook effects.
    public var symptoms: Bool
    /// 4xx at the entry that no fault causes.
    public var clientErrors: ClientErrors
    /// More traffic for a while, from the entry or a source.
    public var surges: [Surge]
    /// Harmless things that look like trouble.
    public var herrings: [RedHerring]

    /// Settings; all off by default.
    public init(symptoms: Bool = false, clientErrors: ClientErrors = ClientErrors(), surges: [Surge] = [], herrings: [RedHerring] = []) {
        self.symptoms = symptoms
        self.clientErrors = clientErrors
        self.surges = surges
        self.herrings = herrings
    }

    /// The classic generator: none of the patterns.
    public static let none = Realism()
}
