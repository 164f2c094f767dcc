import AnalyzerCore
import ServiceLog

/// A generated stretch of telemetry with the truth about it: the root-cause service, the fault kind and
/// the fault window — or no label for a fault-free control.
public struct Scenario: Sendable, Hashable {
    /// The ground truth of a faulty scenario.
    public struct Label: Sendable, Hashable {
        /// The service the fault was injected into.
        public var rootCauseService: String
        /// The kind of fault injected.
        public var kind: FaultKind
        /// When the fault began and ended (true time; a skewed service's clock may disagree by its skew).
        public var faultStart: Timestamp
        /// End of the fault window (exclusive).
        public var faultEnd: Timestamp
        /// What makes the fault hard to see (from ``FaultSpec/traits``), for reports by trait.
        public var traits: [FaultTrait]

        /// A label for a fault in `rootCauseService` of `kind` from `faultStart` to `faultEnd`.
        public init(rootCauseService: String, kind: FaultKind, faultStart: Timestamp, faultEnd: Timestamp, traits: [FaultTrait] = []) {
            self.rootCauseService = rootCauseService
            self.kind = kind
            self.faultStart = faultStart
            self.faultEnd = faultEnd
            self.traits = traits
        }
    }

    /// The spec's name, e.g. `memory_leak-payments-1` or `control-spike-3`.
    public let name: String
    /// The seed the events were generated from.
    public let seed: UInt64
    /// Canonical events, oldest first (by written timestamp).
    public let events: [Event]
    /// `nil` for a control scenario.
    public let label: Label?
    /// What the scenario was generated from (traffic, fault, noise), for reports.
    public let spec: ScenarioSpec

    /// A scenario from its parts (normally made by ``ScenarioGenerator/generate(_:)``).
    public init(name: String, seed: UInt64, events: [Event], label: Label?, spec: ScenarioSpec) {
        self.name = name
        self.seed = seed
        self.events = events
        self.label = label
        self.spec = spec
    }
}
