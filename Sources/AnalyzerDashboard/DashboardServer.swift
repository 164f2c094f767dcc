import AnalyzerCore
import AnalyzerOTLP
import Hummingbird
import Logging
import ServiceLifecycle

/// `analyzer serve` with the dashboard: ingest (``AnalyzerServer``: `POST /v1/events`, `GET /healthz`),
/// OTLP/HTTP (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`, see ``OTLPRoutes``), plus the pages, the JSON API under `/api/`, the live stream and `GET /metrics`, on one port.
///
/// ```swift
/// let server = try DashboardServer(store: store, configuration: .init(port: 0))
/// try await server.makeApplication { port in print("listening on \(port)") }.runService()
/// ```
///
/// Access: see ``DashboardAccessMiddleware`` (token via header or a cookie set by `?token=`; without
/// a token, loopback only). `/v1/events` keeps its own bearer check; `/healthz` is open.
public struct DashboardServer: Sendable {
    /// The ingest server, whose store reports inserts to the monitor.
    public let ingest: AnalyzerServer
    /// The cached incident analysis (a service of the application).
    public let monitor: IncidentMonitor
    /// The live events.
    public let hub: DashboardEventHub
    /// `/metrics`.
    public let metrics: DashboardMetrics
    /// The static files.
    public let assets: DashboardAssets
    /// Analysis and refresh settings.
    public let dashboard: DashboardConfiguration

    /// Creates the server after validating `configuration` (a public address needs a token).
    /// - Parameter assets: the pages; by default the bundled ones.
    public init(
        store: any EventStore, configuration: AnalyzerServerConfiguration = AnalyzerServerConfiguration(),
        dashboard: DashboardConfiguration = DashboardConfiguration(), assets: DashboardAssets? = nil,
        logger: Logger = Logger(label: "analyzer")
    ) throws {
        let hub = DashboardEventHub()
        let metrics = DashboardMetrics(version: dashboard.version)
        var incidentLogger = logger
        incidentLogger[metadataKey: "component"] = "incidents"
        let monitor = IncidentMonitor(store: store, configuration: dashboard, hub: hub, metrics: metrics, logger: incidentLogger)
        let observed = InsertObservingStore(base: store) { events, receipt in monitor.noteInsert(events, receipt) }
        ingest = try AnalyzerServer(store: observed, configuration: configuration, logger: logger)
        self.monitor = monitor
        self.hub = hub
        self.metrics = metrics
        self.assets = try assets ?? DashboardAssets.bundled()
        self.dashboard = dashboard
    }

    /// Every route: ingest and health from ``AnalyzerServer``, then the guarded dashboard routes.
    public func makeRouter() -> Router<BasicRequestContext> {
        let configuration = ingest.configuration
        // OTLP/HTTP beside `/v1/events`: the same store, limits, memory budget and token.
        let metrics = metrics
        let router = ingest.makeRouter(outcome: { path, status in metrics.recordIngestRequest(path: path, status: status) }) { v1 in
            OTLPRoutes<BasicRequestContext>(
                store: ingest.store, limits: configuration.limits, retryAfterSeconds: configuration.retryAfterSeconds,
                bodyTimeout: configuration.bodyTimeout, budget: ingest.ingestBudget, tokenRequired: configuration.token != nil
            ).addRoutes(to: v1)
        }
        let guarded = router.group().add(middleware: DashboardAccessMiddleware(token: ingest.configuration.token))
        PageRoutes<BasicRequestContext>(assets: assets).addRoutes(to: guarded)
        APIRoutes<BasicRequestContext>(store: ingest.store, monitor: monitor, hub: hub, configuration: dashboard)
            .addRoutes(to: guarded.group("api"))
        guarded.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return router
    }

    /// The application with the monitor as a service, ready to `run()` (tests, inside a task) or
    /// `runService()` (stops on SIGTERM/SIGINT; open live streams end first).
    /// - Parameter onServerRunning: called with the bound port once the server accepts connections.
    /// - Parameter retention: run beside the server (deletes old events periodically), if any.
    public func makeApplication(
        retention: RetentionService? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let configuration = ingest.configuration
        var services: [any Service] = [monitor]
        if let retention { services.append(retention) }
        return Application(
            router: makeRouter(), server: .http1(configuration: .init(idleTimeout: .nanoseconds(configuration.idleTimeoutNanoseconds))),
            configuration: configuration.applicationConfiguration(logger: ingest.logger),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: ingest.logger)
    }
}
