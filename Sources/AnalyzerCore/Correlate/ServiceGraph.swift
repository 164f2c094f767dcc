import ServiceLog
import W3CTraceContext

/// The service dependency graph observed in a window of events: per service, the requests it served;
/// per edge (caller → callee), the calls made, with rate, error ratio and latency quantiles.
public struct ServiceGraph: Sendable, Codable, Hashable {
    /// One service's own requests (from `request_end`).
    public struct Node: Sendable, Codable, Hashable {
        public var service: String
        public var requests: Int
        public var errors: Int
        public var errorRatio: Double
        public var p50MS: Double?
        public var p99MS: Double?
        /// Requests per second over the window.
        public var rate: Double

        enum CodingKeys: String, CodingKey {
            case service, requests, errors, rate
            case errorRatio = "error_ratio"
            case p50MS = "p50_ms"
            case p99MS = "p99_ms"
        }
    }

    /// Calls from one service to another (from `service_call`, one per attempt).
    public struct Edge: Sendable, Codable, Hashable {
        public var caller: String
        public var callee: String
        public var calls: Int
        public var errors: Int
        public var errorRatio: Double
        public var p50MS: Double?
        public var p99MS: Double?
        public var rate: Double
        /// Error kinds seen, by count (`timeout: 12`).
        public var errorKinds: [String: Int]
        /// Whether the callee wrote any event in the window (a callee that never logs may be down).
        public var calleeSeen: Bool

        enum CodingKeys: String, CodingKey {
            case caller, callee, calls, errors, rate
            case errorRatio = "error_ratio"
            case p50MS = "p50_ms"
            case p99MS = "p99_ms"
            case errorKinds = "error_kinds"
            case calleeSeen = "callee_seen"
        }
    }

    public var nodes: [Node]
    public var edges: [Edge]
    /// The window the figures cover, in seconds.
    public var windowSeconds: Double

    enum CodingKeys: String, CodingKey {
        case nodes, edges
        case windowSeconds = "window_seconds"
    }

    /// Builds the graph from events (any order).
    public static func build(from events: [Event]) -> ServiceGraph {
        guard let first = events.map(\.timestamp).min(), let last = events.map(\.timestamp).max() else {
            return ServiceGraph(nodes: [], edges: [], windowSeconds: 0)
        }
        let window = max(1, Double(last.microsecondsSinceEpoch.subtractingSaturated(first.microsecondsSinceEpoch)) / 1e6)
        var served: [String: [RequestEnd]] = [:]
        var calls: [String: [ServiceCall]] = [:]
        var seen = Set<String>()
        // The callee's own server span names a call's callee (callers often know only an address).
        var calleeByCallSpan: [SpanID: String] = [:]
        for event in events {
            if case .requestStart = event.payload, let parent = event.parentSpanID { calleeByCallSpan[parent] = event.service }
        }
        for event in events {
            seen.insert(event.service)
            switch event.payload {
            case .requestEnd(let end): served[event.service, default: []].append(end)
            case .serviceCall(let call):
                let callee = event.spanID.flatMap { calleeByCallSpan[$0] } ?? call.targetService
                calls[event.service + "\u{0}" + callee, default: []].append(call)
            default: break
            }
        }
        let nodes = seen.sorted().map { service -> Node in
            let ends = served[service] ?? []
            let errors = ends.filter { !$0.success }.count
            let latencies = ends.map(\.durationMS)
            return Node(
                service: service, requests: ends.count, errors: errors,
                errorRatio: ends.isEmpty ? 0 : Double(errors) / Double(ends.count),
                p50MS: Quantile.of(latencies, 0.5), p99MS: Quantile.of(latencies, 0.99), rate: Double(ends.count) / window)
        }
        let edges = calls.keys.sorted().map { key -> Edge in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            let list = calls[key]!
            let errors = list.filter { !$0.success }.count
            var kinds: [String: Int] = [:]
            for call in list { if let kind = call.error { kinds[kind, default: 0] += 1 } }
            return Edge(
                caller: parts[0], callee: parts[1], calls: list.count, errors: errors,
                errorRatio: Double(errors) / Double(list.count), p50MS: Quantile.of(list.map(\.durationMS), 0.5),
                p99MS: Quantile.of(list.map(\.durationMS), 0.99), rate: Double(list.count) / window, errorKinds: kinds,
                calleeSeen: seen.contains(parts[1]))
        }
        return ServiceGraph(nodes: nodes, edges: edges, windowSeconds: window)
    }
}

/// Quantiles by the nearest-rank method (what an engineer computes by hand from a sorted list).
public enum Quantile {
    /// The `q` quantile (0...1) of `values`, `nil` when empty.
    public static func of(_ values: [Double], _ q: Double) -> Double? {
        ofSorted(values.sorted(), q)
    }

    /// The `q` quantile of values already sorted ascending, `nil` when empty.
    public static func ofSorted(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int(saturating: (q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank - 1, 0), sorted.count - 1)]
    }
}
