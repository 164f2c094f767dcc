import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// A leak that reaches a ceiling (a heap limit, swap) and stays there while the incident goes on is
/// still a leak: seen in the shop demo left running, where pricing's memory climbed from 50 MB to
/// 1.6 GB in three minutes, stayed flat for seven, and the kind turned to resource_exhaustion.
@Suite struct MemoryCeilingTests {
    @Test func aLeakThatReachedItsCeilingKeepsItsKind() throws {
        var spec = try #require(ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false).first { $0.name.hasPrefix("memory_leak-") })
        spec.fault?.durationSeconds *= 3
        spec.durationSeconds += try #require(spec.fault).durationSeconds / 2
        let scenario = ScenarioGenerator.generate(spec)
        let label = try #require(scenario.label)
        let fault = label.faultStart.microsecondsSinceEpoch
        let samples = scenario.events.compactMap { event -> Double? in
            guard event.service == label.rootCauseService, case .resource(let sample) = event.payload else { return nil }
            return sample.memoryMB
        }
        let start = try #require(samples.first), top = try #require(samples.max())
        // The memory stops an eighth of the way up: flat for most of the fault.
        let ceiling = start + (top - start) / 8
        let events = scenario.events.map { event -> Event in
            guard event.service == label.rootCauseService, event.timestamp.microsecondsSinceEpoch > fault,
                case .resource(var sample) = event.payload
            else { return event }
            sample.memoryMB = min(sample.memoryMB, ceiling)
            var capped = event
            capped.payload = .resource(sample)
            return capped
        }
        let incident = try #require(IncidentAnalyzer().incidents(in: Observations(events: events)).first)
        #expect(incident.rootCause.service == label.rootCauseService)
        #expect(incident.rootCause.kind == .memoryLeak, "kind \(incident.rootCause.kind.rawValue); evidence \(incident.candidates.first?.evidence.map(\.signal) ?? [])")
        #expect(incident.candidates.first?.evidence.contains { $0.signal == "memory_growth" } == true)
    }
}
