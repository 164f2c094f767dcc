import CoreMetrics
import Prometheus

/// A swift-metrics factory that records into a ``PrometheusCollectorRegistry`` and gives every
/// metric the `# HELP` text of its name, so that `/metrics` is documented as Prometheus asks.
///
/// swift-prometheus's own `PrometheusMetricsFactory` registers every metric with an empty help
/// text, and the registry refuses (with a fatal error) a second registration of a name under a
/// different help text, so help cannot be added afterwards: it has to be known when the metric is
/// made, which is what this factory does from one table per binary. A name missing from the table
/// is exported without a help line, as before.
public struct DocumentedPrometheusFactory: CoreMetrics.MetricsFactory {
    /// Where the metrics live; emit it with `emitToString()`.
    public let registry: PrometheusCollectorRegistry
    /// Help text by metric name.
    public let help: [String: String]
    /// Buckets for timers (duration histograms).
    public var durationBuckets: [Duration]
    /// Buckets for aggregating recorders (value histograms).
    public var valueBuckets: [Double]

    /// Creates a factory over `registry` with the help texts of `help` (metric name to text).
    public init(
        registry: PrometheusCollectorRegistry, help: [String: String],
        durationBuckets: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ],
        valueBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
    ) {
        self.registry = registry
        self.help = help
        self.durationBuckets = durationBuckets
        self.valueBuckets = valueBuckets
    }

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    /// A counter, with the help text of `label`.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CoreMetrics.CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    /// A floating-point counter (a Prometheus counter), with the help text of `label`.
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any CoreMetrics.FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    /// A gauge, or a value histogram when `aggregate` is set, with the help text of `label`.
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any CoreMetrics.RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: valueBuckets)
    }

    /// A gauge, with the help text of `label`.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any CoreMetrics.MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    /// A duration histogram with ``durationBuckets``, with the help text of `label`.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any CoreMetrics.TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: durationBuckets)
    }

    /// Removes the counter from the registry.
    public func destroyCounter(_ handler: any CoreMetrics.CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    /// Removes the counter from the registry.
    public func destroyFloatingPointCounter(_ handler: any CoreMetrics.FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    /// Removes the gauge or histogram from the registry.
    public func destroyRecorder(_ handler: any CoreMetrics.RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as Histogram<Double>: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    /// Removes the gauge from the registry.
    public func destroyMeter(_ handler: any CoreMetrics.MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    /// Removes the histogram from the registry.
    public func destroyTimer(_ handler: any CoreMetrics.TimerHandler) {
        if let histogram = handler as? Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
    }
}
