import ServiceLog

/// The facts the detector and the ranker work on, extracted once from a window of events: every
/// server span (a service handling a request) with its self time, every call attempt, every gauge
/// sample and error message. Flat arrays of small structs, so one hour of traffic fits and scans fast.
public struct Observations: Sendable {
    /// A service handling one request.
    public struct ServerSpan: Sendable, Hashable {
        public var service: String
        public var spanID: String
        public var parentSpanID: String?
        public var correlationID: String?
        public var endpoint: String
        /// End time (microseconds since the epoch).
        public var time: Int64
        public var durationMS: Double
        /// Duration minus the time spent waiting on its own outgoing calls.
        public var selfMS: Double
        public var statusCode: Int
        public var success: Bool
        /// Whether a call it made failed (its failure may be inherited).
        public var childFailed: Bool
        /// Whether the caller is outside the data (a user-facing request).
        public var isEntry: Bool
    }

    /// One attempt of a call from `caller` to `target`.
    public struct Call: Sendable, Hashable {
        public var caller: String
        public var target: String
        public var correlationID: String?
        public var time: Int64
        public var durationMS: Double
        public var statusCode: Int
        public var success: Bool
        public var errorKind: String?
    }

    /// One gauge reading from a `resource` event.
    public struct Gauge: Sendable, Hashable {
        public var service: String
        public var name: String
        public var time: Int64
        public var value: Double
    }

    /// An error or warning message written by a service.
    public struct Message: Sendable, Hashable {
        public var service: String
        public var time: Int64
        public var text: String
        public var correlationID: String?
    }

    public var spans: [ServerSpan] = []
    public var calls: [Call] = []
    public var gauges: [Gauge] = []
    public var errorMessages: [Message] = []
    /// Every service's event times, for silence detection (sorted).
    public var eventTimes: [String: [Int64]] = [:]
    public var first: Int64 = 0
    public var last: Int64 = 0

    /// The event types the observations are built from: `request_start` carries nothing that
    /// `request_end` does not, so readers can skip loading it.
    public static let eventTypes: Set<EventType> = [.requestEnd, .serviceCall, .resource, .error, .log]

    public init() {}

    /// Extracts observations from events in any order.
    public init(events: [Event]) {
        guard !events.isEmpty else { return }
        var callsByParent: [String: [(start: Int64, end: Int64, failed: Bool)]] = [:]
        var clientSpanIDs = Set<String>()
        first = .max
        last = .min
        for event in events {
            let time = event.timestamp.microsecondsSinceEpoch
            first = min(first, time)
            last = max(last, time)
            eventTimes[event.service, default: []].append(time)
            switch event.payload {
            case .serviceCall(let call):
                calls.append(Call(
                    caller: event.service, target: call.targetService, correlationID: event.correlationID, time: time,
                    durationMS: call.durationMS, statusCode: call.statusCode, success: call.success, errorKind: call.error))
                if let span = event.spanID?.description { clientSpanIDs.insert(span) }
                if let parent = event.parentSpanID?.description {
                    // Saturating: a duration from data must not trap (1e300 ms once crash-looped the analyzer).
                    let start = time.subtractingSaturated(Int64(microsecondsFromMilliseconds: call.durationMS))
                    callsByParent[parent, default: []].append((start, time, !call.success))
                }
            case .resource(let sample):
                gauges.append(Gauge(service: event.service, name: "memory_mb", time: time, value: sample.memoryMB))
                gauges.append(Gauge(service: event.service, name: "cpu_percent", time: time, value: sample.cpuPercent))
                if let threads = sample.threads { gauges.append(Gauge(service: event.service, name: "threads", time: time, value: Double(threads))) }
                if let fds = sample.openFDs { gauges.append(Gauge(service: event.service, name: "open_fds", time: time, value: Double(fds))) }
                for (name, value) in sample.gauges { gauges.append(Gauge(service: event.service, name: name, time: time, value: value)) }
            case .error:
                errorMessages.append(Message(service: event.service, time: time, text: event.message ?? "", correlationID: event.correlationID))
            case .log where event.level >= .warning:
                errorMessages.append(Message(service: event.service, time: time, text: event.message ?? "", correlationID: event.correlationID))
            default:
                break
            }
        }
        for event in events {
            guard case .requestEnd(let end) = event.payload else { continue }
            let spanID = event.spanID?.description ?? ""
            let children = (callsByParent[spanID] ?? []).sorted { $0.start < $1.start }
            var waiting = children.map { ($0.start, $0.end) }
            // The pause between a failed attempt and its retry is backoff, not the service's own work.
            for (previous, next) in zip(children, children.dropFirst()) where previous.failed && next.start > previous.end {
                waiting.append((previous.end, next.start))
            }
            let waited = Self.covered(waiting)
            let duration = end.durationMS
            let parent = event.parentSpanID?.description
            spans.append(ServerSpan(
                service: event.service, spanID: spanID, parentSpanID: parent, correlationID: event.correlationID,
                endpoint: end.endpoint, time: event.timestamp.microsecondsSinceEpoch, durationMS: duration,
                selfMS: max(0, duration - Double(waited) / 1000), statusCode: end.statusCode, success: end.success,
                childFailed: children.contains { $0.failed }, isEntry: parent == nil || !clientSpanIDs.contains(parent!)))
        }
        spans.sort { $0.time < $1.time }
        calls.sort { $0.time < $1.time }
        gauges.sort { $0.time < $1.time }
        errorMessages.sort { $0.time < $1.time }
        for key in eventTimes.keys { eventTimes[key]!.sort() }
    }

    /// Total length of the union of intervals (microseconds).
    static func covered(_ intervals: [(Int64, Int64)]) -> Int64 {
        var total: Int64 = 0
        var current: (Int64, Int64)?
        for (start, end) in intervals.sorted(by: { $0.0 < $1.0 }) where end > start {
            if let open = current, start <= open.1 {
                current = (open.0, max(open.1, end))
            } else {
                if let open = current { total = total.addingSaturated(open.1.subtractingSaturated(open.0)) }
                current = (start, end)
            }
        }
        if let open = current { total = total.addingSaturated(open.1.subtractingSaturated(open.0)) }
        return total
    }

    /// Services that appear in the data (writing events or being called).
    public var services: Set<String> {
        Set(eventTimes.keys).union(calls.map(\.target))
    }

    /// Number of events a service wrote in `[from, until)`.
    public func eventCount(_ service: String, from: Int64, until: Int64) -> Int {
        guard let times = eventTimes[service] else { return 0 }
        return lowerBound(times, until) - lowerBound(times, from)
    }

    private func lowerBound(_ values: [Int64], _ target: Int64) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
