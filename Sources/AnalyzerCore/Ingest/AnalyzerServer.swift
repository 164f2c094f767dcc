import Hummingbird
import Logging

/// The analyzer's HTTP server: `POST /v1/events` (ingest, see ``IngestRoutes``) and `GET /healthz`.
///
/// ```swift
/// let server = try AnalyzerServer(store: store, configuration: .init(port: 0))
/// try await server.makeApplication { port in print("listening on \(port)") }.runService()
/// ```
public struct AnalyzerServer: Sendable {
    /// Where ingested events go.
    public let store: any EventStore
    /// Address, token and limits; validated.
    public let configuration: AnalyzerServerConfiguration
    /// The server's own logger (startup, refused requests, store failures).
    public let logger: Logger
    /// The decoded bytes all ingest requests in progress may hold (``IngestLimits/maxInFlightBytes``).
    public let ingestBudget: IngestMemoryBudget

    /// Creates a server after validating `configuration` (so an unsafe server cannot be built).
    /// - Throws: ``AnalyzerServerConfigurationError``, e.g. a public address without a token.
    public init(
        store: any EventStore, configuration: AnalyzerServerConfiguration = AnalyzerServerConfiguration(),
        logger: Logger = Logger(label: "analyzer")
    ) throws(AnalyzerServerConfigurationError) {
        try configuration.validate()
        self.store = store
        self.configuration = configuration
        self.logger = logger
        ingestBudget = IngestMemoryBudget(capacity: configuration.limits.maxInFlightBytes)
    }

    /// The routes, without a server: for tests that drive the router directly, or to mount elsewhere.
    /// - Parameter moreIngest: adds further ingest routes (the OTLP ones) under `/v1`, behind the same
    ///   bearer token.
    /// - Parameter outcome: told the path and status of every request under `/v1` (metrics).
    public func makeRouter(
        outcome: (@Sendable (_ path: String, _ status: Int) -> Void)? = nil,
        moreIngest: (RouterGroup<BasicRequestContext>) -> Void = { _ in }
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in "ok" }
        let v1 = router.group("v1")
        if let outcome { v1.add(middleware: IngestOutcomeMiddleware(report: outcome)) }
        if let token = configuration.token {
            v1.add(middleware: BearerTokenMiddleware(token: token))
        }
        IngestRoutes<BasicRequestContext>(
            store: store, limits: configuration.limits, retryAfterSeconds: configuration.retryAfterSeconds,
            bodyTimeout: configuration.bodyTimeout, budget: ingestBudget, tokenRequired: configuration.token != nil
        ).addRoutes(to: v1)
        moreIngest(v1)
        return router
    }

    /// The application, ready to `run()` (tests, inside a task) or `runService()` (stops on SIGTERM/SIGINT).
    /// - Parameter onServerRunning: called with the bound port once the server accepts connections;
    ///   with port 0 this is how a caller learns the port.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let port = configuration.port
        return Application(
            router: makeRouter(), server: .http1(configuration: .init(idleTimeout: .nanoseconds(configuration.idleTimeoutNanoseconds))),
            configuration: configuration.applicationConfiguration(logger: logger),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
