import AnalyzerCore
import ServiceLog

/// `GET /api/incidents/{id}/timeline`: error ratio and latency per time bucket before, during and
/// after an incident, for its entry services and its root-cause candidates (from `request_end`).
public struct IncidentTimeline: Sendable, Codable, Hashable {
    /// One time bucket of one service.
    public struct Bucket: Sendable, Codable, Hashable {
        /// Bucket start (RFC 3339).
        public var start: String
        public var requests: Int
        public var errors: Int
        /// `errors / requests`, 0 without requests.
        public var errorRatio: Double
        /// Latency quantiles of the bucket, absent without requests.
        public var p50MS: Double?
        public var p95MS: Double?

        enum CodingKeys: String, CodingKey {
            case start, requests, errors
            case errorRatio = "error_ratio"
            case p50MS = "p50_ms"
            case p95MS = "p95_ms"
        }
    }

    /// The buckets of one service.
    public struct Series: Sendable, Codable, Hashable {
        public var service: String
        /// `entry` (user-facing) or `candidate` (a ranked root-cause candidate).
        public var role: String
        public var buckets: [Bucket]
    }

    public var incidentID: String
    /// The incident's own window (RFC 3339).
    public var incidentStart: String
    public var incidentEnd: String
    /// The window the buckets cover.
    public var from: String
    public var until: String
    public var bucketSeconds: Int
    public var series: [Series]

    enum CodingKeys: String, CodingKey {
        case from, until, series
        case incidentID = "incident_id"
        case incidentStart = "incident_start"
        case incidentEnd = "incident_end"
        case bucketSeconds = "bucket_seconds"
    }

    /// How much time before and after the incident the timeline shows.
    public static let before: Int64 = 10 * 60_000_000
    public static let after: Int64 = 3 * 60_000_000

    /// Reads the `request_end` events of the incident's entry services and first three candidates
    /// around it and buckets them (10 s buckets, or more when the span is long: at most ~120 buckets).
    public static func build(for incident: Incident, store: any EventStore) async throws -> IncidentTimeline {
        let start = Timestamp(rfc3339: incident.start)?.microsecondsSinceEpoch ?? 0
        let end = Timestamp(rfc3339: incident.end)?.microsecondsSinceEpoch ?? start
        let from = start - before
        let until = end + after
        let candidates = incident.candidates.prefix(3).map(\.service).filter { !incident.entryServices.contains($0) }
        let services = incident.entryServices + candidates
        let events = try await store.events(matching: EventQuery(
            from: Timestamp(microsecondsSinceEpoch: from), until: Timestamp(microsecondsSinceEpoch: until),
            services: Set(services), eventTypes: [.requestEnd]))
        let bucketSeconds = max(10, Int(((until - from) / 1_000_000 + 119) / 120 / 10 * 10))
        let width = Int64(bucketSeconds) * 1_000_000
        let count = Int((until - from + width - 1) / width)
        var durations: [String: [[Double]]] = [:]
        var failures: [String: [Int]] = [:]
        for service in services {
            durations[service] = Array(repeating: [], count: count)
            failures[service] = Array(repeating: 0, count: count)
        }
        for event in events {
            guard case .requestEnd(let end) = event.payload else { continue }
            let index = Int((event.timestamp.microsecondsSinceEpoch - from) / width)
            guard index >= 0, index < count, durations[event.service] != nil else { continue }
            durations[event.service]![index].append(end.durationMS)
            if !end.success { failures[event.service]![index] += 1 }
        }
        let series = services.map { service in
            Series(
                service: service, role: incident.entryServices.contains(service) ? "entry" : "candidate",
                buckets: (0..<count).map { index in
                    let values = durations[service]![index].sorted()
                    let errors = failures[service]![index]
                    return Bucket(
                        start: Timestamp(microsecondsSinceEpoch: from + Int64(index) * width).description, requests: values.count,
                        errors: errors, errorRatio: values.isEmpty ? 0 : Double(errors) / Double(values.count),
                        p50MS: Quantile.ofSorted(values, 0.5), p95MS: Quantile.ofSorted(values, 0.95))
                })
        }
        return IncidentTimeline(
            incidentID: incident.id, incidentStart: incident.start, incidentEnd: incident.end,
            from: Timestamp(microsecondsSinceEpoch: from).description, until: Timestamp(microsecondsSinceEpoch: until).description,
            bucketSeconds: bucketSeconds, series: series)
    }
}
