import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceLog
import Testing

/// The shipper's side of the hardening issue, with the real binaries: every line the analyzer refuses
/// is dead-lettered with its reason (not 10 of them and a counter), and `/health` says degraded when
/// every delivery fails, also when the failures empty the spool.
@Suite(.serialized) struct HardeningShippingTests {
    static func health(_ port: Int) async throws -> (status: Int, body: [String: Any]) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    static func deadLetters(_ harness: ProcessHarness) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: harness.stateDirectory + "/dead-letter.ndjson", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func everyLineTheAnalyzerRefusesIsDeadLetteredWithItsReason() async throws {
        let harness = try ProcessHarness("refused-lines")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let metricsPort = ProcessHarness.freePort()
        // The analyzer takes shorter lines than the shipper: 50 of the 60 lines are refused, all in one batch.
        let analyzer = try harness.startAnalyzer(port: port, extra: ["--max-line-bytes", "400"])
        defer { _ = ProcessHarness.terminate(analyzer) }
        let shipper = try harness.startShipper(analyzerPort: port, metricsPort: metricsPort, extra: ["--set", "batch.max_age_ms=2000"])
        defer { ProcessHarness.stopIfRunning(shipper) }
        var lines: [String] = []
        for index in 0..<60 {
            let long = index % 6 != 0
            lines.append(ProcessHarness.canonicalLine("line-\(index)", message: long ? String(repeating: "x", count: 500) : "short"))
        }
        try harness.appendLines(lines, to: "app.log")
        try await ProcessHarness.waitUntil("the 10 short lines stored and 50 lines dead-lettered") {
            try await harness.storedEventIDs().count == 10 && Self.deadLetters(harness).count == 50
        }
        let letters = Self.deadLetters(harness)
        let ids = Set(letters.compactMap { ($0["event"] as? [String: Any])?["event_id"] as? String })
        #expect(ids == Set((0..<60).filter { $0 % 6 != 0 }.map { "line-\($0)" }))
        for letter in letters {
            let reason = letter["reason"] as? String ?? ""
            #expect(reason.hasPrefix("receiver refused the line: line is "), "\(reason)")
            #expect(reason.hasSuffix("over the 400-byte limit"), "\(reason)")
        }
        let (_, health) = try await Self.health(metricsPort)
        let statistics = try #require(health["statistics"] as? [String: Any])
        #expect((statistics["eventsDropped"] as? [String: Any])?.isEmpty ?? true, "lines were dropped: \(statistics)")
        #expect((statistics["eventsDeadLettered"] as? [String: Int])?["http_200"] == 50)
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func healthIsDegradedWhileEveryDeliveryFailsEvenWhenTheSpoolEmpties() async throws {
        let harness = try ProcessHarness("health")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let metricsPort = ProcessHarness.freePort()
        // Every line is over the analyzer's limit: each batch gets 400 and is dead-lettered, so nothing
        // stays spooled and the acknowledgement lag stays 0, yet no delivery succeeds.
        let analyzer = try harness.startAnalyzer(port: port, extra: ["--max-line-bytes", "300"])
        defer { _ = ProcessHarness.terminate(analyzer) }
        let shipper = try harness.startShipper(
            analyzerPort: port, metricsPort: metricsPort, extra: ["--set", "health.delivery_failure_seconds=2"])
        defer { ProcessHarness.stopIfRunning(shipper) }
        try await ProcessHarness.waitUntil("the shipper's health endpoint") { (try? await Self.health(metricsPort)) != nil }
        #expect(try await Self.health(metricsPort).status == 200)
        let failing = Task {
            for index in 0..<40 {
                try harness.appendLines([ProcessHarness.canonicalLine("big-\(index)", message: String(repeating: "y", count: 400))], to: "app.log")
                try await Task.sleep(for: .milliseconds(150))
            }
        }
        try await ProcessHarness.waitUntil("/health degraded") { try await Self.health(metricsPort).status == 503 }
        failing.cancel()
        let (_, degraded) = try await Self.health(metricsPort)
        let problems = degraded["problems"] as? [String] ?? []
        #expect(problems.contains { $0.hasPrefix("every delivery has failed for") && $0.contains("threshold 2 s") }, "\(problems)")
        #expect(degraded["status"] as? String == "degraded")
        // One delivery that works clears it.
        try harness.appendLines([ProcessHarness.canonicalLine("small")], to: "app.log")
        try await ProcessHarness.waitUntil("/health ok again") { try await Self.health(metricsPort).status == 200 }
        #expect(try await harness.storedEventIDs().contains("small"))
    }
}
