import ServiceLog

/// The facts the detector and the ranker work on, extracted once from a window of events: every
/// server span (a service handling a request) with its self time and outcome, every call attempt
/// with what the callee itself recorded for it, every gauge sample and every error, warning and log
/// message. Flat arrays of small structs, so one hour of traffic fits and scans fast.
public struct Observations: Sendable {
    /// A service handling one request.
    public struct ServerSpan: Sendable, Hashable {
        public var service: String
        /// The instance (pod, process) that handled it: `instance`, else `host`.
        public var instance: String?
        public var correlationID: String?
        public var endpoint: String
        /// End time (microseconds since the epoch).
        public var time: Int64
        public var durationMS: Double
        /// Duration minus the time spent waiting on its own outgoing calls and their retry backoff.
        public var selfMS: Double
        public var statusCode: Int
        public var outcome: RequestOutcome
        /// Whether the last attempt of one of its calls failed (a failure of its own may be inherited).
        public var childFailed: Bool
        /// Whether the caller is outside the data (a user-facing request).
        public var isEntry: Bool
        /// The services it called (final attempts), as a hash of the sorted set: the request's shape.
        public var childShape: UInt64
        /// How many distinct services it called.
        public var childCount: Int

        /// A failure that no failed call of its own explains.
        public var failedOnItsOwn: Bool { outcome == .failure && !childFailed }
    }

    /// One attempt of a call from `caller` to `target`.
    public struct Call: Sendable, Hashable {
        public var caller: String
        public var callerInstance: String?
        public var target: String
        public var endpoint: String
        public var correlationID: String?
        /// End time (microseconds since the epoch, the caller's clock).
        public var time: Int64
        public var durationMS: Double
        public var statusCode: Int
        public var outcome: RequestOutcome
        /// The transport failure (`timeout`, `connection_refused`, ...), if any.
        public var errorKind: String?
        /// The duration the callee recorded for this attempt (its server span), when it wrote one:
        /// the difference is time on the wire and in queues in front of the callee.
        public var calleeDurationMS: Double?
        /// The callee instance that served it, when known.
        public var calleeInstance: String?

        /// Whether the attempt succeeded from the caller's point of view (client errors included).
        public var success: Bool { outcome != .failure }
    }

    /// One gauge reading from a `resource` event.
    public struct Gauge: Sendable, Hashable {
        public var service: String
        public var instance: String?
        public var name: String
        public var time: Int64
        public var value: Double
    }

    /// A message written by a service: an `error` event, or a `log` event.
    public struct Message: Sendable, Hashable {
        public var service: String
        public var instance: String?
        public var time: Int64
        public var text: String
        /// An `error` event, or a log at `error` or above (a warning otherwise, or an info log).
        public var isError: Bool
        /// `error_type` of an `error` event.
        public var errorType: String?
        public var correlationID: String?
        /// Written inside a request whose own call failed: the error is probably inherited from it.
        public var inherited: Bool
        /// The span it was written in (`0`: outside any request).
        public var spanKey: UInt64
    }

    public var spans: [ServerSpan] = []
    public var calls: [Call] = []
    public var gauges: [Gauge] = []
    /// Errors and warnings (`error` events, `log` events at warning and above), oldest first.
    public var errorMessages: [Message] = []
    /// `log` events below warning, oldest first: what normally happens, to notice what stopped.
    public var infoMessages: [Message] = []
    /// Every service's event times, for silence detection (sorted).
    public var eventTimes: [String: [Int64]] = [:]
    /// Every instance's event times (sorted), keyed by service and instance.
    public var instanceEventTimes: [InstanceKey: [Int64]] = [:]
    public var first: Int64 = 0
    public var last: Int64 = 0

    /// A service's instance.
    public struct InstanceKey: Sendable, Hashable {
        public var service: String
        public var instance: String
    }

    /// The event types the observations are built from: `request_start` carries nothing that
    /// `request_end` does not, so readers can skip loading it.
    public static let eventTypes: Set<EventType> = [.requestEnd, .serviceCall, .resource, .error, .log]

    public init() {}

    /// Services that appear in the data (writing events or being called).
    public var services: Set<String> {
        Set(eventTimes.keys).union(calls.map(\.target))
    }

    /// The instances of `service` seen writing events.
    public func instances(of service: String) -> [String] {
        instanceEventTimes.keys.filter { $0.service == service }.map(\.instance).sorted()
    }

    /// Number of events a service wrote in `[from, until)`.
    public func eventCount(_ service: String, from: Int64, until: Int64) -> Int {
        guard let times = eventTimes[service] else { return 0 }
        return Self.lowerBound(times, until) - Self.lowerBound(times, from)
    }

    /// Number of events one instance wrote in `[from, until)`.
    public func eventCount(_ key: InstanceKey, from: Int64, until: Int64) -> Int {
        guard let times = instanceEventTimes[key] else { return 0 }
        return Self.lowerBound(times, until) - Self.lowerBound(times, from)
    }

    /// The index of the first value `>= target` in sorted `values`.
    static func lowerBound<T: Comparable>(_ values: [T], _ target: T) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The index of the first element whose `time` is `>= target`, in a time-sorted array.
    static func lowerBound<T>(_ values: [T], time target: Int64, _ time: (T) -> Int64) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if time(values[mid]) < target { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Server spans that ended in `[from, until)` (a slice of the time-sorted array).
    public func spans(from: Int64, until: Int64) -> ArraySlice<ServerSpan> {
        spans[Self.lowerBound(spans, time: from, \.time)..<Self.lowerBound(spans, time: until, \.time)]
    }

    /// Call attempts that ended in `[from, until)`.
    public func calls(from: Int64, until: Int64) -> ArraySlice<Call> {
        calls[Self.lowerBound(calls, time: from, \.time)..<Self.lowerBound(calls, time: until, \.time)]
    }

    /// Gauge readings in `[from, until)`.
    public func gauges(from: Int64, until: Int64) -> ArraySlice<Gauge> {
        gauges[Self.lowerBound(gauges, time: from, \.time)..<Self.lowerBound(gauges, time: until, \.time)]
    }

    /// Error and warning messages in `[from, until)`.
    public func errorMessages(from: Int64, until: Int64) -> ArraySlice<Message> {
        errorMessages[Self.lowerBound(errorMessages, time: from, \.time)..<Self.lowerBound(errorMessages, time: until, \.time)]
    }

    /// Info messages in `[from, until)`.
    public func infoMessages(from: Int64, until: Int64) -> ArraySlice<Message> {
        infoMessages[Self.lowerBound(infoMessages, time: from, \.time)..<Self.lowerBound(infoMessages, time: until, \.time)]
    }
}

extension Observations {
    /// The stretch of time the requests and calls really cover: from the first to the last of them,
    /// leaving out strays far from the rest (one event with a clock decades off, a producer writing
    /// seconds as milliseconds) so that they cannot stretch the analysis over years.
    public var requestTimeRange: ClosedRange<Int64>? {
        let times = [spans.map(\.time), calls.map(\.time)].filter { !$0.isEmpty }
        guard !times.isEmpty else { return nil }
        func quantile(_ sorted: [Int64], _ q: Double) -> Int64 { sorted[min(sorted.count - 1, Int(q * Double(sorted.count - 1)))] }
        let low = times.map { quantile($0, 0.001) }.min()!
        let high = times.map { quantile($0, 0.999) }.max()!
        // Up to the core's own length (at least an hour) beyond it still belongs to the data.
        let reach = max(high - low, 3_600_000_000)
        let first = times.compactMap { $0.first { $0 >= low - reach } }.min() ?? low
        let last = times.compactMap { $0.last { $0 <= high + reach } }.max() ?? high
        return first...max(first, last)
    }
}
