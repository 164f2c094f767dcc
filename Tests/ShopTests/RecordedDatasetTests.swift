import AnalyzerCore
import Foundation
import ShopKit
import Testing
import TestSupport

/// `Examples/Shop/recorded/shop-memory-leak.ndjson.gz` (written by `shop demo --record`) is there so
/// that `analyzer ingest` + `analyzer incidents` can be tried without starting anything. This runs
/// exactly those two commands and checks the story's answer comes out.
@Suite("Shop recorded data set")
struct RecordedDatasetTests {
    static let dataset = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/Shop/recorded/shop-memory-leak.ndjson.gz").path
    static let analyzer = ShopEndToEndTests.binaries.analyzer

    @Test("ingest + incidents on the recording name pricing's memory leak",
          .enabled(if: FileManager.default.isExecutableFile(atPath: RecordedDatasetTests.analyzer), "needs `swift build --build-tests` to have built analyzer"))
    func recordingShowsTheStory() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("recorded-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) } }
        let ingest = try Self.run(["ingest", "--store", store, Self.dataset])
        #expect(ingest.status == 0, "analyzer ingest failed: \(ingest.output)")
        let listed = try Self.run(["incidents", "--store", store, "--json"])
        #expect(listed.status == 0)
        let incidents = try JSONDecoder().decode([Incident].self, from: Data(listed.output.utf8))
        let first = try #require(incidents.first, "no incident in the recording")
        #expect(first.rootCause.service == "pricing")
        #expect(first.rootCause.kind == .memoryLeak)
        #expect(!first.correlationIDs.isEmpty)
    }

    static func run(_ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(analyzer, arguments, errors: .discarded)
    }
}
