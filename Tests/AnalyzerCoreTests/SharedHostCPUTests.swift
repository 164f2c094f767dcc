import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// On a shared host a service stuck in a hot loop gets only its share of the cores: its CPU jumps
/// many-fold but to half a core, not to a full one. That is still CPU saturation, not "latency".
@Suite struct SharedHostCPUTests {
    @Test func aManyFoldJumpToHalfACoreIsCPUSaturation() throws {
        let spec = try #require(ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false).first { $0.name.hasPrefix("cpu_saturation") })
        let scenario = ScenarioGenerator.generate(spec)
        let label = try #require(scenario.label)
        // The faulty service's readings above a third of a core become half a core; the others stay.
        let events = scenario.events.map { event -> Event in
            guard event.service == label.rootCauseService, case .resource(var sample) = event.payload, sample.cpuPercent > 35 else { return event }
            var shared = event
            sample.cpuPercent = 50
            shared.payload = .resource(sample)
            return shared
        }
        let incident = try #require(IncidentAnalyzer().incidents(in: Observations(events: events)).first)
        #expect(incident.rootCause.service == label.rootCauseService)
        #expect(incident.rootCause.kind == .cpuSaturation, "evidence: \(incident.candidates.first?.evidence.map(\.summary) ?? [])")
    }
}
