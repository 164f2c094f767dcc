import Foundation

/// Where a scenario's incidents come from, as the JSON `analyzer incidents --json` prints.
public protocol IncidentSource: Sendable {
    /// The incidents JSON for `scenario`'s events.
    func incidentsJSON(for scenario: Scenario) async throws -> Data
}

extension IncidentSource {
    /// `scenario` scored from this source's answers.
    public func outcome(for scenario: Scenario) async throws -> ScenarioOutcome {
        ScenarioOutcome(label: ScenarioLabel(scenario), answers: try IncidentAnswer.decodeAll(try await incidentsJSON(for: scenario)))
    }
}
