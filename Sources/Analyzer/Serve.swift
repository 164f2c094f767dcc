import AnalyzerCore
import AnalyzerDashboard
import ArgumentParser
import Foundation
import Hummingbird
import ListenAddress
import Logging
import SettingSyntax
import ServiceLog

/// `analyzer serve`: the ingest endpoint logshipper delivers to, in front of the SQLite store.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive canonical events over HTTP, store them, and serve the dashboard.",
        discussion: """
            Listens for batches of canonical events (docs/event-format.md): POST /v1/events with one JSON \
            object per line (Content-Type: application/x-ndjson), optionally gzip-compressed \
            (Content-Encoding: gzip). Valid lines are stored, invalid ones are counted and every one is named; \
            the response is sent only once the batch is stored:

              200 {"accepted":N,"duplicates":D,"invalid":I,"invalid_lines":"3,7-9","errors":["line 3: ..."]}
              400 every line invalid (same shape), or corrupt gzip
              401 missing or wrong bearer token (when --token is set)
              403 an Origin header of another site (a web page posting events)
              408 the body took longer than --body-timeout to arrive
              413 body over --max-body-bytes, inflating past --max-decompressed-bytes, or over 100000 lines
              415 Content-Type other than NDJSON or JSON, or Content-Encoding other than gzip
              503 the store failed, or requests in progress hold --max-in-flight-bytes; nothing was \
            stored, retry after Retry-After seconds

            OpenTelemetry: POST /v1/traces, /v1/logs and /v1/metrics take OTLP/HTTP (application/x-protobuf \
            or application/json, gzip ok) from any SDK, the OpenTelemetry Collector, Vector or Fluent Bit, \
            under the same limits and token; spans, log records and gauges become canonical events, and \
            refused items are named in OTLP's partial_success (docs/opentelemetry.md).

            Lines are checked against the format's limits (docs/event-format.md: sizes of names, ranges of \
            durations, status codes, gauges, timestamps no more than 24 h ahead of this clock); a line \
            outside them is invalid with a reason, never stored cut. Connections idle for --idle-timeout \
            are closed; at most --max-connections are served at once.

            Events already stored (same event_id) are counted as duplicates and stored once, so resending a \
            batch is safe. GET /healthz answers 'ok'.

            The same port serves the dashboard (open http://127.0.0.1:4180/): live incidents, one incident, \
            one request, services; its JSON API under /api/ (docs/api.md), live updates at /api/stream \
            (Server-Sent Events) and Prometheus metrics at /metrics. Incidents are analysed once at start, \
            after ingest and when another process writes to the store, over --analysis-window of event time. \
            AI hypotheses use OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL when set.

            Alerts (--alert-webhook, --alert-alertmanager, --alert-slack): one notification per incident \
            state (opened, root cause changed, resolved), retried with backoff while the receiver is down \
            (6 tries, 0.5 s doubling to 30 s), linking to --dashboard-url.

            Listens on 127.0.0.1 by default. On any other address a token is required: the command refuses \
            to start without --token (or ANALYZER_TOKEN), since anyone who can reach the port could write \
            events. With a token, the dashboard, /api/ and /metrics need it too: 'Authorization: Bearer TOKEN', \
            or open the dashboard once as /?token=TOKEN (sets a cookie). Stops cleanly on SIGINT or SIGTERM.

            Examples:
              analyzer serve --store /var/lib/analyzer/events.sqlite
              ANALYZER_TOKEN=s3cret analyzer serve --host 0.0.0.0
              analyzer serve --alert-alertmanager http://127.0.0.1:9093 --dashboard-url http://analyzer.internal:4180

              curl --data-binary @events.ndjson http://127.0.0.1:4180/v1/events
              gzip -c events.ndjson | curl --data-binary @- -H 'Content-Encoding: gzip' \\
                  -H 'Authorization: Bearer s3cret' http://analyzer.internal:4180/v1/events
            """)

    @Option(help: ArgumentHelp("SQLite database to store events in (created if missing).", valueName: "path"))
    var store = "./analyzer.sqlite"

    @Option(help: "Address to listen on. Anything but loopback requires --token.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 4180

    @Option(help: ArgumentHelp(
        "Require 'Authorization: Bearer TOKEN' on POST /v1/events and the OTLP paths. Defaults to $ANALYZER_TOKEN.",
        discussion: "Prefer the environment variable: a flag is visible to other users in the process list."))
    var token: String?

    @Option(help: "Largest request body accepted, as sent (compressed or not).")
    var maxBodyBytes = ByteCount(IngestLimits().maxBodyBytes)

    @Option(help: "Largest size a gzip body may inflate to (the gzip-bomb limit).")
    var maxDecompressedBytes = ByteCount(IngestLimits().maxDecompressedBytes)

    @Option(help: "Longer lines are rejected as invalid; the rest of the batch is stored.")
    var maxLineBytes = ByteCount(IngestLimits().maxLineBytes)

    @Option(help: "Decoded body bytes all requests in progress may hold together; beyond it, 503 + Retry-After.")
    var maxInFlightBytes = ByteCount(IngestLimits().maxInFlightBytes)

    @Option(help: "Connections served at once (lowered to leave 64 file descriptors under `ulimit -n`).")
    var maxConnections = AnalyzerServerConfiguration().maxConnections

    @Option(help: "How long a connection that sends nothing stays open (e.g. 30s; a bare number is seconds).")
    var idleTimeout = TimeLength<InSeconds>(argument: "30s")!

    @Option(help: "How long a request body may take to arrive (e.g. 1m; a bare number is seconds).")
    var bodyTimeout = TimeLength<InSeconds>(argument: "60s")!

    @Option(help: ArgumentHelp(
        "The analyzer's own log (canonical events on standard output): incidents opened, changed and resolved, refused batches, start and stop at notice; every analysis at debug.",
        valueName: "level"))
    var logLevel = LogLevelArgument(.info)

    @OptionGroup(title: "Retention") var retention: RetentionOptions

    @OptionGroup(title: "Settings") var configFile: ConfigFileOption

    @Option(help: "Event time the dashboard analyses for incidents, before the newest event (e.g. 1h; at most 31d; a bare number is minutes).")
    var analysisWindow = TimeLength<InMinutes>(argument: "1h")!

    @Option(help: "The most events one dashboard analysis reads; a window holding more starts at the newest this many.")
    var maxAnalysisEvents = DashboardConfiguration().maxAnalysisEvents

    @Option(name: .customLong("alert-webhook"), help: ArgumentHelp(
        "POST our JSON (docs/api.md, Alerts) here when an incident opens, changes root cause or resolves (repeatable).",
        valueName: "url"))
    var alertWebhooks: [String] = []

    @Option(name: .customLong("alert-alertmanager"), help: ArgumentHelp(
        "Send incidents to this Alertmanager (its base URL; alerts go to /api/v2/alerts, re-sent every minute while open).",
        valueName: "url"))
    var alertAlertmanagers: [String] = []

    @Option(name: .customLong("alert-slack"), help: ArgumentHelp("Post incidents to this Slack incoming webhook (repeatable).", valueName: "url"))
    var alertSlack: [String] = []

    @Option(help: ArgumentHelp(
        "The dashboard's address as the people alerted reach it, for links in alerts (default: http://HOST:PORT).", valueName: "url"))
    var dashboardURL: String?

    /// The alert targets of the flags, each checked.
    func alertTargets() throws -> [AlertTarget] {
        let targets = alertWebhooks.map { AlertTarget(url: $0, format: .webhook) }
            + alertAlertmanagers.map { AlertTarget(url: $0, format: .alertmanager) } + alertSlack.map { AlertTarget(url: $0, format: .slack) }
        do {
            return try targets.map { target throws(AlertTargetError) in try target.validated() }
        } catch {
            throw ValidationError("\(error.description) (--alert-\(error.format))")
        }
    }

    /// The dashboard's settings: the analysis window, alerts, and the LLM from the environment.
    func dashboardConfiguration() throws -> DashboardConfiguration {
        let llm = Result { () throws(LLMConfigurationError) in
            try LLMConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        }
        var configuration = DashboardConfiguration(analysisWindow: analysisWindow.duration, llm: llm, maxAnalysisEvents: maxAnalysisEvents)
        configuration.alerts = try alertTargets()
        configuration.dashboardURL = dashboardURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        configuration.version = AnalyzerCommand.configuration.version
        return configuration
    }

    /// The settings from flags and environment, validated (before the store is opened, so a refused
    /// start creates no database file).
    func serverConfiguration() throws -> AnalyzerServerConfiguration {
        let configuration = AnalyzerServerConfiguration(
            host: host, port: port, token: token ?? environmentToken,
            limits: IngestLimits(
                maxBodyBytes: maxBodyBytes.bytes, maxDecompressedBytes: maxDecompressedBytes.bytes, maxLineBytes: maxLineBytes.bytes,
                maxInFlightBytes: maxInFlightBytes.bytes),
            idleTimeout: try idleTimeout.checked("--idle-timeout", atMost: "1d"),
            bodyTimeout: try bodyTimeout.checked("--body-timeout", atMost: "1d"),
            maxConnections: maxConnections)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }

    /// `ANALYZER_TOKEN`; empty counts as unset (as `VAR= cmd` is the usual way to unset it for one run).
    private var environmentToken: String? {
        ProcessInfo.processInfo.environment["ANALYZER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        _ = try serverConfiguration()
        _ = try analysisWindow.checked("--analysis-window", atMost: "31d")
        guard maxAnalysisEvents >= 1000 else { throw ValidationError("--max-analysis-events must be at least 1000, not \(maxAnalysisEvents)") }
        _ = try alertTargets()
        if let dashboardURL, !(dashboardURL.hasPrefix("http://") || dashboardURL.hasPrefix("https://")) {
            throw ValidationError("--dashboard-url must be an http:// or https:// URL, not '\(dashboardURL)'")
        }
    }

    func run() async throws {
        let configuration = try serverConfiguration()
        // Before the store is created: a port in use must not leave a new store behind.
        let listenSetting = "--host/--port"
        do {
            try await ListenAddress.checkAvailable(host: configuration.host, port: configuration.port, setting: listenSetting)
        } catch {
            throw ValidationError(error.description)
        }
        // The analyzer writes its own log as canonical events, like the services it watches.
        ServiceLog.bootstrap(service: "analyzer", level: logLevel.level)
        let eventStore: SQLiteEventStore
        do {
            eventStore = try SQLiteEventStore(path: store)
        } catch {
            throw ValidationError("cannot open the store '\(store)': \(error)")
        }
        let server = try DashboardServer(store: eventStore, configuration: configuration, dashboard: try dashboardConfiguration())
        let retentionService = retention.policy.map {
            RetentionService(
                store: eventStore, policy: $0, interval: retention.retentionInterval.duration,
                logger: Logger(label: "analyzer.retention"))
        }
        let logger = Logger(label: "analyzer")
        let dashboard = server.dashboard
        let started: @Sendable (Int) async -> Void = { [store, host] port in
            logger.notice("analyzer started", metadata: [
                // Not `host` (the event's own field) nor a `token` key (redacted).
                "version": .string(dashboard.version), "store": .string(store), "listen_host": .string(host), "port": .stringConvertible(port),
                "authentication": .string(configuration.token != nil ? "bearer" : "none"),
                "analysis_window_s": .stringConvertible(Int(dashboard.analysisWindow.components.seconds)),
                "alert_targets": .stringConvertible(dashboard.alerts.count), "llm": .stringConvertible((try? dashboard.llm.get()) != nil),
            ])
        }
        do {
            try await server.makeApplication(retention: retentionService, onServerRunning: started).runService()
            let stored = (try? await eventStore.count()) ?? -1
            logger.notice("analyzer stopped", metadata: ["stored_events": .stringConvertible(stored)])
        } catch where ListenAddress.isAddressInUse(error) {
            // Taken between the check and the bind.
            throw ValidationError(ListenAddress.message(error, host: configuration.host, port: configuration.port, setting: listenSetting))
        }
    }
}
