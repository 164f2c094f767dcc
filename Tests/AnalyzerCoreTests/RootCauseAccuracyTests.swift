import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// The accuracy floor the built-in engine must keep, on a small generated suite (one scenario per
/// fault kind plus controls). Tuned on seed 1; this runs held-out seed 5. `analyzer eval` reports the
/// full figures.
@Suite struct RootCauseAccuracyTests {
    @Test func theBuiltinEngineNamesTheRootCauseOnHeldOutScenarios() {
        let evaluation = Evaluation()
        let outcomes = ScenarioGenerator.plan(seed: 5, scenariosPerKind: 1, includeControls: true).map { spec in
            let scenario = ScenarioGenerator.generate(spec)
            return evaluation.evaluate(
                name: scenario.name, events: scenario.events,
                label: scenario.label.map { ($0.rootCauseService, $0.kind, $0.faultStart, $0.faultEnd) })
        }
        let summary = Evaluation.summarize(outcomes)
        let misses = outcomes.filter { $0.expectedService != nil && $0.rank != 1 }.map { "\($0.scenario) -> \($0.foundService ?? "none")" }
        #expect(summary.faultyScenarios == 6)
        #expect(summary.acAt1 >= 0.99, "AC@1 \(summary.acAt1); misses: \(misses)")
        #expect(summary.acAt3 >= 0.99)
        #expect(summary.falseAlarms == 0, "false alarms on controls: \(outcomes.filter(\.falseAlarm).map(\.scenario))")
    }

    @Test func aStoppedServiceIsBlamedNotItsCallers() throws {
        // Seed 1's first `unavailable` scenario stops catalog, which users feel (a stopped service behind
        // a graceful fallback, e.g. recommendations, hurts no user request and is not an incident).
        let spec = try #require(ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false).first { $0.name.hasPrefix("unavailable") })
        let scenario = ScenarioGenerator.generate(spec)
        let label = try #require(scenario.label)
        let incidents = IncidentAnalyzer().incidents(in: Observations(events: scenario.events))
        let incident = try #require(incidents.first)
        #expect(incident.rootCause.service == label.rootCauseService)
        #expect(incident.rootCause.kind == .unavailable)
        #expect(incident.candidates.first?.evidence.contains { $0.signal == "refused_connections" || $0.signal == "silence" } == true)
        #expect(!incident.correlationIDs.isEmpty)
    }
}
