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
}
