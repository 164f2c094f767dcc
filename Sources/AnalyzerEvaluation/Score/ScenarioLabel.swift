import AnalyzerCore
import ServiceLog

/// The truth about one scenario as the labels file (`labels.json` of `analyzer eval --dump`) holds
/// it: enough for anyone to score the analyzer's answers without this package.
public struct ScenarioLabel: Sendable, Hashable, Codable {
    /// The scenario's name; its events are `file` in the dump directory.
    public var name: String
    public var file: String
    public var family: String
    public var heldOut: Bool
    /// Every service that wrote an event: a candidate outside this set is not a service in the data.
    public var services: [String]
    /// `nil` for a fault-free control.
    public var rootCause: String?
    public var kind: String?
    /// RFC 3339.
    public var faultStart: String?
    public var faultEnd: String?
    public var traits: [String]

    enum CodingKeys: String, CodingKey {
        case name, file, family, services, kind, traits
        case heldOut = "held_out"
        case rootCause = "root_cause"
        case faultStart = "fault_start"
        case faultEnd = "fault_end"
    }

    /// A label from its parts.
    public init(
        name: String, file: String, family: String, heldOut: Bool, services: [String], rootCause: String?, kind: String?,
        faultStart: String?,
        faultEnd: String?, traits: [String]
    ) {
        self.name = name
        self.file = file
        self.family = family
        self.heldOut = heldOut
        self.services = services
        self.rootCause = rootCause
        self.kind = kind
        self.faultStart = faultStart
        self.faultEnd = faultEnd
        self.traits = traits
    }

    /// The label of `scenario`.
    public init(_ scenario: Scenario) {
        name = scenario.name
        file = "\(scenario.name).ndjson"
        family = scenario.spec.family
        heldOut = ScenarioFamily.named(scenario.spec.family)?.isHeldOut ?? false
        services = Array(Set(scenario.events.map(\.service))).sorted()
        rootCause = scenario.label?.rootCauseService
        kind = scenario.label?.kind.rawValue
        faultStart = scenario.label.map { "\($0.faultStart)" }
        faultEnd = scenario.label.map { "\($0.faultEnd)" }
        traits = scenario.label?.traits.map(\.rawValue) ?? []
    }
}

/// `labels.json`: the truth about every scenario of a dump.
public struct LabelsFile: Sendable, Hashable, Codable {
    /// How the scenarios were generated (the `analyzer eval` arguments).
    public var generator: String
    public var scenarios: [ScenarioLabel]

    public init(generator: String, scenarios: [ScenarioLabel]) {
        self.generator = generator
        self.scenarios = scenarios
    }
}
