import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A request as the test server received it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// Lower-cased names; repeated headers joined with ", ".
    var headers: [String: String]
    var body: [UInt8]
}

/// A Hummingbird server on 127.0.0.1 that records every POST and answers with `respond`.
final class TestServer: Sendable {
    /// The bound port (the kernel's choice when started with port 0).
    let port: Int
    private let log: Log
    private let task: Task<Void, any Error>

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { "http://127.0.0.1:\(port)" }
    /// What the server has received so far.
    var requests: [RecordedRequest] { log.requests.withLock { $0 } }

    private init(port: Int, log: Log, task: Task<Void, any Error>) {
        self.port = port
        self.log = log
        self.task = task
    }

    /// Starts a server and returns once it accepts connections. `/v1/events` and `/ingest/events` both
    /// record and answer.
    static func start(
        port: Int = 0, respond: @escaping @Sendable (RecordedRequest) async throws -> Response = { _ in .text(200, "ok") }
    ) async throws -> TestServer {
        let log = Log()
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
            }
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, headers: headers, body: Array(buffer.readableBytesView))
            log.requests.withLock { $0.append(recorded) }
            return try await respond(recorded)
        }
        router.post("/v1/events", use: handler)
        router.post("/ingest/events", use: handler)
        var logger = Logger(label: "http-sink-test-server")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? port) }, logger: logger)
        let task = Task {
            // Finishing the stream when the server stops means a failed bind ends the wait below.
            defer { portContinuation.finish() }
            try await application.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await task.value
            throw TestServerError.stoppedBeforeListening
        }
        return TestServer(port: bound, log: log, task: task)
    }

    /// Stops the server (closing its connections) and waits until it has.
    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// The request log shared between the handler and the `TestServer`.
private final class Log: Sendable {
    let requests = Mutex<[RecordedRequest]>([])
}

/// Why a test server did not start.
enum TestServerError: Error {
    case stoppedBeforeListening
}

/// Runs `body` with a fresh server and stops the server afterwards, whether `body` throws or not.
func withServer(
    respond: @escaping @Sendable (RecordedRequest) async throws -> Response = { _ in .text(200, "ok") },
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(respond: respond)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

extension Response {
    /// A response with a text body and optional headers.
    static func text(_ status: Int, _ body: String, headers: HTTPFields = [:]) -> Response {
        Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
