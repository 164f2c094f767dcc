import CSystemd
import Foundation
import ShipperCore
import ShipperJournalSource
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for tests against the real systemd-journald started by `scripts/start-journald.sh`.
enum TestJournald {
    static let socketPath = "/run/systemd/journal/socket"

    /// `SERVICELOG_SKIP_JOURNALD=1` skips the journald tests; otherwise a missing journald fails them,
    /// so a machine without one cannot pass silently.
    static let skipRequested = ProcessInfo.processInfo.environment["SERVICELOG_SKIP_JOURNALD"] == "1"

    /// Fails the current test with instructions when no journald listens on its socket.
    static func requireRunning(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let hint = "run `sudo scripts/start-journald.sh` first (or set SERVICELOG_SKIP_JOURNALD=1 to skip the journald tests)"
        try #require(isListening(), "no journald is listening on \(socketPath): \(hint)", sourceLocation: sourceLocation)
    }

    /// Connecting a datagram socket fails with `ECONNREFUSED` when nobody has the socket file open.
    private static func isListening() -> Bool {
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

    /// A `SYSLOG_IDENTIFIER` no other test or run uses, so each test's match sees only its own entries.
    static func uniqueIdentifier(_ prefix: String = "jsource-test") -> String {
        "\(prefix)-\(UInt64.random(in: 0..<UInt64.max))"
    }

    /// Sends one entry with `sd_journal_sendv`; values may be binary (libsystemd picks the binary-safe
    /// encoding, and a memfd for large entries).
    static func send(_ fields: [(String, [UInt8])], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var buffers: [[UInt8]] = fields.map { Array($0.0.utf8) + [UInt8(ascii: "=")] + $0.1 }
        let result = buffers.withUnsafeMutableBufferPointer { buffers -> Int32 in
            var vectors = buffers.indices.map { index in
                buffers[index].withUnsafeMutableBytes { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
            }
            // The pointers stay valid: `buffers` is neither resized nor copied while sendv runs.
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
        try #require(result >= 0, "sd_journal_sendv: \(String(cString: strerror(-result)))", sourceLocation: sourceLocation)
    }

    /// Sends `MESSAGE=message` with `SYSLOG_IDENTIFIER=identifier` and `PRIORITY=priority`.
    static func send(identifier: String, message: String, priority: Int = 6, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try send(
            [("MESSAGE", Array(message.utf8)), ("SYSLOG_IDENTIFIER", Array(identifier.utf8)), ("PRIORITY", Array(String(priority).utf8))],
            sourceLocation: sourceLocation)
    }

    /// Reads from `source` until `count` records arrived or 20 s passed (journald stores entries
    /// asynchronously), then returns what it got.
    static func read(_ source: JournalSource, count: Int) throws -> [SourceRecord] {
        let deadline = ContinuousClock.now + .seconds(20)
        var records: [SourceRecord] = []
        while records.count < count, ContinuousClock.now < deadline {
            records += try source.read(limit: count - records.count, timeout: .milliseconds(500))
        }
        return records
    }

    /// Waits until journald has stored `count` entries matching `matches` (read through a separate
    /// source), so a test can rely on them being in the journal.
    static func waitUntilStored(matches: [String], count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let probe = try JournalSource(configuration: JournalSourceConfiguration(matches: matches), resumeFrom: Checkpoint())
        defer { probe.close() }
        let records = try read(probe, count: count)
        try #require(records.count == count, "journald stored \(records.count) of \(count) entries for \(matches)", sourceLocation: sourceLocation)
    }

    /// The `MESSAGE`s of `records` as text.
    static func messages(_ records: [SourceRecord]) -> [String] {
        records.map { String(decoding: $0.bytes, as: UTF8.self) }
    }
}
