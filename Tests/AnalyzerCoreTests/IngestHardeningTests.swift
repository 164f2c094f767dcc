import AnalyzerCore
import AsyncHTTPClient
import Foundation
import Gzip
import Hummingbird
import NIOCore
import ServiceLog
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The cases of the hardening issue that reach `POST /v1/events`, each reproduced over real HTTP on
/// loopback: values that crashed the analysis are refused per line with a reason, a web page cannot
/// post, nothing is cut while answering "accepted", and every connection is bounded in time and memory.
@Suite(.serialized) struct IngestHardeningTests {
    /// A `service_call` with the given `duration_ms` text (the issue's crash: `1e300`).
    static func call(_ id: String, duration: String) -> String {
        #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"gateway","event_type":"service_call","event_id":"\#(id)","#
            + #""correlation_id":"c-\#(id)","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","#
            + #""parent_span_id":"00f067aa0ba902b8","target_service":"payments","method":"POST","endpoint":"/charge","#
            + #""duration_ms":\#(duration),"status_code":200,"success":true}"#
    }

    // MARK: Values that crashed the analyzer are refused per line

    @Test func aDurationThatOverflowedTheAnalysisIsRefusedWithItsReason() async throws {
        let store = try TemporaryStore()
        try await withServer(store: store.store) { server in
            let response = try await server.post(lines: [
                Self.call("ok", duration: "12.5"), Self.call("huge", duration: "1e300"), Self.call("nanos", duration: "9300000000000000"),
            ])
            #expect(response.status == .ok)
            let result = try response.result()
            #expect(result.accepted == 1 && result.invalid == 2)
            #expect(result.invalidLines.description == "2-3")
            #expect(result.errors.count == 2)
            #expect(result.errors.allSatisfy { $0.contains("field 'duration_ms'") && $0.contains("outside 0...604800000") }, "\(result.errors)")
            // Every line refused: 400, same shape, nothing stored.
            let alone = try await server.post(lines: [Self.call("alone", duration: "-1e300")])
            #expect(alone.status == .badRequest)
            #expect(try alone.result().invalidLines.description == "1")
        }
        #expect(try await store.store.count() == 1)
    }

    @Test func aFarFutureTimestampIsRefusedWithItsReason() async throws {
        try await withServer(store: MemoryEventStore()) { server in
            let line = eventLine("future").replacingOccurrences(of: "2026-11-24T10:15:02.123456Z", with: "9999-12-31T23:59:59.000000Z")
            let response = try await server.post(lines: [eventLine("now"), line])
            #expect(response.status == .ok)
            let result = try response.result()
            #expect(result.invalid == 1)
            #expect(result.errors.first?.hasPrefix("line 2: field 'timestamp': 9999-12-31T23:59:59.000000Z is more than 24 h ahead") == true)
        }
    }

    // MARK: No silent cut

    @Test func anOverlongCorrelationIDIsRefusedAndALongMessageIsStoredWhole() async throws {
        let store = try TemporaryStore()
        let longID = String(repeating: "c", count: 200)
        let message = String(repeating: "m", count: 40 << 10)  // over the encoder's 32 KiB string default
        let withLongID = #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"log","message":"x","correlation_id":"\#(longID)"}"#
        let withLongMessage = #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"error","service":"s","event_type":"log","event_id":"long","message":"\#(message)","correlation_id":"c-128"}"#
        try await withServer(store: store.store) { server in
            let response = try await server.post(lines: [withLongID, withLongMessage])
            let result = try response.result()
            #expect(result.accepted == 1 && result.invalid == 1)
            #expect(result.errors == ["line 1: field 'correlation_id' is 200 bytes, over the 128-byte limit (values are stored as sent, never cut)"])
        }
        let stored = try #require(try await store.store.events(correlationID: "c-128").first)
        #expect(stored.message == message, "the stored message was cut to \(stored.message?.utf8.count ?? 0) bytes")
        #expect(stored.truncatedFields.isEmpty && !stored.lineTruncated)
    }

    // MARK: A web page cannot post

    @Test func anotherSitesOriginIsRefusedWith403() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            // The issue's request: what a browser tab on another site sends without a preflight.
            let evil = try await server.post(lines: [eventLine("a")], headers: ["Origin": "http://evil.example", "Content-Type": "text/plain"])
            #expect(evil.status == .forbidden)
            #expect(try evil.failure().error.contains("refusing a request from the web page at 'http://evil.example'"))
            let evilNDJSON = try await server.post(lines: [eventLine("b")], headers: ["Origin": "http://evil.example"])
            #expect(evilNDJSON.status == .forbidden)
            let sandboxed = try await server.post(lines: [eventLine("c")], headers: ["Origin": "null"])
            #expect(sandboxed.status == .forbidden)
            // The analyzer's own origin (its dashboard) and no origin at all (shippers, curl) pass.
            let own = try await server.post(lines: [eventLine("d")], headers: ["Origin": server.baseURL])
            #expect(own.status == .ok)
            let none = try await server.post(lines: [eventLine("e")])
            #expect(none.status == .ok)
        }
        #expect(await store.storedIDs == ["d", "e"])
    }

    @Test func aPageWhoseNameWasReboundToLoopbackIsAnotherSite() async throws {
        // DNS rebinding: the browser sends Origin and Host of the attacker's name alike.
        try await withServer(store: MemoryEventStore()) { server in
            let body = eventLine("rebound")
            let connection = try RawConnection(port: server.port)
            try connection.send(
                "POST /v1/events HTTP/1.1\r\nHost: evil.example:\(server.port)\r\nOrigin: http://evil.example:\(server.port)\r\n"
                    + "Content-Type: application/x-ndjson\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
            let response = connection.readAll()
            #expect(response.hasPrefix("HTTP/1.1 403"), "\(response.prefix(200))")
            #expect(response.contains("the analyzer's own origin is http://127.0.0.1 or http://localhost"))
        }
    }

    @Test func onlyNDJSONAndJSONContentTypesAreAccepted() async throws {
        try await withServer(store: MemoryEventStore()) { server in
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain; charset=utf-8"] {
                let response = try await server.post(lines: [eventLine("a")], headers: ["Content-Type": type], contentType: nil)
                #expect(response.status == .unsupportedMediaType, "\(type)")
                #expect(try response.failure().error.contains("send NDJSON with 'Content-Type: application/x-ndjson'"))
            }
            let missing = try await server.post(lines: [eventLine("a")], contentType: nil)
            #expect(missing.status == .unsupportedMediaType)
            for type in ["application/x-ndjson", "application/x-ndjson; charset=utf-8", "Application/JSON", "application/jsonl"] {
                let response = try await server.post(lines: [eventLine(type)], headers: ["Content-Type": type], contentType: nil)
                #expect(response.status == .ok, "\(type)")
            }
        }
    }

    // MARK: Bounded requests

    @Test func moreLinesThanTheLimitIsRefusedWith413() async throws {
        let limits = IngestLimits(maxLines: 10)
        try await withServer(store: MemoryEventStore(), configuration: .init(port: 0, limits: limits)) { server in
            #expect(try await server.post(lines: (0..<10).map { eventLine("\($0)") }).status == .ok)
            let response = try await server.post(lines: (0..<11).map { eventLine("x\($0)") })
            #expect(response.status == .contentTooLarge)
            #expect(try response.failure().error == "request body has more than 10 lines; send smaller batches")
        }
    }

    @Test func theLargestAnswerStaysUnderAMebibyte() async throws {
        // Every other line of the largest batch invalid: the most line numbers an answer can hold.
        // The shipper keeps 2 MiB of an answer, so no invalid line's number is ever cut off.
        try await withServer(store: MemoryEventStore()) { server in
            let lines = (0..<100_000).map { $0.isMultiple(of: 2) ? eventLine("v\($0)") : "{}" }
            let response = try await server.post(lines: lines, timeout: .seconds(120))
            #expect(response.status == .ok)
            let result = try response.result()
            #expect(result.invalid == 50_000 && result.invalidLines.count == 50_000)
            #expect(response.body.utf8.count < 1 << 20, "\(response.body.utf8.count) bytes")
        }
    }

    @Test func requestsBeyondTheInFlightMemoryBudgetGet503WithRetryAfter() async throws {
        // 64 KiB for all requests together: one upload holding 60 KiB leaves no room for a second one.
        let limits = IngestLimits(maxBodyBytes: 64 << 10, maxDecompressedBytes: 64 << 10, maxInFlightBytes: 64 << 10)
        let store = MemoryEventStore()
        try await withServer(store: store, configuration: .init(port: 0, limits: limits, retryAfterSeconds: 2)) { server in
            var filler: [UInt8] = []
            var index = 0
            while filler.count < 60 << 10 {
                filler += Array((eventLine("hold-\(index)") + "\n").utf8)
                index += 1
            }
            let (pieces, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
            feed.yield(ByteBuffer(bytes: filler))
            let held = Task { try await server.post(stream: pieces) }
            // Wait until the server has decoded the first piece (it holds the budget while the body is open).
            try await eventually("the first upload reserved its bytes") { server.budget.inUse >= 60 << 10 }
            // 8 KiB more than the 4 KiB left.
            let refused = try await server.post(lines: (0..<60).map { eventLine("late-\($0)") })
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.header("Retry-After") == "2")
            #expect(try refused.failure().error.contains("retry after Retry-After seconds"))
            feed.finish()
            let first = try await held.value
            #expect(first.status == .ok)
            #expect(try first.result().accepted == index)
            // Released with the first request: the budget is whole again.
            try await eventually("the budget was released") { server.budget.inUse == 0 }
            #expect(try await server.post(lines: [eventLine("after")]).status == .ok)
        }
        let ids = await store.storedIDs
        #expect(ids.contains("after") && !ids.contains("late-0"))
    }

    @Test func aTricklingBodyGets408() async throws {
        let configuration = AnalyzerServerConfiguration(port: 0, idleTimeout: .seconds(10), bodyTimeout: .seconds(1))
        try await withServer(store: MemoryEventStore(), configuration: configuration) { server in
            let (pieces, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
            let upload = Task { try await server.post(stream: pieces) }
            // One line every 200 ms: never idle, never finished.
            let trickle = Task {
                for index in 0..<40 {
                    feed.yield(ByteBuffer(string: eventLine("t\(index)") + "\n"))
                    try await Task.sleep(for: .milliseconds(200))
                }
                feed.finish()
            }
            let response = try await upload.value
            trickle.cancel()
            #expect(response.status == .requestTimeout)
            #expect(try response.failure().error == "the request body did not arrive within 1 s; retry")
        }
    }

    @Test func idleAndStalledConnectionsAreClosed() async throws {
        let configuration = AnalyzerServerConfiguration(port: 0, idleTimeout: .seconds(1))
        try await withServer(store: MemoryEventStore(), configuration: configuration) { server in
            // Nothing sent at all; half a header; a chunked body that stops after its first chunk.
            let silent = try RawConnection(port: server.port)
            let halfHeader = try RawConnection(port: server.port)
            try halfHeader.send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            let stalledBody = try RawConnection(port: server.port)
            try stalledBody.send(
                "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "10\r\n0123456789abcdef\r\n")
            for (name, connection) in [("silent", silent), ("half a header", halfHeader), ("stalled body", stalledBody)] {
                // A deadline, not a timing assertion: the server closes after ~1 s; without a timeout it never does.
                #expect(connection.waitForClose(within: .seconds(15)), "the \(name) connection was still open after 15 s")
            }
        }
    }

    @Test func aLegitimateRequestIsServedWhileManyStalledConnectionsWaitForTheirTimeout() async throws {
        // Connections beyond the cap wait in the backlog instead of taking file descriptors; stalled ones
        // are closed by the idle timeout, so the real request gets its turn.
        let configuration = AnalyzerServerConfiguration(port: 0, idleTimeout: .seconds(1), maxConnections: 8)
        try await withServer(store: MemoryEventStore(), configuration: configuration) { server in
            var stalled: [RawConnection] = []
            for _ in 0..<40 {
                let connection = try RawConnection(port: server.port)
                try connection.send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                stalled.append(connection)
            }
            let response = try await server.post(lines: [eventLine("real")], timeout: .seconds(60))
            #expect(response.status == .ok)
            #expect(stalled.allSatisfy { $0.waitForClose(within: .seconds(30)) })
        }
    }

    @Test func theConnectionCapLeavesFileDescriptorsFree() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let configuration = AnalyzerServerConfiguration(maxConnections: Int.max)
        #expect(configuration.effectiveMaxConnections == Int(clamping: limit.rlim_cur) - 64)
        #expect(AnalyzerServerConfiguration(maxConnections: 5).effectiveMaxConnections == 5)
    }

    @Test func anInFlightBudgetSmallerThanOneBodyIsRefusedAtStart() {
        let configuration = AnalyzerServerConfiguration(limits: IngestLimits(maxInFlightBytes: 1 << 20))
        #expect(throws: AnalyzerServerConfigurationError.self) { try configuration.validate() }
    }
}

// MARK: - Helpers

/// A SQLite store in a fresh temporary directory.
struct TemporaryStore {
    let directory: URL
    let store: SQLiteEventStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
    }

    var path: String { store.path }
}

/// Waits (polling, up to 20 s) until `condition` holds; records an issue naming `what` otherwise.
func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting: \(what)")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A plain TCP connection to the server, for what no HTTP client does: sending nothing, half a header,
/// a body that never ends.
final class RawConnection: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// Everything the server sends until it closes (or 10 s pass), as text.
    func readAll() -> String {
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    /// Whether the server closed the connection (a read returns end of file or a reset) within `limit`;
    /// any response bytes before that are read and ignored.
    func waitForClose(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return true }
        }
        return false
    }
}
