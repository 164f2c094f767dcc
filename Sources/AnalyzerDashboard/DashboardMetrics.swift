import AnalyzerCore
import CoreMetrics
import MetricsExposition
import Prometheus
import ServiceLog
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
/// | `analyzer_ingest_batch_events` | histogram | |
/// | `analyzer_ingest_requests_total` | counter | `path`, `code` |
/// | `analyzer_service_requests_total`, `analyzer_service_request_errors_total` | counter | `service` |
/// | `analyzer_service_request_duration_seconds` | histogram | `service` |
/// | `analyzer_edge_calls_total`, `analyzer_edge_call_errors_total` | counter | `caller`, `callee` |
/// | `analyzer_edge_call_duration_seconds` | histogram | `caller`, `callee` |
/// | `analyzer_build_info` | gauge (always 1) | `version` |
///
/// Every metric has a `# HELP` line (``help``); the counters exist at 0 from the start. The
/// per-service and per-edge families count the watched services' traffic as it is ingested (see
/// ``TrafficMetrics``); a rate or a percentile is a query (`rate()`, `histogram_quantile()`), so it
/// aggregates across instances. Recording costs a lock and a dictionary lookup per series.
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
    private let batchSize: CoreMetrics.Recorder
    private let traffic: TrafficMetrics
    private let ingestRequests = Mutex<[String: CoreMetrics.Counter]>([:])

    /// Every metric name exported, for documentation and for tests that check dashboards against it.
    public static let names: [String] = [
        "analyzer_events_ingested_total", "analyzer_events_duplicate_total", "analyzer_ingest_batches_total",
        "analyzer_ingest_batch_events", "analyzer_ingest_requests_total", "analyzer_stored_events", "analyzer_incidents_open", "analyzer_incidents_known",
        "analyzer_analysis_duration_seconds",
    ] + TrafficMetrics.help.keys.sorted() + ["analyzer_build_info"]

    /// The `# HELP` text of every metric, by name.
    public static let help: [String: String] = [
        "analyzer_events_ingested_total": "Events stored (duplicates not counted).",
        "analyzer_events_duplicate_total": "Events received again with an event_id already stored, and not stored twice.",
        "analyzer_ingest_batches_total": "Ingest requests whose events were stored.",
        "analyzer_ingest_batch_events": "Events per stored ingest request (valid lines, duplicates included).",
        "analyzer_ingest_requests_total": "Requests to the ingest paths (/v1/events, /v1/traces, /v1/logs, /v1/metrics) by status code, refusals included.",
        "analyzer_stored_events": "Events in the store at the last analysis.",
        "analyzer_incidents_open": "Incidents open at the last analysis.",
        "analyzer_incidents_known": "Incidents kept (open and resolved) at the last analysis.",
        "analyzer_analysis_duration_seconds": "Time one incident analysis of the recent window took.",
        "analyzer_build_info": "Which analyzer is running (its labels); the value is always 1.",
    ].merging(TrafficMetrics.help) { first, _ in first }

    /// Creates the metrics in a new registry; `version` labels `analyzer_build_info`.
    /// - Parameter maximumTrafficSeries: services (and, apart, edges) given their own series before new
    ///   ones are counted under `__overflow__` (see ``TrafficMetrics``).
    public init(version: String = "unknown", maximumTrafficSeries: Int = 1000) {
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
        batchSize = CoreMetrics.Recorder(label: "analyzer_ingest_batch_events", aggregate: true, factory: factory)
        traffic = TrafficMetrics(factory: factory, maximumSeries: maximumTrafficSeries)
        // Present at 0 before the first batch, so that rate() and absent() alerts see a series.
        ingested.increment(by: 0)
        duplicates.increment(by: 0)
        batches.increment(by: 0)
        incidentsOpen.record(0)
        incidentsKnown.record(0)
        // The outcomes alerts watch, present at 0 before the first request.
        for code in [200, 400, 401, 413, 503] { recordIngestRequest(path: "/v1/events", status: code, by: 0) }
    }

    /// Counts one request to an ingest path. Paths outside the four ingest ones count as `other`, so
    /// that a scanner probing URLs cannot add series.
    public func recordIngestRequest(path: String, status: Int, by amount: Int64 = 1) {
        let known = ["/v1/events", "/v1/traces", "/v1/logs", "/v1/metrics"]
        let labels = [("path", known.contains(path) ? path : "other"), ("code", String(min(max(status, 0), 999)))]
        let key = labels[0].1 + " " + labels[1].1
        let counter = ingestRequests.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = CoreMetrics.Counter(label: "analyzer_ingest_requests_total", dimensions: labels, factory: factory)
            counters[key] = made
            return made
        }
        counter.increment(by: amount)
    }

    /// Counts one stored batch and the requests and calls it newly stored.
    public func recordIngest(_ events: [Event], _ receipt: StoreReceipt) {
        batches.increment()
        batchSize.record(events.count)
        ingested.increment(by: Int64(receipt.inserted))
        duplicates.increment(by: Int64(receipt.duplicates))
        // A store that does not say which events were duplicates leaves the batch uncounted rather
        // than counting a resend twice.
        if receipt.inserted > 0, receipt.duplicatePositions.count == receipt.duplicates {
            traffic.record(events, duplicatePositions: receipt.duplicatePositions)
        }
    }

    /// Records the outcome of one incident analysis.
    public func recordAnalysis(duration: Duration, storedEvents count: Int, incidents: Int, open: Int) {
        analysisDuration.recordNanoseconds(duration.microseconds * 1000)
        storedEvents.record(Double(count))
        incidentsKnown.record(Double(incidents))
        incidentsOpen.record(Double(open))
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        registry.emitToString()
    }
}
