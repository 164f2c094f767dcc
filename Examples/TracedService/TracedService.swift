import ArgumentParser
import AsyncHTTPClient
import Hummingbird
import Logging
import OTel
import ServiceLifecycle
import ServiceLog
import ServiceLogTracing
import Tracing

/// A service instrumented only through swift-distributed-tracing: Hummingbird's `TracingMiddleware`
/// for the requests it serves, AsyncHTTPClient's request spans for the calls it makes, `withSpan` for
/// a step of its own. The same code has two backends:
///
/// - `ServiceLog.bootstrapWithTracing` (the default) makes all of it canonical events on stdout, with
///   no call to ServiceLog's request helpers;
/// - `--export otlp` bootstraps swift-otel instead, which exports the spans and logs over OTLP/HTTP
///   (to `analyzer serve`, a Collector, any OTLP backend; `OTEL_*` variables apply).
///
/// ```
/// traced-service --service inventory --port 8091 --fail-odd &
/// traced-service --service checkout --port 8090 --downstream inventory=http://127.0.0.1:8091 &
/// curl http://127.0.0.1:8090/checkout/7
/// ```
@main
struct TracedService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traced-service",
        abstract: "An example service traced with swift-distributed-tracing, writing ServiceLog events to stdout.",
        discussion: """
            GET /checkout/ID calls the downstream service's GET /stock/ID (when --downstream is given) and
            answers 200, or 502 when the call failed. GET /stock/ID answers 200, or 500 for an odd ID
            with --fail-odd. GET /health answers ok.
            """)

    @Option(help: "The service name written in every event.")
    var service: String

    @Option(help: "The port to listen on, on 127.0.0.1.")
    var port: Int

    @Option(help: "NAME=URL of the service that /checkout calls, e.g. inventory=http://127.0.0.1:8091.")
    var downstream: String?

    @Flag(help: "Fail /stock/ID with 500 for odd IDs (a fault to diagnose).")
    var failOdd = false

    enum Export: String, ExpressibleByArgument, CaseIterable {
        case servicelog, otlp
    }

    @Option(help: "servicelog: canonical events on stdout; otlp: spans and logs by swift-otel over OTLP/HTTP.")
    var export: Export = .servicelog

    @Option(help: "With --export otlp: the OTLP/HTTP base URL (/v1/traces and /v1/logs are appended).")
    var otlpEndpoint = "http://127.0.0.1:4318"

    func run() async throws {
        let callee = try downstream.map(Downstream.init)
        var observability: (any Service)?
        switch export {
        case .servicelog:
            var peers: [String: String] = [:]
            if let callee { peers[callee.authority] = callee.name }
            ServiceLog.bootstrapWithTracing(ServiceLogConfiguration(service: service), peerServices: peers)
        case .otlp:
            observability = try OTel.bootstrap(configuration: otelConfiguration())
        }
        let logger = Logger(label: service)
        // Created after the bootstrap: the client reads the tracer when it is made.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        let router = Router()
        router.add(middleware: TracingMiddleware())
        router.get("/health") { _, _ in "ok" }
        router.get("/stock/:id") { _, context -> String in
            let id = try context.parameters.require("id", as: Int.self)
            try await withSpan("check stock") { _ in
                try await Task.sleep(for: .milliseconds(2))
                if failOdd && id % 2 == 1 {
                    logger.error("stock database refused the query", metadata: ["id": "\(id)"])
                    throw HTTPError(.internalServerError, message: "stock database refused the query")
                }
            }
            logger.info("checked stock", metadata: ["id": "\(id)"])
            return #"{"id":\#(id),"available":17}"#
        }
        router.get("/checkout/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int.self)
            guard let callee else { return Response(status: .ok) }
            let request = HTTPClientRequest(url: "\(callee.url)/stock/\(id)")
            let response = try await client.execute(request, timeout: .seconds(2))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else {
                logger.warning("\(callee.name) answered \(response.status.code)", metadata: ["id": "\(id)"])
                return Response(status: .badGateway)
            }
            return Response(status: .ok)
        }
        var serverLogger = logger
        serverLogger.logLevel = .warning
        var app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: service),
            logger: serverLogger)
        // Hummingbird's service group stops it last, after the server, so every span is exported.
        if let observability { app.addServices(observability) }
        do {
            try await app.runService()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        ServiceLog.flush()
    }

    /// swift-otel's defaults and `OTEL_*` variables, with OTLP/HTTP protobuf to `--otlp-endpoint`,
    /// short batch delays (an example should show its spans at once) and no metrics.
    func otelConfiguration() -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = service
        configuration.metrics.enabled = false
        configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(200)
        configuration.logs.batchLogRecordProcessor.scheduleDelay = .milliseconds(200)
        let base = otlpEndpoint.hasSuffix("/") ? String(otlpEndpoint.dropLast()) : otlpEndpoint
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = base + "/v1/traces"
        configuration.logs.otlpExporter.protocol = .httpProtobuf
        configuration.logs.otlpExporter.endpoint = base + "/v1/logs"
        return configuration
    }
}

/// `NAME=URL` of the called service.
struct Downstream {
    var name: String
    var url: String
    /// `host:port` of the URL, as AsyncHTTPClient's spans name the server.
    var authority: String

    init(_ argument: String) throws {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let scheme = parts[1].range(of: "://") else {
            throw ValidationError("--downstream wants NAME=URL, e.g. inventory=http://127.0.0.1:8091; got '\(argument)'")
        }
        name = parts[0]
        url = parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : parts[1]
        authority = String(url[scheme.upperBound...].prefix { $0 != "/" })
    }
}
