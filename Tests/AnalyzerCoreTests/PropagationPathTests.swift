import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// The path an incident reports runs from its root cause, call by call, up to the service users
/// call, even where the services on the way have root requests of their own (cache refreshes).
@Suite struct PropagationPathTests {
    @Test func thePathRunsFromTheCauseAlongRealCallsToTheUsers() throws {
        let specs = ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false)
        var checked = 0
        for spec in specs {
            let scenario = ScenarioGenerator.generate(spec)
            let label = try #require(scenario.label)
            let observations = Observations(events: scenario.events)
            guard let incident = IncidentAnalyzer().incidents(in: observations).first,
                incident.rootCause.service == label.rootCauseService
            else { continue }
            var calls = Set<String>()
            for call in observations.calls { calls.insert(call.caller + " " + call.target) }
            #expect(incident.path.first == label.rootCauseService, "\(spec.name): \(incident.path)")
            #expect(incident.path.last == "gateway", "\(spec.name): the shop's users call gateway, path \(incident.path)")
            for (callee, caller) in zip(incident.path, incident.path.dropFirst()) {
                #expect(calls.contains(caller + " " + callee), "\(spec.name): \(caller) never calls \(callee)")
            }
            checked += 1
        }
        #expect(checked >= 5, "only \(checked) of \(specs.count) root causes named")
    }
}
