import Foundation
import ServiceLog
import Testing
import TestSupport

/// `logshipper --journal` against the real standalone journald (scripts/start-journald.sh).
@Suite(.serialized) struct JournalShippingTests {
    static let skipJournald = ProcessInfo.processInfo.environment["SERVICELOG_SKIP_JOURNALD"] == "1"

    /// Writes `lines` to the journal with SYSLOG_IDENTIFIER=`identifier`, as a service under systemd would.
    static func journal(_ lines: [String], identifier: String) throws {
        let process = try ChildProcess.run("/usr/bin/systemd-cat", ["-t", identifier], input: Data(lines.map { $0 + "\n" }.joined().utf8))
        try #require(process.status == 0, "systemd-cat failed: is journald running? (scripts/start-journald.sh)")
    }

    @Test(.enabled(if: ProcessHarness.executablesExist && !skipJournald,
                   "needs the executables and a running journald (SERVICELOG_SKIP_JOURNALD=1 skips)"))
    func journalEntriesArriveAsEventsExactlyOnceAcrossKillNine() async throws {
        let harness = try ProcessHarness("journal")
        defer { harness.cleanUp() }
        let identifier = "shiptest-\(UInt32.random(in: 0...UInt32.max))"
        let port = ProcessHarness.freePort()
        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }
        let arguments = ["--journal", "--identifier", identifier]

        let canonical = ProcessHarness.canonicalLine("journal-canonical-1", message: "from ServiceLog")
        try Self.journal([canonical, "ERROR plain text from a legacy daemon"], identifier: identifier)
        let first = try harness.launch(
            ProcessHarness.shipperPath,
            arguments + ["--to", "http://127.0.0.1:\(port)", "--state-dir", harness.stateDirectory, "--metrics-listen", "off",
                         "--set", "batch.max_age_ms=50"], log: "shipper.log")
        try await ProcessHarness.waitUntil("2 journal events stored") { try await harness.storedEventIDs().count == 2 }
        ProcessHarness.kill9(first)

        try Self.journal((1...5).map { "line \($0) written while the shipper was dead" }, identifier: identifier)
        let second = try harness.launch(
            ProcessHarness.shipperPath,
            arguments + ["--to", "http://127.0.0.1:\(port)", "--state-dir", harness.stateDirectory, "--metrics-listen", "off",
                         "--set", "batch.max_age_ms=50"], log: "shipper.log")
        defer { _ = ProcessHarness.terminate(second) }
        try await ProcessHarness.waitUntil("7 journal events stored") { try await harness.storedEventIDs().count >= 7 }
        try await Task.sleep(for: .milliseconds(500))

        let store = try SQLiteEventStoreReader(path: harness.storePath)
        let events = try await store.all()
        #expect(events.count == 7)
        let passedThrough = events.first { $0.eventID == "journal-canonical-1" }
        #expect(passedThrough?.service == "orders")
        #expect(passedThrough?.message == "from ServiceLog")
        let legacy = events.first { $0.message == "ERROR plain text from a legacy daemon" }
        #expect(legacy?.level == .error)
        #expect(legacy?.service == identifier)
        #expect(legacy?.attributes["syslog_identifier"] == .string(identifier))
        #expect(legacy?.attributes["log_origin"] == .string("journald"))
    }
}
