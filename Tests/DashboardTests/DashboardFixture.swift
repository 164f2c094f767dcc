import AnalyzerCore
import AnalyzerDashboard
import AnalyzerEvaluation
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLog
import Synchronization
import Testing
import TestSupport

/// Recorded incidents for the dashboard tests, generated once per process by the same generator as
/// `analyzer eval --dump`: a memory leak in `payments` (the "recorded incident" every test starts
/// from) and, two hours later, errors in `fraud` (the new incident tests push through ingest).
enum Recorded {
    /// `memory_leak` scenario of seed 1 at 2.5 requests/s (about 23k events, one incident).
    static let memoryLeak: [Event] = scenario(kind: "memory_leak", shiftHours: 0)
    /// `errors` scenario of seed 1, starting two hours after the first one.
    static let errors: [Event] = scenario(kind: "errors", shiftHours: 2)

    static func scenario(kind: String, shiftHours: Int64) -> [Event] {
        guard var spec = ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false).first(where: { $0.name.hasPrefix(kind + "-") })
        else { return [] }
        spec.requestsPerSecond = 2.5
        spec.start = Timestamp(microsecondsSinceEpoch: ScenarioSpec.defaultStart.microsecondsSinceEpoch + shiftHours * 3_600_000_000)
        return ScenarioGenerator.generate(spec).events
    }

    /// A new store in a temporary directory holding `events`.
    static func store(with events: [Event]) async throws -> (store: SQLiteEventStore, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("events.sqlite").path
        let store = try SQLiteEventStore(path: path)
        for start in stride(from: 0, to: events.count, by: 5000) {
            _ = try await store.insert(Array(events[start..<min(start + 5000, events.count)]))
        }
        return (store, path)
    }

    /// One store with the memory leak, shared by the tests that only read.
    static func sharedStore() async throws -> (store: SQLiteEventStore, path: String) {
        try await SharedStore.instance.get()
    }
}

/// Creates the shared store once, whichever test asks first.
actor SharedStore {
    static let instance = SharedStore()
    private var task: Task<(store: SQLiteEventStore, path: String), any Error>?

    func get() async throws -> (store: SQLiteEventStore, path: String) {
        if let task { return try await task.value }
        let made = Task { try await Recorded.store(with: Recorded.memoryLeak) }
        task = made
        return try await made.value
    }
}

/// A dashboard server on a free loopback port, and HTTP helpers against it.
struct DashboardTestServer: Sendable {
    let baseURL: String
    let server: DashboardServer

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }

        /// The body as a JSON value (arrays and dictionaries compare with `isEqual`).
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
        }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request)
    }

    /// Posts events as NDJSON to `/v1/events`, in batches.
    func ingest(_ events: [Event], headers: [(String, String)] = []) async throws {
        for start in stride(from: 0, to: events.count, by: 4000) {
            let body = events[start..<min(start + 4000, events.count)].map { $0.jsonLine() }.joined(separator: "\n") + "\n"
            var request = HTTPClientRequest(url: baseURL + "/v1/events")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-ndjson")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: body))
            let reply = try await send(request)
            #expect(reply.status == 200, "ingest answered \(reply.status): \(reply.body.prefix(300))")
        }
    }

    /// A client that shows redirects instead of following them.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    func send(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await Self.client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: body))
    }
}

/// Settings that make tests quick: short debounce and refresh spacing (never a correctness knob).
let quickDashboard = DashboardConfiguration(ingestDebounce: .milliseconds(200), minimumRefreshInterval: .milliseconds(200))

/// Runs a dashboard server on a free loopback port for the duration of `body`.
func withDashboard(
    store: any EventStore, configuration: AnalyzerServerConfiguration = .init(port: 0), dashboard: DashboardConfiguration = quickDashboard,
    log: CapturedLog? = nil, _ body: (DashboardTestServer) async throws -> Void
) async throws {
    var logger = log?.logger ?? Logger(label: "dashboard-test")
    if log == nil { logger.logLevel = .critical }
    let server = try DashboardServer(store: store, configuration: configuration, dashboard: dashboard, logger: logger)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await server.makeApplication { port in portContinuation.yield(port) }.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            Issue.record("the server stopped before listening")
            return
        }
        try await body(DashboardTestServer(baseURL: "http://127.0.0.1:\(port)", server: server))
        group.cancelAll()
    }
}

/// The real `analyzer` CLI next to this test bundle (built by `swift build --build-tests`).
enum CLI {
    static let path = BuiltExecutable.path("analyzer")

    /// Runs `analyzer ARGS` and returns its standard output; records an issue on a non-zero exit.
    static func run(_ arguments: [String]) throws -> String {
        let outcome = try ChildProcess.run(path, arguments, errors: .discarded)
        #expect(outcome.status == 0, "analyzer \(arguments.joined(separator: " ")) exited \(outcome.status)")
        return outcome.output
    }

    static func json(_ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try run(arguments).utf8), options: [.fragmentsAllowed])
    }
}

/// Reads Server-Sent Events in the background and keeps every message, so a test can wait for the
/// one it expects (with a deadline) in any order.
actor EventStreamReader {
    struct Message: Sendable {
        var name: String
        var data: String
    }

    private(set) var messages: [Message] = []
    private(set) var ended = false
    private var task: Task<Void, Never>?

    /// Connects (checking the status and content type) and starts reading.
    static func connect(_ url: String, headers: [(String, String)] = []) async throws -> EventStreamReader {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
        #expect(response.status.code == 200)
        #expect(response.headers["content-type"].first?.hasPrefix("text/event-stream") == true)
        let reader = EventStreamReader()
        await reader.start(response.body)
        return reader
    }

    private func start(_ body: HTTPClientResponse.Body) {
        task = Task {
            var pending = ""
            do {
                for try await buffer in body {
                    pending += String(buffer: buffer)
                    while let range = pending.range(of: "\n\n") {
                        let block = String(pending[..<range.lowerBound])
                        pending = String(pending[range.upperBound...])
                        self.received(block)
                    }
                }
            } catch {}
            self.finished()
        }
    }

    private func received(_ block: String) {
        var name = "message"
        var data: [Substring] = []
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data.append(line.dropFirst(6)) }
        }
        if !data.isEmpty { messages.append(Message(name: name, data: data.joined(separator: "\n"))) }
    }

    private func finished() {
        ended = true
    }

    /// The first message (from the start) satisfying `predicate`, waiting up to `seconds` for it
    /// (a deadline, not a timing assertion); `nil` if none came or the stream ended without it.
    nonisolated func wait(within seconds: Double, for predicate: @Sendable (Message) -> Bool) async -> Message? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let (received, ended) = await (messages, ended)
            if let match = received.first(where: predicate) { return match }
            if ended || ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops reading (closes the connection).
    func stop() {
        task?.cancel()
    }
}

/// The first place where two parsed JSON values differ (`nil` when equal), e.g. `spans[3].self_ms: 1.2 vs 1.3`.
func jsonDifference(_ a: Any?, _ b: Any?, at path: String = "") -> String? {
    switch (a, b) {
    case (let a as [String: Any], let b as [String: Any]):
        for key in Set(a.keys).union(b.keys).sorted() {
            if let difference = jsonDifference(a[key], b[key], at: path + "." + key) { return difference }
        }
        return nil
    case (let a as [Any], let b as [Any]):
        guard a.count == b.count else { return "\(path): \(a.count) vs \(b.count) elements" }
        for index in a.indices {
            if let difference = jsonDifference(a[index], b[index], at: path + "[\(index)]") { return difference }
        }
        return nil
    case (let a as NSObject, let b as NSObject):
        return a.isEqual(b) ? nil : "\(path): \(a) vs \(b)"
    case (nil, nil):
        return nil
    default:
        return "\(path): \(String(describing: a)) vs \(String(describing: b))"
    }
}

/// The server's own log as canonical events (ServiceLog's handler into memory), for tests that read it.
struct CapturedLog: Sendable {
    final class Memory: LogOutput {
        let bytes = Mutex<[UInt8]>([])
        func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
            bytes.withLock { $0.append(contentsOf: lines) }
        }
    }

    let logger: Logger
    private let memory = Memory()
    private let writer: LineWriter

    init(level: Logger.Level = .info) {
        let configuration = ServiceLogConfiguration(service: "analyzer", logLevel: level)
        let writer = ServiceLog.makeWriter(configuration: configuration, output: memory)
        var logger = Logger(label: "analyzer") { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }
        logger.logLevel = level
        self.logger = logger
        self.writer = writer
    }

    /// Every line written so far, each as a JSON object.
    func lines() -> [[String: Any]] {
        writer.flush()
        return memory.bytes.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
