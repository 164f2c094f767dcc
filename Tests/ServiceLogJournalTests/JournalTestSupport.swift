import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for tests that talk to a real systemd-journald (started by `scripts/start-journald.sh`).
enum Journald {
    static let socketPath = "/run/systemd/journal/socket"

    /// `SERVICELOG_SKIP_JOURNALD=1` skips the journald tests; otherwise a missing journald fails them,
    /// so a machine without one cannot pass silently.
    static let skipRequested = ProcessInfo.processInfo.environment["SERVICELOG_SKIP_JOURNALD"] == "1"

    /// Fails the current test with instructions when journald's socket is missing, or is left over from a
    /// journald that no longer runs (then every send fails with `ECONNREFUSED`).
    static func requireRunning(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let hint = "run `sudo scripts/start-journald.sh` first (or set SERVICELOG_SKIP_JOURNALD=1 to skip the journald tests)"
        try #require(
            FileManager.default.fileExists(atPath: socketPath), "\(socketPath) does not exist: \(hint)",
            sourceLocation: sourceLocation)
        try #require(isListening(), "no journald is listening on \(socketPath): \(hint)", sourceLocation: sourceLocation)
    }

    /// Whether a datagram socket can connect to journald's socket: connecting to a socket file nobody
    /// has open fails with `ECONNREFUSED`.
    static func isListening() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            let bytes = Array(socketPath.utf8)
            path.copyBytes(from: bytes)
            path[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }

    /// A `SYSLOG_IDENTIFIER` no earlier run used, so reads see only this test's entries.
    static func uniqueIdentifier(_ prefix: String = "journal-test") -> String {
        "\(prefix)-\(UInt64.random(in: 0..<UInt64.max))"
    }

    /// Reads the entries with `SYSLOG_IDENTIFIER=identifier`, polling until at least `count` arrived or
    /// 10 s passed (journald stores entries asynchronously). Values are strings; `--all` keeps fields over
    /// 4096 bytes, which `journalctl -o json` otherwise prints as `null`.
    static func entries(identifier: String, atLeast count: Int) async throws -> [[String: String]] {
        let deadline = ContinuousClock.now + .seconds(10)
        var found: [[String: String]] = []
        while true {
            found = try readEntries(identifier: identifier)
            if found.count >= count || ContinuousClock.now >= deadline { return found }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private static func readEntries(identifier: String) throws -> [[String: String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        process.arguments = ["-o", "json", "--all", "--no-pager", "SYSLOG_IDENTIFIER=\(identifier)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read before waiting: a 200 KB entry does not fit the pipe buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var result: [[String: String]] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            var entry: [String: String] = [:]
            for (key, value) in object {
                if let text = value as? String {
                    entry[key] = text
                } else if let bytes = value as? [NSNumber] {
                    // journalctl writes values that are not valid UTF-8 (or contain control characters)
                    // as byte arrays.
                    entry[key] = String(decoding: bytes.map { $0.uint8Value }, as: UTF8.self)
                }
            }
            result.append(entry)
        }
        return result
    }
}
