import AnalyzerCore
import Foundation
import ServiceLog

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// Runs the real `analyzer` and `logshipper` executables (built next to this test bundle by
/// `swift build --build-tests`) as a user would, over loopback, with real files.
struct ProcessHarness {
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let analyzerPath = binaries.appendingPathComponent("analyzer").path
    static let shipperPath = binaries.appendingPathComponent("logshipper").path
    static var executablesExist: Bool {
        FileManager.default.isExecutableFile(atPath: analyzerPath) && FileManager.default.isExecutableFile(atPath: shipperPath)
    }

    let directory: String

    init(_ name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("logshipper-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    var storePath: String { directory + "/events.sqlite" }
    var stateDirectory: String { directory + "/state" }

    /// A port nothing listens on right now.
    static func freePort() -> Int {
        LoopbackPort.free()
    }

    /// Starts a process with stdout and stderr appended to `log`.
    /// `environment` is added to this process's own.
    func launch(_ path: String, _ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        }
        FileManager.default.createFile(atPath: directory + "/" + log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/" + log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func startAnalyzer(port: Int, extra: [String] = []) throws -> Process {
        let process = try launch(Self.analyzerPath, ["serve", "--store", storePath, "--port", "\(port)"] + extra, log: "analyzer.log")
        try Self.waitUntil("analyzer listening on \(port)") { Self.canConnect(port: port) }
        return process
    }

    func startShipper(analyzerPort: Int, metricsPort: Int? = nil, extra: [String] = []) throws -> Process {
        try launch(
            Self.shipperPath,
            ["--file", directory + "/logs/*.log", "--to", "http://127.0.0.1:\(analyzerPort)", "--state-dir", stateDirectory,
             "--service", "legacy", "--metrics-listen", metricsPort.map { "127.0.0.1:\($0)" } ?? "off",
             "--set", "batch.max_age_ms=50", "--set", "retry.cap_ms=300", "--set", "files.rotate_wait_ms=300"] + extra,
            log: "shipper.log")
    }

    /// Event IDs stored by the analyzer (it drops duplicates by event_id, so this is a set).
    func storedEventIDs() async throws -> [String] {
        guard FileManager.default.fileExists(atPath: storePath) else { return [] }
        let store = try SQLiteEventStore(path: storePath)
        return try await store.events(matching: EventQuery()).compactMap(\.eventID)
    }

    func appendLines(_ lines: [String], to name: String) throws {
        let path = directory + "/logs/" + name
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    func log(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// Polls `condition` every 50 ms for up to `seconds` (generous: CI machines are slow).
    static func waitUntil(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        throw Timeout(what: what)
    }

    static func waitUntil(_ what: String, seconds: Double = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Timeout(what: what)
    }

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Leaves no process behind when a test fails half-way.
    static func stopIfRunning(_ process: Process) {
        if process.isRunning { kill9(process) }
    }

    static func terminate(_ process: Process) -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func canonicalLine(_ id: String, message: String = "m") -> String {
        Event(timestamp: .now(), level: .info, service: "orders", payload: .log, message: message, eventID: id).jsonLine()
    }
}
