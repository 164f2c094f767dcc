import Foundation
import Hummingbird
import Logging
import Testing

/// A local HTTP server standing in for a webhook receiver, an Alertmanager and a Slack incoming
/// webhook: it records every POST, and answers the first `failFirst` requests of each path with 503
/// (a receiver that is down for a while).
actor AlertReceiver {
    struct Received: Sendable {
        var path: String
        var contentType: String?
        var body: String

        func json() -> Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
    }

    private var failuresLeft: [String: Int]
    private(set) var received: [Received] = []
    private(set) var refused = 0

    init(failFirst: [String: Int] = [:]) {
        failuresLeft = failFirst
    }

    func handle(_ request: Received) -> Int {
        if let left = failuresLeft[request.path], left > 0 {
            failuresLeft[request.path] = left - 1
            refused += 1
            return 503
        }
        received.append(request)
        return 200
    }

    func bodies(at path: String) -> [Received] { received.filter { $0.path == path } }

    nonisolated func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        for path in ["hook", "api/v2/alerts", "slack"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let status = await self.handle(Received(path: request.uri.path, contentType: request.headers[.contentType], body: String(buffer: body)))
                return Response(status: HTTPResponse.Status(code: status))
            }
        }
        return router
    }
}

/// Runs `body` with an ``AlertReceiver`` on 127.0.0.1 (port 0); its base URL is passed.
func withAlertReceiver(_ receiver: AlertReceiver, _ body: (String) async throws -> Void) async throws {
    var logger = Logger(label: "alert-receiver")
    logger.logLevel = .critical
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: receiver.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "alert-receiver"),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            Issue.record("the alert receiver did not start")
            return
        }
        try await body("http://127.0.0.1:\(port)")
        group.cancelAll()
    }
}

/// Waits (polling, up to `seconds`) until `condition` holds; false if it never did.
func eventually(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(200))
    }
    return await condition()
}
