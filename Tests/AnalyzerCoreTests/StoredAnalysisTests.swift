import AnalyzerCore
import AnalyzerEvaluation
import Foundation
import ServiceLog
import Testing

/// Analyses kept in the store: `diagnose` reuses a current one and analyses again when events landed
/// in its window after it ran.
@Suite struct StoredAnalysisTests {
    static func store() throws -> (SQLiteEventStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stored-analysis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("events.sqlite").path
        return (try SQLiteEventStore(path: path), directory.path)
    }

    static func event(at micros: Int64, _ id: String) -> Event {
        Event(timestamp: Timestamp(microsecondsSinceEpoch: micros), level: .info, service: "orders", payload: .log, message: id, eventID: id)
    }

    @Test func anAnalysisIsCurrentUntilAnEventLandsInItsWindow() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await store.insert([Self.event(at: 1_000, "a"), Self.event(at: 5_000, "b")])
        try await store.save(StoredAnalysis(from: 0, until: 10_000, services: ["orders"], incidents: []))
        #expect(try await store.currentAnalysis(covering: 2_000, until: 3_000)?.services == ["orders"])
        #expect(try await store.currentAnalysis(covering: 2_000, until: 20_000) == nil, "the window must hold the whole request")

        _ = try await store.insert([Self.event(at: 50_000, "later, outside")])
        #expect(try await store.currentAnalysis(covering: 2_000, until: 3_000) != nil, "events after the window change nothing")
        _ = try await store.insert([Self.event(at: 7_000, "late, inside")])
        #expect(try await store.currentAnalysis(covering: 2_000, until: 3_000) == nil, "a late event inside makes it stale")
    }

    @Test func diagnoseAnalysesOnceAndThenReusesTheKeptAnalysis() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spec = try #require(ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false).first { $0.name.hasPrefix("errors") })
        spec.requestsPerSecond = 2.5
        let scenario = ScenarioGenerator.generate(spec)
        for start in stride(from: 0, to: scenario.events.count, by: 5000) {
            _ = try await store.insert(Array(scenario.events[start..<min(start + 5000, scenario.events.count)]))
        }
        let first = try await IncidentAnalyzer().incidents(in: Observations(events: scenario.events)).first
        let id = try #require(first?.correlationIDs.first)
        let trace = try #require(try await Correlator(store: store).trace(id: id))

        let fresh = try await IncidentsAroundRequest().find(for: trace, in: store)
        #expect(!fresh.reused)
        #expect(fresh.analysis.incidents.first?.rootCause.service == scenario.label?.rootCauseService)
        let again = try await IncidentsAroundRequest().find(for: trace, in: store)
        #expect(again.reused)
        #expect(again.analysis == fresh.analysis)
    }
}
