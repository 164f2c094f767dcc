import Foundation
import ShipperCore
import ShipperHTTPSink
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Delivery over https to a real TLS server (Python's http.server with a self-signed certificate made by
/// the openssl CLI): trusted through `caFile`, refused without it, accepted with `insecureSkipVerify`.
@Suite(.serialized) struct HTTPSinkTLSTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let toolsPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")

    /// A self-signed certificate for 127.0.0.1 and a server using it; stops the server when done.
    static func withServer(_ body: (_ port: Int, _ certificate: String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sink-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a certificate")

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [fixtures.appendingPathComponent("https_server.py").path, certificate, key]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer {
            // SIGKILL: the test process may run with SIGTERM ignored, which children inherit.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let firstLine = String(decoding: output.fileHandleForReading.availableDataLine(), as: UTF8.self)
        let port = try #require(Int(firstLine.trimmingCharacters(in: .whitespacesAndNewlines)), "the server printed '\(firstLine)'")
        try await body(port, certificate)
    }

    static let payload = BatchPayload.ndjson(#"{"timestamp":"2026-11-25T10:00:00.000000Z","level":"info","service":"s","event_type":"log","message":"m"}"# + "\n")

    @Test(.enabled(if: toolsPresent, "needs /usr/bin/openssl and /usr/bin/python3 (scripts/setup.sh installs them)"))
    func aTrustedCertificateIsAcceptedAnUntrustedOneRefusedWithTheReason() async throws {
        try await Self.withServer { port, certificate in
            let trusted = try SinkRunner(HTTPSinkConfiguration(endpoint: "https://127.0.0.1:\(port)", caFile: certificate))
            guard case .acknowledged(let status, let response) = await trusted.deliver(Self.payload) else {
                Issue.record("a certificate trusted through caFile must be accepted")
                return
            }
            #expect(status == 200)
            #expect(response.contains("\"accepted\":1"))

            let untrusted = try SinkRunner(HTTPSinkConfiguration(endpoint: "https://127.0.0.1:\(port)"))
            let refused = await untrusted.deliver(Self.payload)
            guard case .retryable(let reason, _) = refused else {
                Issue.record("a self-signed certificate without caFile must not be accepted: \(refused)")
                return
            }
            #expect(reason.lowercased().contains("certificate"), "\(reason)")

            let insecure = try SinkRunner(HTTPSinkConfiguration(endpoint: "https://127.0.0.1:\(port)", insecureSkipVerify: true))
            guard case .acknowledged = await insecure.deliver(Self.payload) else {
                Issue.record("insecureSkipVerify must accept any certificate")
                return
            }
        }
    }
}

extension FileHandle {
    /// Reads byte by byte up to and including the first newline (the server's port line).
    func availableDataLine() -> Data {
        var line = Data()
        while true {
            let byte = readData(ofLength: 1)
            if byte.isEmpty { return line }
            line.append(byte)
            if byte.first == 0x0A { return line }
        }
    }
}
