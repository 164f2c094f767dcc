import AnalyzerCore
import AsyncHTTPClient
import Foundation
import Gzip
import Hummingbird
import Logging
import NIOCore
import ServiceLog
import Testing
import W3CTraceContext

#if canImport(Glibc)
import Glibc
#endif

// Shared by the ingest endpoint tests: fixtures, in-memory stores, a server on loopback.

// MARK: - Fixtures

/// One valid `log` event line with the given `event_id`.
func eventLine(_ id: String, message: String = "hello") -> String {
    #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"checkout","event_type":"log","event_id":""#
        + id + #"","message":""# + message + #""}"#
}

/// The process's peak resident memory so far (`ru_maxrss` is in KiB on Linux).
func peakResidentBytes() -> Int {
    #if canImport(Glibc)
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
    #else
    return 0
    #endif
}

/// An `EventStore` in memory, deduplicating by ``StoredEventID`` like the real ones.
actor MemoryEventStore: EventStore {
    private(set) var events: [Event] = []
    private var ids: Set<String> = []
    private(set) var insertCalls = 0

    var storedIDs: [String] { events.map { StoredEventID.of($0) } }

    func insert(_ batch: [Event]) async throws -> StoreReceipt {
        insertCalls += 1
        var receipt = StoreReceipt()
        for event in batch {
            if ids.insert(StoredEventID.of(event)).inserted {
                events.append(event)
                receipt.inserted += 1
            } else {
                receipt.duplicates += 1
            }
        }
        return receipt
    }

    func events(correlationID: String) async throws -> [Event] { events.filter { $0.correlationID == correlationID } }
    func events(traceID: TraceID) async throws -> [Event] { events.filter { $0.traceID == traceID } }
    func events(matching query: EventQuery) async throws -> [Event] { events }
    func timeRange() async throws -> ClosedRange<Timestamp>? {
        guard let first = events.map(\.timestamp).min(), let last = events.map(\.timestamp).max() else { return nil }
        return first...last
    }
    func count() async throws -> Int { events.count }
    func applyRetention(_ policy: RetentionPolicy) async throws -> Int { 0 }
}

/// A store whose every write fails, as a full disk or a locked database would.
struct FailingEventStore: EventStore {
    struct DiskFull: Error {}
    func insert(_ events: [Event]) async throws -> StoreReceipt { throw DiskFull() }
    func events(correlationID: String) async throws -> [Event] { [] }
    func events(traceID: TraceID) async throws -> [Event] { [] }
    func events(matching query: EventQuery) async throws -> [Event] { [] }
    func timeRange() async throws -> ClosedRange<Timestamp>? { nil }
    func count() async throws -> Int { 0 }
    func applyRetention(_ policy: RetentionPolicy) async throws -> Int { 0 }
}

// MARK: - Running a server and talking to it

/// A response, fully read.
struct TestResponse {
    var status: HTTPResponse.Status
    var headers: [(name: String, value: String)]
    var body: String

    /// The first value of a header, matched case-insensitively.
    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    func result() throws -> IngestResult { try JSONDecoder().decode(IngestResult.self, from: Data(body.utf8)) }
    func failure() throws -> IngestFailure { try JSONDecoder().decode(IngestFailure.self, from: Data(body.utf8)) }
}

/// A running analyzer server on loopback.
struct TestServer {
    let baseURL: String
    let port: Int
    /// The server's in-flight memory budget, to see what requests in progress hold.
    let budget: IngestMemoryBudget

    func post(
        lines: [String], headers: [String: String] = [:], contentType: String? = "application/x-ndjson", timeout: TimeAmount = .seconds(30)
    ) async throws -> TestResponse {
        try await post(Array(lines.joined(separator: "\n").utf8), headers: headers, contentType: contentType, timeout: timeout)
    }

    /// A body sent as `pieces` arrive (chunked), until the stream finishes.
    func post(stream pieces: AsyncStream<ByteBuffer>) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + "/v1/events")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.body = .stream(pieces, length: .unknown)
        return try await send(request, timeout: .seconds(60))
    }

    func post(
        _ body: [UInt8], headers: [String: String] = [:], chunked: Bool = false, contentType: String? = "application/x-ndjson",
        timeout: TimeAmount = .seconds(30)
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + "/v1/events")
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if chunked {
            // Unknown length: sent with Transfer-Encoding: chunked, in 16 KiB pieces.
            let pieces = stride(from: 0, to: body.count, by: 16 << 10).map {
                ByteBuffer(bytes: body[$0..<min($0 + (16 << 10), body.count)])
            }
            let stream = AsyncStream<ByteBuffer> { continuation in
                for piece in pieces { continuation.yield(piece) }
                continuation.finish()
            }
            request.body = .stream(stream, length: .unknown)
        } else {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await send(request, timeout: timeout)
    }

    func get(_ path: String) async throws -> TestResponse {
        try await send(HTTPClientRequest(url: baseURL + path))
    }

    func send(_ request: HTTPClientRequest, timeout: TimeAmount = .seconds(30)) async throws -> TestResponse {
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 4 << 20)
        return TestResponse(
            status: HTTPResponse.Status(code: Int(response.status.code)), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: body))
    }
}

/// Runs an analyzer server on a free loopback port for the duration of `body`.
func withServer(
    store: any EventStore, configuration: AnalyzerServerConfiguration = .init(port: 0),
    _ body: (TestServer) async throws -> Void
) async throws {
    // Quiet: cancelling the server at the end of each test logs a CancellationError at `error`.
    var logger = Logger(label: "analyzer-test")
    logger.logLevel = .critical
    let server = try AnalyzerServer(store: store, configuration: configuration, logger: logger)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // Finishing the stream on exit means a server that fails to start ends the wait below.
            defer { portContinuation.finish() }
            try await server.makeApplication { port in portContinuation.yield(port) }.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            Issue.record("the server stopped before listening")
            return
        }
        try await body(TestServer(baseURL: "http://127.0.0.1:\(port)", port: port, budget: server.ingestBudget))
        group.cancelAll()
    }
}
