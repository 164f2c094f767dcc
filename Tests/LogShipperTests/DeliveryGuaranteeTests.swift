import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The shipper's promise, checked with the real binaries: every event written reaches the analyzer,
/// across kill -9, rotation and an analyzer outage, and duplicates are absorbed by event_id.
@Suite(.serialized) struct DeliveryGuaranteeTests {
    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func everyEventArrivesAcrossKillNineAndRotation() async throws {
        let harness = try ProcessHarness("kill9")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }

        var expected = Set<String>()
        var shipper = try harness.startShipper(analyzerPort: port)
        defer { ProcessHarness.stopIfRunning(shipper) }
        var next = 0
        // Five rounds: write a burst (canonical and plain lines), kill -9 the shipper at a moment it is
        // busy, rotate the file every other round, restart.
        for round in 0..<5 {
            var lines: [String] = []
            for _ in 0..<400 {
                next += 1
                let id = "e2e-\(next)"
                expected.insert(id)
                lines.append(ProcessHarness.canonicalLine(id))
            }
            try harness.appendLines(lines, to: "app.log")
            if round.isMultiple(of: 2) {
                // A file rotated away while the shipper is down can only be found again through its
                // checkpoint (app.log.N does not match the glob): let one batch of it be acknowledged.
                let firstOfRound = "e2e-\(next - 399)"
                try await ProcessHarness.waitUntil("a batch of round \(round) acknowledged") {
                    try await harness.storedEventIDs().contains(firstOfRound)
                }
            } else {
                try await Task.sleep(for: .milliseconds(50 + 40 * round))
            }
            ProcessHarness.kill9(shipper)
            if round.isMultiple(of: 2) {
                let logs = harness.directory + "/logs/"
                // Rename rotation while the shipper is down: app.log.N no longer matches '*.log'. (Rotated
                // files are kept: deleting one before it was read is loss no shipper can prevent.)
                try FileManager.default.moveItem(atPath: logs + "app.log", toPath: logs + "app.log.\(round)")
            }
            shipper = try harness.startShipper(analyzerPort: port)
        }

        do {
            try await ProcessHarness.waitUntil("all \(expected.count) events stored") {
                try await Set(harness.storedEventIDs()).isSuperset(of: expected)
            }
        } catch {
            let stored = try await harness.storedEventIDs()
            Issue.record("\(error): \(stored.count) stored; shipper log:\n\(harness.log("shipper.log").suffix(3000))\nanalyzer log:\n\(harness.log("analyzer.log").suffix(2000))")
            return
        }
        let stored = try await harness.storedEventIDs()
        #expect(Set(stored) == expected, "missing: \(expected.subtracting(stored).sorted().prefix(5))")
        #expect(stored.count == expected.count)
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func plainLinesReadTwiceAfterKillNineAreStoredOnce() async throws {
        let harness = try ProcessHarness("plain")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }

        try harness.appendLines((1...300).map { "2026-11-25 10:00:00 WARN plain line number \($0)" }, to: "legacy.log")
        let first = try harness.startShipper(analyzerPort: port)
        try await Task.sleep(for: .milliseconds(300))
        ProcessHarness.kill9(first)
        // Forget the checkpoint entirely: everything is read and sent again with the same derived ids.
        try? FileManager.default.removeItem(atPath: harness.stateDirectory)
        try harness.appendLines((301...400).map { "2026-11-25 10:00:00 WARN plain line number \($0)" }, to: "legacy.log")
        let second = try harness.startShipper(analyzerPort: port)
        defer { _ = ProcessHarness.terminate(second) }

        try await ProcessHarness.waitUntil("400 plain lines stored") { try await harness.storedEventIDs().count >= 400 }
        try await Task.sleep(for: .milliseconds(500))
        let stored = try await harness.storedEventIDs()
        #expect(stored.count == 400)
        #expect(stored.allSatisfy { $0.hasPrefix("ls-") })
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func eventsWrittenDuringAnAnalyzerOutageArriveWhenItReturns() async throws {
        let harness = try ProcessHarness("outage")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let metricsPort = ProcessHarness.freePort()
        // A tiny spool, so the outage also fills it and reading pauses (back-pressure, not loss).
        let shipper = try harness.startShipper(
            analyzerPort: port, metricsPort: metricsPort,
            extra: ["--set", "spool.max_bytes=65536", "--set", "batch.max_bytes=4096", "--set", "batch.compression_level=0"])
        defer { ProcessHarness.stopIfRunning(shipper) }
        var expected = Set<String>()
        for index in 1...600 { expected.insert("outage-\(index)") }
        try harness.appendLines(expected.sorted().map { ProcessHarness.canonicalLine($0, message: String(repeating: "x", count: 200)) }, to: "app.log")

        try ProcessHarness.waitUntil("the spool to fill") {
            let metrics = try? String(contentsOf: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!, encoding: .utf8)
            // The sample line, not the # HELP text that describes it.
            return metrics?.split(separator: "\n").contains { $0.hasPrefix("logshipper_spool_full 1") } ?? false
        }
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(metricsPort)/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 503)
        #expect(String(decoding: body, as: UTF8.self).contains("spool full"))
        #expect(harness.log("shipper.log").contains("is the analyzer running?"))
        // Its own log has numbers as numbers (typed), not strings.
        #expect(harness.log("shipper.log").contains(try Regex(#""delivery_attempt":[0-9]+[,}]"#)), "\(harness.log("shipper.log").suffix(600))")
        #expect(harness.log("shipper.log").contains(try Regex(#""retry_in_ms":[0-9]+[,}]"#)))

        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }
        try await ProcessHarness.waitUntil("all events after the outage") {
            try await Set(harness.storedEventIDs()).isSuperset(of: expected)
        }
        #expect(ProcessHarness.terminate(shipper) == 0)
        #expect(try await harness.storedEventIDs().count == expected.count)
    }

    /// Prometheus by the book: every exported metric has `# HELP` and `# TYPE`, the loss counters
    /// that alerts watch exist at 0 before any loss, and `logshipper_build_info` says the version.
    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func metricsAreDocumentedAndLossCountersStartAtZero() async throws {
        let harness = try ProcessHarness("metrics")
        defer { harness.cleanUp() }
        let metricsPort = ProcessHarness.freePort()
        let shipper = try harness.startShipper(analyzerPort: ProcessHarness.freePort(), metricsPort: metricsPort)
        defer { ProcessHarness.stopIfRunning(shipper) }
        var exposition = ""
        try ProcessHarness.waitUntil("the metrics endpoint") {
            exposition = (try? String(contentsOf: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!, encoding: .utf8)) ?? ""
            return exposition.contains("logshipper_spool_bytes")
        }
        let lines = exposition.split(separator: "\n").map(String.init)
        let typed = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(typed.count >= 15, "only \(typed.count) metrics exported")
        for name in typed {
            #expect(lines.contains { $0.hasPrefix("# HELP \(name) ") && $0.count > "# HELP \(name) ".count + 10 }, "\(name) has no # HELP line")
        }
        #expect(lines.contains(#"logshipper_events_dead_lettered_total{reason="retries_exhausted"} 0"#))
        #expect(lines.contains(#"logshipper_events_dropped_total{reason="receiver_invalid"} 0"#))
        #expect(lines.contains { $0.hasPrefix(#"logshipper_build_info{version=""#) && $0.hasSuffix("} 1.0") })
        let check = try PrometheusExpositionCheck.run(exposition)
        #expect(check.status == 0, "prometheus-client's parser (scripts/setup.sh installs it): \(check.report)")
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func sigtermDeliversWhatWasReadSavesTheCheckpointAndExitsZero() async throws {
        let harness = try ProcessHarness("sigterm")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }
        try harness.appendLines((1...50).map { ProcessHarness.canonicalLine("term-\($0)") }, to: "app.log")
        let shipper = try harness.startShipper(analyzerPort: port)
        defer { ProcessHarness.stopIfRunning(shipper) }
        try await ProcessHarness.waitUntil("50 events stored") { try await harness.storedEventIDs().count == 50 }
        #expect(ProcessHarness.terminate(shipper) == 0)
        let checkpoint = try String(contentsOfFile: harness.stateDirectory + "/checkpoint.json", encoding: .utf8)
        let size = try FileManager.default.attributesOfItem(atPath: harness.directory + "/logs/app.log")[.size] as! Int
        #expect(checkpoint.contains("\"offset\":\(size)"))
        #expect(harness.log("shipper.log").contains("logshipper stopped"))
    }
}

/// A full disk under the state directory: a clear error naming the file, and nothing lost once fixed.
@Suite(.serialized) struct FullDiskTests {
    @Test(.enabled(if: ProcessHarness.executablesExist && FileManager.default.fileExists(atPath: "/dev/full"),
                   "needs the executables and /dev/full"))
    func aSpoolOnAFullDiskStopsWithTheReasonAndLosesNothing() async throws {
        let harness = try ProcessHarness("full-disk")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }
        // The spool's first segment lives on a "disk" that is always full: every write fails with ENOSPC.
        try FileManager.default.createDirectory(atPath: harness.stateDirectory + "/spool", withIntermediateDirectories: true)
        let segment = harness.stateDirectory + "/spool/segment-000000000001.spool"
        try FileManager.default.createSymbolicLink(atPath: segment, withDestinationPath: "/dev/full")
        try harness.appendLines((1...20).map { ProcessHarness.canonicalLine("full-\($0)") }, to: "app.log")

        let failing = try harness.startShipper(analyzerPort: port)
        failing.waitUntilExit()
        #expect(failing.terminationStatus != 0)
        let log = harness.log("shipper.log")
        #expect(log.contains("No space left on device"))
        #expect(log.contains("segment-000000000001.spool"))
        #expect(try await harness.storedEventIDs().isEmpty)

        // The operator frees space (here: removes the full device) and restarts: everything arrives.
        try FileManager.default.removeItem(atPath: segment)
        let shipper = try harness.startShipper(analyzerPort: port)
        defer { _ = ProcessHarness.terminate(shipper) }
        try await ProcessHarness.waitUntil("20 events after the disk was fixed") { try await harness.storedEventIDs().count == 20 }
    }
}
