import AnalyzerCore
import CoreMetrics
import MetricsExposition
import Prometheus
import Synchronization

/// The analyzer's metrics, exported at `GET /metrics` in Prometheus text format.
///
/// Recorded through swift-metrics into this server's own ``PrometheusCollectorRegistry`` (not the
/// process-wide `MetricsSystem`, so several servers, e.g. in tests, never share counters):
///
/// | metric | type | labels |
/// |---|---|---|
/// | `analyzer_events_ingested_total` | counter | |
/// | `analyzer_events_duplicate_total` | counter | |
/// | `analyzer_ingest_batches_total` | counter | |
/// | `analyzer_stored_events` | gauge | |
/// | `analyzer_incidents_open` | gauge | |
/// | `analyzer_incidents_known` | gauge | |
/// | `analyzer_analysis_duration_seconds` | histogram | |
/// | `analyzer_service_requests_per_second` | gauge | `service` |
/// | `analyzer_service_error_ratio` | gauge | `service` |
/// | `analyzer_service_latency_p50_seconds`, `analyzer_service_latency_p99_seconds` | gauge | `service` |
/// | `analyzer_edge_calls_per_second`, `analyzer_edge_error_ratio`, `analyzer_edge_latency_p99_seconds` | gauge | `caller`, `callee` |
/// | `analyzer_build_info` | gauge (always 1) | `version` |
///
/// Every metric has a `# HELP` line (``help``).
/// Per-service and per-edge figures cover the recent window (``DashboardConfiguration/recentWindow``)
/// of event time and are updated after each analysis. Recording costs a lock and a dictionary lookup.
public final class DashboardMetrics: Sendable {
    /// Where the metrics live; emit it with `emitToString()`.
    public let registry: PrometheusCollectorRegistry
    private let factory: DocumentedPrometheusFactory
    private let ingested: CoreMetrics.Counter
    private let duplicates: CoreMetrics.Counter
    private let batches: CoreMetrics.Counter
    private let storedEvents: CoreMetrics.Gauge
    private let incidentsOpen: CoreMetrics.Gauge
    private let incidentsKnown: CoreMetrics.Gauge
    private let analysisDuration: CoreMetrics.Timer
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    /// Every metric name exported, for documentation and for tests that check dashboards against it.
    public static let names: [String] = [
        "analyzer_events_ingested_total", "analyzer_events_duplicate_total", "analyzer_ingest_batches_total",
        "analyzer_stored_events", "analyzer_incidents_open", "analyzer_incidents_known", "analyzer_analysis_duration_seconds",
        "analyzer_service_requests_per_second", "analyzer_service_error_ratio", "analyzer_service_latency_p50_seconds",
        "analyzer_service_latency_p99_seconds", "analyzer_edge_calls_per_second", "analyzer_edge_error_ratio",
        "analyzer_edge_latency_p99_seconds", "analyzer_build_info",
    ]

    /// The `# HELP` text of every metric, by name.
    public static let help: [String: String] = [
        "analyzer_events_ingested_total": "Events stored (duplicates not counted).",
        "analyzer_events_duplicate_total": "Events received again with an event_id already stored, and not stored twice.",
        "analyzer_ingest_batches_total": "Ingest requests whose events were stored.",
        "analyzer_stored_events": "Events in the store at the last analysis.",
        "analyzer_incidents_open": "Incidents open at the last analysis.",
        "analyzer_incidents_known": "Incidents kept (open and resolved) at the last analysis.",
        "analyzer_analysis_duration_seconds": "Time one incident analysis of the recent window took.",
        "analyzer_service_requests_per_second": "Requests per second a service served over the recent window (event time).",
        "analyzer_service_error_ratio": "Share of a service's requests that failed (5xx or transport) over the recent window.",
        "analyzer_service_latency_p50_seconds": "Median request duration of a service over the recent window.",
        "analyzer_service_latency_p99_seconds": "99th percentile request duration of a service over the recent window.",
        "analyzer_edge_calls_per_second": "Calls per second from caller to callee over the recent window.",
        "analyzer_edge_error_ratio": "Share of calls from caller to callee that failed over the recent window.",
        "analyzer_edge_latency_p99_seconds": "99th percentile call duration from caller to callee over the recent window.",
        "analyzer_build_info": "Which analyzer is running (its labels); the value is always 1.",
    ]

    /// Creates the metrics in a new registry; `version` labels `analyzer_build_info`.
    public init(version: String = "unknown") {
        registry = PrometheusCollectorRegistry()
        let factory = DocumentedPrometheusFactory(
            registry: registry, help: Self.help,
            durationBuckets: [
                .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
            ])
        self.factory = factory
        CoreMetrics.Gauge(label: "analyzer_build_info", dimensions: [("version", version)], factory: factory).record(1)
        ingested = CoreMetrics.Counter(label: "analyzer_events_ingested_total", factory: factory)
        duplicates = CoreMetrics.Counter(label: "analyzer_events_duplicate_total", factory: factory)
        batches = CoreMetrics.Counter(label: "analyzer_ingest_batches_total", factory: factory)
        storedEvents = CoreMetrics.Gauge(label: "analyzer_stored_events", factory: factory)
        incidentsOpen = CoreMetrics.Gauge(label: "analyzer_incidents_open", factory: factory)
        incidentsKnown = CoreMetrics.Gauge(label: "analyzer_incidents_known", factory: factory)
        analysisDuration = CoreMetrics.Timer(label: "analyzer_analysis_duration_seconds", factory: factory)
        incidentsOpen.record(0)
        incidentsKnown.record(0)
    }

    /// Counts one stored batch.
    public func recordIngest(_ receipt: StoreReceipt) {
        batches.increment()
        ingested.increment(by: Int64(receipt.inserted))
        duplicates.increment(by: Int64(receipt.duplicates))
    }

    /// Records the outcome of one incident analysis.
    public func recordAnalysis(duration: Duration, storedEvents count: Int, incidents: Int, open: Int) {
        analysisDuration.recordNanoseconds(duration.microseconds * 1000)
        storedEvents.record(Double(count))
        incidentsKnown.record(Double(incidents))
        incidentsOpen.record(Double(open))
    }

    /// Sets the per-service and per-edge gauges from the recent window's graph. Services and edges no
    /// longer in the window keep their last values until they show up again.
    public func recordGraph(_ graph: ServiceGraph) {
        for node in graph.nodes {
            let labels = [("service", node.service)]
            gauge("analyzer_service_requests_per_second", labels).record(node.rate)
            gauge("analyzer_service_error_ratio", labels).record(node.errorRatio)
            if let p50 = node.p50MS { gauge("analyzer_service_latency_p50_seconds", labels).record(p50 / 1000) }
            if let p99 = node.p99MS { gauge("analyzer_service_latency_p99_seconds", labels).record(p99 / 1000) }
        }
        for edge in graph.edges {
            let labels = [("caller", edge.caller), ("callee", edge.callee)]
            gauge("analyzer_edge_calls_per_second", labels).record(edge.rate)
            gauge("analyzer_edge_error_ratio", labels).record(edge.errorRatio)
            if let p99 = edge.p99MS { gauge("analyzer_edge_latency_p99_seconds", labels).record(p99 / 1000) }
        }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        registry.emitToString()
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> CoreMetrics.Gauge {
        let key = ([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{0}")
        return gauges.withLock { gauges in
            if let existing = gauges[key] { return existing }
            let made = CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory)
            gauges[key] = made
            return made
        }
    }
}
