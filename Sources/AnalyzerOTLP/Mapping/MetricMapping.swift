import Foundation
import OTLPModel
import ServiceLog

/// OTLP metrics as `resource` samples: per service instance and second, the gauges the analysis reads
/// (process memory, CPU, threads, file descriptors, connection pools), under the format's names, from
/// OpenTelemetry's process, container, Kubernetes, JVM and database-client conventions. Other gauges
/// and up-down counters are kept under their names with `.` written `_`; monotonic counters,
/// histograms and summaries carry no level to watch and are not stored.
///
/// The format's sample needs memory and CPU: an instance that sends neither is refused with a reason
/// naming the metrics to export (nothing is invented to fill them).
public enum MetricMapping {
    /// Maps every data point of `request`.
    public static func events(
        from request: Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest, limits: FieldLimits? = FieldLimits(),
        now: Timestamp = .now()
    ) -> OTLPMappedBatch {
        var batch = OTLPMappedBatch()
        for resourceMetrics in request.resourceMetrics {
            let identity = OTLPResourceIdentity(resourceMetrics.resource)
            let points = resourceMetrics.scopeMetrics.flatMap(\.metrics).reduce(0) { $0 + Self.points(of: $1).count }
            guard let service = identity.service else {
                batch.reject(points, OTLPResourceIdentity.missingServiceName)
                continue
            }
            var samples: [Int64: SampleBuilder] = [:]
            for metric in resourceMetrics.scopeMetrics.flatMap(\.metrics) {
                for point in Self.points(of: metric) {
                    guard let time = OTLPIDs.timestamp(nanos: point.timeUnixNano) else {
                        batch.reject(1, "data point of \(metric.name.prefix(64)) has no time_unix_nano")
                        continue
                    }
                    let second = time.microsecondsSinceEpoch / 1_000_000
                    samples[second, default: SampleBuilder(time: time)].add(metric, point)
                }
            }
            for second in samples.keys.sorted() {
                let builder = samples[second]!
                guard let sample = builder.sample() else {
                    batch.reject(builder.pointCount, "\(service) sent no process memory or CPU gauge (export process.memory.usage and process.cpu.utilization, or the container's or JVM's)")
                    continue
                }
                var hash = FNV1a()
                for part in [service, identity.instance ?? "", String(second)] {
                    hash.add(part.utf8)
                    hash.add(0x1f)
                }
                let event = Event(
                    timestamp: builder.time, level: .info, service: service, payload: .resource(sample),
                    eventID: "otlp:metrics:" + String(hash.value, radix: 16), host: identity.host, instance: identity.instance,
                    source: "otlp.metrics")
                let before = batch.acceptedItems
                batch.accept([event], limits: limits, now: now)
                // One sample stands for all the points it was made of.
                if batch.acceptedItems > before { batch.acceptedItems += builder.pointCount - 1 }
            }
        }
        return batch
    }

    /// The points a metric carries that hold a level (gauges, up-down counters).
    static func points(of metric: Opentelemetry_Proto_Metrics_V1_Metric) -> [Opentelemetry_Proto_Metrics_V1_NumberDataPoint] {
        switch metric.data {
        case .gauge(let gauge): gauge.dataPoints
        case .sum(let sum) where !sum.isMonotonic: sum.dataPoints
        default: []
        }
    }
}

/// The gauges of one instance at one second.
struct SampleBuilder {
    var time: Timestamp
    var memoryMB: Double?
    var cpuPercent: Double?
    var threads: Double?
    var openFDs: Double?
    var gauges: [String: Double] = [:]
    var pointCount = 0

    init(time: Timestamp) { self.time = time }

    static let memory: Set<String> = [
        "process.memory.usage", "process.memory.rss", "container.memory.working_set", "container.memory.usage",
        "k8s.pod.memory.working_set", "k8s.container.memory.working_set", "jvm.memory.used", "process.runtime.jvm.memory.usage",
    ]
    static let cpu: Set<String> = [
        "process.cpu.utilization", "container.cpu.utilization", "k8s.pod.cpu.utilization", "jvm.cpu.recent_utilization",
        "process.runtime.jvm.cpu.utilization",
    ]
    static let threadCounts: Set<String> = ["process.thread.count", "jvm.thread.count", "process.runtime.jvm.threads.count", "process.threads"]
    static let fileDescriptors: Set<String> = ["process.open_file_descriptor.count", "process.unix.file_descriptor.count", "process.open_file_descriptors"]
    static let cpuLimit: Set<String> = ["k8s.container.cpu_limit_utilization", "k8s.pod.cpu_limit_utilization"]

    mutating func add(_ metric: Opentelemetry_Proto_Metrics_V1_Metric, _ point: Opentelemetry_Proto_Metrics_V1_NumberDataPoint) {
        let value: Double = switch point.value {
        case .asDouble(let double): double
        case .asInt(let int): Double(int)
        case nil: .nan
        }
        guard value.isFinite, !metric.name.isEmpty else { return }
        pointCount += 1
        let name = metric.name
        var attributes = OTLPAttributes(point.attributes)
        if Self.memory.contains(name) {
            memoryMB = (memoryMB ?? 0) + Self.mebibytes(value, unit: metric.unit)
        } else if Self.cpu.contains(name) {
            cpuPercent = (cpuPercent ?? 0) + (metric.unit == "%" ? value : value * 100)
        } else if Self.cpuLimit.contains(name) {
            gauges["cpu_limit_utilization", default: 0] += value
        } else if Self.threadCounts.contains(name) {
            threads = (threads ?? 0) + value
        } else if Self.fileDescriptors.contains(name) {
            openFDs = (openFDs ?? 0) + value
        } else if name == "db.client.connection.count" || name == "db.client.connections.usage" {
            let state = attributes.string("db.client.connection.state", "state") ?? "used"
            gauges[state == "idle" ? "pool_idle" : "pool_in_use", default: 0] += value
        } else if name == "db.client.connection.max" || name == "db.client.connections.max" {
            gauges["pool_max", default: 0] += value
        } else if name == "db.client.connection.pending_requests" || name == "db.client.connections.pending_requests" {
            gauges["pool_pending", default: 0] += value
        } else {
            gauges[Self.gaugeName(name), default: 0] += value
        }
    }

    /// The sample, when both memory and CPU are known (the format requires both).
    func sample() -> ResourceSample? {
        guard let memoryMB, let cpuPercent else { return nil }
        return ResourceSample(
            memoryMB: (memoryMB * 100).rounded() / 100, cpuPercent: (cpuPercent * 100).rounded() / 100,
            threads: threads.map { Int(clamping: Int64(max(0, min($0, 2e9)))) }, openFDs: openFDs.map { Int(clamping: Int64(max(0, min($0, 2e9)))) },
            gauges: gauges)
    }

    static func mebibytes(_ value: Double, unit: String) -> Double {
        switch unit {
        case "MiB", "MBy": value
        case "KiB", "kBy", "KBy": value / 1024
        case "GiB", "GBy": value * 1024
        default: value / 1_048_576  // "By", the convention's unit
        }
    }

    /// A metric name as a gauge field: lower case, `.` and other punctuation as `_`.
    static func gaugeName(_ name: String) -> String {
        let mapped = name.lowercased().unicodeScalars.map { scalar -> Character in
            (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        }
        let text = String(mapped)
        return FieldName.isReserved(text) ? FieldName.collisionPrefix + text : text
    }
}
