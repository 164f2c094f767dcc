import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `analyzer serve` on a port that is taken: the message names the address and the flag, and nothing
/// is created (the store comes after the port).
@Suite struct AnalyzerServeStartupTests {
    /// A socket listening on a free loopback port; closed by `close(fd)`.
    static func occupyPort() -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 8)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer executable (swift build --build-tests)"))
    func portInUseNamesAddressAndFlagAndCreatesNothing() throws {
        let harness = try ProcessHarness("port-in-use")
        defer { harness.cleanUp() }
        let (fd, port) = Self.occupyPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessHarness.analyzerPath)
        process.arguments = ["serve", "--store", harness.storePath, "--port", "\(port)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        close(fd)
        #expect(process.terminationStatus != 0)
        #expect(text.contains("cannot listen on 127.0.0.1:\(port) (--host/--port): the address is already in use"), "\(text)")
        #expect(!text.contains("bind(descriptor:"))
        #expect(!FileManager.default.fileExists(atPath: harness.storePath))

        // Once the port is free the same command serves (the check let go of the port it tried).
        let analyzer = try harness.startAnalyzer(port: port)
        defer { _ = ProcessHarness.terminate(analyzer) }
        #expect(FileManager.default.fileExists(atPath: harness.storePath))
    }

    /// The lines of an `analyzer serve` log, each as a JSON object (its own log is canonical events).
    static func logLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test(
        "serve logs its start and stop with typed values, and --log-level (or ANALYZER_LOG_LEVEL) silences them",
        .enabled(if: ProcessHarness.executablesExist, "needs the analyzer executable (swift build --build-tests)"))
    func startAndStopLinesFollowTheLogLevel() throws {
        let harness = try ProcessHarness("own-log")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let analyzer = try harness.startAnalyzer(port: port, extra: ["--log-level", "notice"])
        defer { ProcessHarness.stopIfRunning(analyzer) }
        #expect(ProcessHarness.terminate(analyzer) == 0)
        let lines = Self.logLines(harness.log("analyzer.log"))
        let started = try #require(lines.first { $0["message"] as? String == "analyzer started" }, "\(lines)")
        #expect(started["level"] as? String == "notice")
        #expect(started["port"] as? Int == port, "the port is a number: \(started)")
        #expect(started["authentication"] as? String == "none")
        #expect(started["listen_host"] as? String == "127.0.0.1")
        #expect(started["store"] as? String == harness.storePath)
        let stopped = try #require(lines.first { $0["message"] as? String == "analyzer stopped" }, "\(lines)")
        #expect(stopped["stored_events"] as? Int == 0)
        #expect(!lines.contains { $0["level"] as? String == "info" }, "notice hides info lines: \(lines)")

        // The level from the environment, as every flag: warning leaves neither line.
        let quietPort = ProcessHarness.freePort()
        let quiet = try harness.launch(
            ProcessHarness.analyzerPath, ["serve", "--store", harness.storePath, "--port", "\(quietPort)"], log: "quiet.log",
            environment: ["ANALYZER_LOG_LEVEL": "warning"])
        defer { ProcessHarness.stopIfRunning(quiet) }
        try ProcessHarness.waitUntil("analyzer listening on \(quietPort)") { ProcessHarness.canConnect(port: quietPort) }
        #expect(ProcessHarness.terminate(quiet) == 0)
        let quietLines = Self.logLines(harness.log("quiet.log"))
        #expect(!quietLines.contains { $0["message"] as? String == "analyzer started" }, "\(quietLines)")
        #expect(!quietLines.contains { $0["message"] as? String == "analyzer stopped" }, "\(quietLines)")
    }
}
