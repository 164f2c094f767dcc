import AnalyzerCore
import Foundation
import Gzip
import ServiceLog
import Testing
import TestSupport

/// `analyzer ingest` run as a process, as a user would: exit codes, messages and what ends up stored.
@Suite struct IngestCommandTests {
    /// The `analyzer` executable built next to this test bundle, if it was built.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("analyzer")

    static var executableExists: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    static func analyzer(_ arguments: [String], stdin: Data? = nil) throws -> ChildProcess.Outcome {
        try ChildProcess.run(executable.path, arguments, errors: .separate, input: stdin ?? Data())
    }

    static func line(_ id: String) -> String {
        Event(timestamp: Timestamp(microsecondsSinceEpoch: 1_795_000_000_000_000), level: .info, service: "s", payload: .log,
              message: "m", eventID: id, correlationID: "req-1").jsonLine()
    }

    @Test(.enabled(if: executableExists, "needs the analyzer executable (swift build --build-tests)"))
    func loadsValidLinesReportsInvalidOnesAndExits1() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("analyzer-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("events.sqlite").path
        let plain = directory.appendingPathComponent("a.ndjson").path
        try Data((Self.line("e1") + "\n{oops\n" + Self.line("e2") + "\n").utf8).write(to: URL(fileURLWithPath: plain))
        let gzipped = directory.appendingPathComponent("b.gz").path
        try Data(try Gzip.compress(Array((Self.line("e2") + "\n" + Self.line("e3") + "\n").utf8))).write(to: URL(fileURLWithPath: gzipped))

        let first = try Self.analyzer(["ingest", "--store", store, plain, gzipped])
        #expect(first.status == 1)
        #expect(first.output.contains("\(plain): 3 lines: 2 inserted, 0 duplicates, 1 invalid"))
        #expect(first.output.contains("\(plain):2: not valid JSON"))
        #expect(first.output.contains("\(gzipped): 2 lines: 1 inserted, 1 duplicates, 0 invalid"))

        // All valid, from standard input: exit 0, and nothing stored twice.
        let second = try Self.analyzer(["ingest", "--store", store, "-"], stdin: Data((Self.line("e3") + "\n" + Self.line("e4") + "\n").utf8))
        #expect(second.status == 0)
        #expect(second.output.contains("stdin: 2 lines: 1 inserted, 1 duplicates, 0 invalid"))
        let events = try await SQLiteEventStore(path: store).events(correlationID: "req-1")
        #expect(events.compactMap(\.eventID) == ["e1", "e2", "e3", "e4"])
    }

    @Test(.enabled(if: executableExists, "needs the analyzer executable (swift build --build-tests)"))
    func namesTheBadArgument() throws {
        let missing = try Self.analyzer(["ingest", "--store", "/tmp/unused.sqlite", "/nonexistent/events.ndjson"])
        #expect(missing.status == 64)
        #expect(missing.errors.contains("FILE '/nonexistent/events.ndjson' does not exist"))
        let badStore = try Self.analyzer(["ingest", "--store", "/nonexistent/dir/x.sqlite", "-"])
        #expect(badStore.status == 64)
        #expect(badStore.errors.contains("--store '/nonexistent/dir/x.sqlite': directory '/nonexistent/dir' does not exist"))
    }
}
