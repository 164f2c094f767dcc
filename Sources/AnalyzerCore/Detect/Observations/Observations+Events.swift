import ServiceLog
import W3CTraceContext

extension Observations {
    /// Extracts observations from events in any order.
    ///
    /// A span or call attempt written twice (a duplicated line, with or without the same
    /// `event_id`) counts once: the first copy by span ID wins. Every conversion from data is
    /// checked, so no value in an event can trap here.
    public init(events: [Event]) {
        guard !events.isEmpty else { return }
        var builder = Builder()
        for event in events { builder.add(event) }
        self = builder.finish(events)
    }
}

/// One child call of a server span, as the span's own service saw it.
private struct ChildCall {
    var start: Int64
    var end: Int64
    var failed: Bool
    var target: String
}

/// Collects facts in one pass, then links spans with their calls.
private struct Builder {
    var observations = Observations()
    var callsByParent: [UInt64: [ChildCall]] = [:]
    /// Call index by the call's own span: a callee's server span names it as its parent.
    var callIndexBySpan: [UInt64: Int] = [:]
    /// The caller's server span of each call, by the call's own span.
    var callParentBySpan: [UInt64: UInt64] = [:]
    /// Each server span's caller's server span (its grandparent through the call), by span.
    var serverParent: [UInt64: UInt64] = [:]
    var requestEnds: [Int] = []
    var seenServerSpans = Set<UInt64>()
    var index = 0

    init() {
        observations.first = .max
        observations.last = .min
    }

    mutating func add(_ event: Event) {
        defer { index += 1 }
        let time = event.timestamp.microsecondsSinceEpoch
        observations.first = min(observations.first, time)
        observations.last = max(observations.last, time)
        let instance = event.instance ?? event.host
        observations.eventTimes[event.service, default: []].append(time)
        if let instance {
            observations.instanceEventTimes[Observations.InstanceKey(service: event.service, instance: instance), default: []].append(time)
        }
        switch event.payload {
        case .serviceCall(let call):
            let key = event.spanID?.key ?? 0
            if key != 0 {
                guard callIndexBySpan[key] == nil else { return }
                callIndexBySpan[key] = observations.calls.count
            }
            let outcome = RequestOutcome.of(status: call.statusCode, success: call.success, transportError: call.error)
            observations.calls.append(Observations.Call(
                caller: event.service, callerInstance: instance, target: call.targetService, endpoint: call.endpoint,
                correlationID: event.correlationID, time: time, durationMS: Self.finite(call.durationMS), statusCode: call.statusCode,
                outcome: outcome, errorKind: call.error))
            if let parent = event.parentSpanID?.key {
                if key != 0 { callParentBySpan[key] = parent }
                let start = time.subtractingReportingOverflow(Self.micros(call.durationMS))
                callsByParent[parent, default: []].append(ChildCall(
                    start: start.overflow ? .min : start.partialValue, end: time, failed: outcome == .failure, target: call.targetService))
            }
        case .requestEnd:
            requestEnds.append(index)
        case .resource(let sample):
            func gauge(_ name: String, _ value: Double) {
                guard value.isFinite else { return }
                observations.gauges.append(Observations.Gauge(service: event.service, instance: instance, name: name, time: time, value: value))
            }
            gauge("memory_mb", sample.memoryMB)
            gauge("cpu_percent", sample.cpuPercent)
            if let threads = sample.threads { gauge("threads", Double(threads)) }
            if let fds = sample.openFDs { gauge("open_fds", Double(fds)) }
            for (name, value) in sample.gauges { gauge(name, value) }
        case .error(let details):
            observations.errorMessages.append(message(event, time: time, instance: instance, errorType: details.errorType))
        case .log where event.level >= .warning:
            observations.errorMessages.append(message(event, time: time, instance: instance, errorType: nil))
        case .log:
            observations.infoMessages.append(message(event, time: time, instance: instance, errorType: nil))
        case .requestStart:
            break
        }
    }

    func message(_ event: Event, time: Int64, instance: String?, errorType: String?) -> Observations.Message {
        Observations.Message(
            service: event.service, instance: instance, time: time, text: event.message ?? "", isError: errorType != nil || event.level >= .error, errorType: errorType,
            correlationID: event.correlationID, inherited: false, spanKey: event.spanID?.key ?? 0)
    }

    mutating func finish(_ events: [Event]) -> Observations {
        var childFailedBySpan: [UInt64: Bool] = [:]
        for position in requestEnds {
            let event = events[position]
            guard case .requestEnd(let end) = event.payload else { continue }
            let key = event.spanID?.key ?? 0
            if key != 0 {
                guard seenServerSpans.insert(key).inserted else { continue }
            }
            let children = (callsByParent[key] ?? []).sorted { $0.start < $1.start }
            let (waitedMicros, childFailed, shape, count) = Self.summarize(children)
            childFailedBySpan[key] = childFailed
            let duration = Self.finite(end.durationMS)
            let parent = event.parentSpanID?.key
            let instance = event.instance ?? event.host
            if let parent, let callIndex = callIndexBySpan[parent] {
                observations.calls[callIndex].calleeDurationMS = duration
                observations.calls[callIndex].calleeInstance = instance
                // The callee's own span names it: many clients know only the address they called
                // (AsyncHTTPClient's and most OpenTelemetry HTTP client spans carry no peer.service),
                // and an edge to "10.0.3.7" would never meet the service's own behaviour.
                observations.calls[callIndex].target = event.service
            }
            if key != 0, let parent, let callerSpan = callParentBySpan[parent] { serverParent[key] = callerSpan }
            observations.spans.append(Observations.ServerSpan(
                service: event.service, instance: instance, correlationID: event.correlationID, endpoint: end.endpoint,
                time: event.timestamp.microsecondsSinceEpoch, durationMS: duration,
                selfMS: max(0, duration - Double(waitedMicros) / 1000), statusCode: end.statusCode,
                outcome: RequestOutcome.of(status: end.statusCode, success: end.success), childFailed: childFailed,
                isEntry: parent == nil || callIndexBySpan[parent!] == nil, childShape: shape, childCount: count))
        }
        // An error is inherited when a call of its request failed, or when a service deeper in the same
        // request wrote an error first: the deepest one is where it started, even for spans that carry
        // no status (some tracers record none).
        var erredBelow = Set<UInt64>()
        for message in observations.errorMessages where message.isError && message.spanKey != 0 {
            var current = serverParent[serverSpan(of: message.spanKey)]
            var steps = 0
            while let span = current, steps < 64, erredBelow.insert(span).inserted {
                current = serverParent[span]
                steps += 1
            }
        }
        for position in observations.errorMessages.indices where observations.errorMessages[position].spanKey != 0 {
            let span = serverSpan(of: observations.errorMessages[position].spanKey)
            observations.errorMessages[position].inherited = (childFailedBySpan[span] ?? false) || erredBelow.contains(span)
        }
        observations.spans.sort { $0.time < $1.time }
        observations.calls.sort { $0.time < $1.time }
        observations.gauges.sort { $0.time < $1.time }
        observations.errorMessages.sort { $0.time < $1.time }
        observations.infoMessages.sort { $0.time < $1.time }
        for key in observations.eventTimes.keys { observations.eventTimes[key]!.sort() }
        for key in observations.instanceEventTimes.keys { observations.instanceEventTimes[key]!.sort() }
        return observations
    }

    /// The server span a message's span belongs to: itself, or the caller's span for a client span.
    func serverSpan(of key: UInt64) -> UInt64 {
        callParentBySpan[key] ?? key
    }

    /// Waiting time (calls and the backoff between a failed attempt and its retry), whether the last
    /// attempt towards some callee failed, and the request's shape (which services it called).
    static func summarize(_ children: [ChildCall]) -> (waited: Int64, childFailed: Bool, shape: UInt64, count: Int) {
        guard !children.isEmpty else { return (0, false, 0, 0) }
        var waiting = children.map { ($0.start, $0.end) }
        for (previous, next) in zip(children, children.dropFirst()) where previous.failed && next.start > previous.end {
            waiting.append((previous.end, next.start))
        }
        var lastByTarget: [String: ChildCall] = [:]
        for child in children where child.end >= (lastByTarget[child.target]?.end ?? .min) { lastByTarget[child.target] = child }
        let targets = lastByTarget.keys.sorted()
        var hasher = FNV1a()
        for target in targets {
            hasher.add(target.utf8)
            hasher.add(0)
        }
        return (covered(waiting), lastByTarget.values.contains { $0.failed }, hasher.value, targets.count)
    }

    /// Total length of the union of intervals (microseconds).
    static func covered(_ intervals: [(Int64, Int64)]) -> Int64 {
        var total: Int64 = 0
        var current: (Int64, Int64)?
        for (start, end) in intervals.sorted(by: { $0.0 < $1.0 }) where end > start {
            if let open = current, start <= open.1 {
                current = (open.0, max(open.1, end))
            } else {
                if let open = current { total = total &+ (open.1 &- open.0) }
                current = (start, end)
            }
        }
        if let open = current { total = total &+ (open.1 &- open.0) }
        return max(0, total)
    }

    /// Milliseconds as whole microseconds, clamped to a day: a duration from data never traps.
    static func micros(_ milliseconds: Double) -> Int64 {
        guard milliseconds.isFinite, milliseconds > 0 else { return 0 }
        return Int64(min(milliseconds, 86_400_000) * 1000)
    }

    /// A finite, non-negative duration.
    static func finite(_ milliseconds: Double) -> Double {
        milliseconds.isFinite ? max(0, milliseconds) : 0
    }
}

extension SpanID {
    /// The span ID as a number, for cheap dictionary keys (`0` is never a valid span ID).
    var key: UInt64 {
        let b = bytes
        return UInt64(b.0) << 56 | UInt64(b.1) << 48 | UInt64(b.2) << 40 | UInt64(b.3) << 32
            | UInt64(b.4) << 24 | UInt64(b.5) << 16 | UInt64(b.6) << 8 | UInt64(b.7)
    }
}
