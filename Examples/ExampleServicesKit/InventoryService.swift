import Hummingbird
import Logging
import ServiceLog
import ServiceLogHummingbird
import Synchronization

/// The callee of the example: answers stock queries, slowly enough to show up in a waterfall, and
/// (optionally) fails every Nth request with 503 so that the caller's retries are visible.
public enum InventoryService {
    /// Builds the inventory application.
    ///
    /// - Parameters:
    ///   - port: the loopback port to listen on (0 picks a free one; `onRunning` receives the actual port).
    ///   - failEvery: every Nth stock request answers 503 (0 = never).
    public static func makeApplication(
        logger: Logger, port: Int, failEvery: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let requests = Atomic<Int>(0)
        let router = Router()
        router.add(middleware: ServiceLogMiddleware(logger: logger))
        router.get("/stock/:sku") { _, context -> Response in
            let sku = try context.parameters.require("sku")
            let count = requests.wrappingAdd(1, ordering: .relaxed).newValue
            try await Task.sleep(for: .milliseconds(Int.random(in: 2...8)))
            if failEvery > 0 && count % failEvery == 0 {
                logger.warning("stock database busy", metadata: ["sku": .string(sku)])
                return Response(status: .serviceUnavailable)
            }
            if sku == "missing" { throw HTTPError(.notFound, message: "unknown sku") }
            logger.info("checked stock", metadata: ["sku": .string(sku), "available": .stringConvertible(17)])
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"sku":"\#(sku)","available":17}"#)))
        }
        router.get("/health") { _, _ in "ok" }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "inventory"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: quietServerLogger(logger))
    }
}

/// Hummingbird's own logger, kept at `warning` so that its per-request debug lines do not drown the
/// service's events (they would still be canonical events: same handler).
func quietServerLogger(_ logger: Logger) -> Logger {
    var server = logger
    server.logLevel = .warning
    return server
}
