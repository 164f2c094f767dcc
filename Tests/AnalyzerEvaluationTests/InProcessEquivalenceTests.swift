import AnalyzerCore
import AnalyzerEvaluation
import Foundation
import ServiceLog
import Testing

/// The in-process scorer sees exactly what a user of the CLI sees: the same scenario through
/// `analyzer ingest` and `analyzer incidents --json` (real processes, a real SQLite store) gives the
/// same bytes as ``InProcessIncidents``.
@Suite struct InProcessEquivalenceTests {
    static let analyzerPath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("analyzer")
        .path
    static var analyzerExists: Bool { FileManager.default.isExecutableFile(atPath: analyzerPath) }

    @Test(.enabled(if: analyzerExists, "needs the analyzer executable (swift build --build-tests)"))
    func theCLIPrintsWhatTheInProcessPathComputes() async throws {
        // A fault users feel, with lines written twice (same and new event IDs) and lost correlation
        // IDs, so that de-duplication and ordering are exercised too.
        let realism = Realism(
            symptoms: true, clientErrors: ClientErrors(unauthorizedRate: 0.01, notFoundRate: 0.01),
            herrings: [
                .duplicates(rate: 0.03, sameIDShare: 0.5), .noisyLogger(service: "orders", everySeconds: 10, variant: 0, inRequests: false),
            ])
        let spec = Fixtures.spec(
            .errors, in: "orders", realism: realism, healthy: 180, faultSeconds: 120, intensity: 1,
            noise: NoiseOptions(missingCorrelationRate: 0.02, dropRate: 0.01))
        let scenario = ScenarioGenerator.generate(spec)
        let inProcess = try await InProcessIncidents().incidentsJSON(for: scenario)
        let cli = try await CLIIncidents(analyzerPath: Self.analyzerPath).incidentsJSON(for: scenario)
        #expect(String(decoding: cli, as: UTF8.self) == String(decoding: inProcess, as: UTF8.self))
        let answers = try IncidentAnswer.decodeAll(cli)
        #expect(!answers.isEmpty, "the fault raises an incident, so the comparison covers one")
    }

    @Test func theStoredViewKeepsOneCopyPerEventIDInFileOrder() {
        let scenario = ScenarioGenerator.generate(
            Fixtures.spec(
                nil, realism: Realism(herrings: [.duplicates(rate: 0.05, sameIDShare: 1)]), healthy: 60))
        let view = InProcessIncidents.storedView(of: scenario.events)
        let ids = view.compactMap(\.eventID)
        #expect(Set(ids).count == ids.count)
        #expect(view.count < scenario.events.filter { Observations.eventTypes.contains($0.eventType) }.count)
        #expect(!view.contains { $0.eventType == .requestStart })
        #expect(
            view == view.sorted { $0.timestamp < $1.timestamp } || zip(view, view.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
    }
}
