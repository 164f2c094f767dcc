import AnalyzerCore
import AnalyzerDashboard
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `analyzer serve`'s server (``DashboardServer``) on a free loopback port with a new SQLite store.
/// (A twin of the dashboard tests' fixture: the shared test-support target is issue 13's work.)
struct OTLPTestServer: Sendable {
    let baseURL: String
    let store: SQLiteEventStore
    let storePath: String

    struct Reply: Sendable {
        var status: Int
        var contentType: String?
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Posts `body` to `path` with the given headers.
    func post(_ path: String, body: [UInt8], contentType: String?, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), contentType: response.headers["content-type"].first, body: Array(buffer: collected))
    }

    /// Runs the server for the duration of `body`.
    static func with(
        configuration: AnalyzerServerConfiguration = .init(port: 0), _ body: (OTLPTestServer) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.sqlite").path
        let store = try SQLiteEventStore(path: path)
        var logger = Logger(label: "otlp-test")
        logger.logLevel = .critical
        let server = try DashboardServer(store: store, configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await server.makeApplication { port in continuation.yield(port) }.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                return
            }
            try await body(OTLPTestServer(baseURL: "http://127.0.0.1:\(port)", store: store, storePath: path))
            group.cancelAll()
        }
    }
}
