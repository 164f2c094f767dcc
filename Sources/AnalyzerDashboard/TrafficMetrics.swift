import CoreMetrics
import MetricsExposition
import ServiceLog
import Synchronization

/// The watched services' traffic as Prometheus counters and histograms, counted as events arrive.
///
/// Counters and histograms (not rates and quantiles) so that Prometheus can take `rate()` over any
/// range and aggregate across analyzer instances and label values with `sum by` and
/// `histogram_quantile`. A `request_end` event counts one request of its service, a `service_call`
/// one call from its service to the target it names. Events already stored (a resend) are not counted
/// again. Arrival time, not event time: a backfill shows as a burst.
///
/// Label values come from the data, so their number is capped per family (``maximumSeries``): past
/// it, new services or edges are counted under ``overflowLabel`` rather than growing `/metrics` (and
/// Prometheus's memory) without bound.
final class TrafficMetrics: Sendable {
    /// Distinct label sets per family before new ones are folded into ``overflowLabel``.
    let maximumSeries: Int
    /// The label value new services or edges are counted under once a family is full.
    static let overflowLabel = "__overflow__"

    /// The families, for documentation and tests.
    static let help: [String: String] = [
        "analyzer_service_requests_total": "Requests served, by service (request_end events received).",
        "analyzer_service_request_errors_total": "Requests that failed (5xx or transport), by service.",
        "analyzer_service_request_duration_seconds": "Request duration as the serving service measured it, by service.",
        "analyzer_edge_calls_total": "Call attempts from caller to callee (service_call events received).",
        "analyzer_edge_call_errors_total": "Call attempts from caller to callee that failed.",
        "analyzer_edge_call_duration_seconds": "Call duration as the caller measured it, from caller to callee.",
    ]

    private struct Series: Sendable {
        let count: CoreMetrics.Counter
        let errors: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
    }

    private let factory: DocumentedPrometheusFactory
    private let services = Mutex<[String: Series]>([:])
    private let edges = Mutex<[String: Series]>([:])

    /// Records into `factory`'s registry, with request-sized duration buckets (1 ms to 30 s).
    init(factory: DocumentedPrometheusFactory, maximumSeries: Int = 1000) {
        var factory = factory
        factory.durationBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        self.maximumSeries = maximumSeries
    }

    /// Counts the requests and calls of a stored batch, skipping the events at `duplicatePositions`
    /// (ascending), which an earlier batch already counted.
    func record(_ events: [Event], duplicatePositions: [Int]) {
        var skip = duplicatePositions.makeIterator()
        var nextSkipped = skip.next()
        for (position, event) in events.enumerated() {
            if position == nextSkipped {
                nextSkipped = skip.next()
                continue
            }
            switch event.payload {
            case .requestEnd(let end):
                observe(
                    in: services, labels: [("service", event.service)], key: event.service, prefix: "analyzer_service_request",
                    counterName: "analyzer_service_requests_total", success: end.success, milliseconds: end.durationMS)
            case .serviceCall(let call):
                observe(
                    in: edges, labels: [("caller", event.service), ("callee", call.targetService)],
                    key: event.service + "\u{0}" + call.targetService, prefix: "analyzer_edge_call",
                    counterName: "analyzer_edge_calls_total", success: call.success, milliseconds: call.durationMS)
            default:
                continue
            }
        }
    }

    private func observe(
        in family: borrowing Mutex<[String: Series]>, labels: [(String, String)], key: String, prefix: String, counterName: String,
        success: Bool, milliseconds: Double
    ) {
        let series = family.withLock { known -> Series in
            if let existing = known[key] { return existing }
            let full = known.count >= maximumSeries
            let overflowKey = Self.overflowLabel
            if full, let overflow = known[overflowKey] { return overflow }
            let labels = full ? labels.map { ($0.0, Self.overflowLabel) } : labels
            let made = Series(
                count: CoreMetrics.Counter(label: counterName, dimensions: labels, factory: factory),
                errors: CoreMetrics.Counter(label: prefix + "_errors_total", dimensions: labels, factory: factory),
                duration: CoreMetrics.Timer(label: prefix + "_duration_seconds", dimensions: labels, factory: factory))
            known[full ? overflowKey : key] = made
            return made
        }
        series.count.increment()
        if !success { series.errors.increment() }
        // The format bounds durations (docs/event-format.md); the guard keeps a value from another
        // store version from trapping the conversion.
        if milliseconds.isFinite, milliseconds >= 0 {
            series.duration.recordNanoseconds(Int64(min(milliseconds, 1e12) * 1_000_000))
        }
    }
}
