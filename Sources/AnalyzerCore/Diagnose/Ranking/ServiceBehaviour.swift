/// How one service (or one of its instances) behaved in a window: the numbers the ranker compares
/// before vs during an incident.
struct ServiceBehaviour: Sendable {
    var spans = 0
    var selfTimes: [Double] = []
    var durations: [Double] = []
    /// Failures (5xx, transport) not explained by a failed call of its own.
    var ownFailures = 0
    var failures = 0
    var clientErrors: [ClientErrorClass: Int] = [:]
    var events = 0
    /// Calls made to it by others (attempts).
    var callsIn = 0
    var refusedIn = 0
    var resetIn = 0
    var timeoutsIn = 0
    var failedIn = 0
    /// Calls to it for which it wrote no server span.
    var unansweredIn = 0
    /// Failing requests first, then others that show the change.
    var failingRequests: [String] = []
    /// Per endpoint: request durations (successful, not inherited failures) and shapes.
    var endpoints: [String: EndpointBehaviour] = [:]

    /// One endpoint's successful requests.
    struct EndpointBehaviour: Sendable {
        var durations: [Double] = []
        var shapes: [UInt64: Int] = [:]
        var childCalls = 0
        var requests = 0

        mutating func add(_ span: Observations.ServerSpan) {
            requests += 1
            durations.append(span.durationMS)
            shapes[span.childShape, default: 0] += 1
            childCalls += span.childCount
        }
    }

    var selfP50: Double? { Quantile.of(selfTimes, 0.5) }
    var selfP90: Double? { Quantile.of(selfTimes, 0.9) }
    var ownFailureRatio: Double { spans == 0 ? 0 : Double(ownFailures) / Double(spans) }
    var refusedRatio: Double { callsIn == 0 ? 0 : Double(refusedIn) / Double(callsIn) }
    var resetRatio: Double { callsIn == 0 ? 0 : Double(resetIn) / Double(callsIn) }
    var timeoutRatio: Double { callsIn == 0 ? 0 : Double(timeoutsIn) / Double(callsIn) }

    mutating func add(_ span: Observations.ServerSpan) {
        spans += 1
        if span.outcome != .clientError {
            selfTimes.append(span.selfMS)
            durations.append(span.durationMS)
        } else {
            clientErrors[ClientErrorClass(status: span.statusCode), default: 0] += 1
        }
        if span.outcome == .failure {
            failures += 1
            if !span.childFailed { ownFailures += 1 }
            if failingRequests.count < 8, let id = span.correlationID, !failingRequests.contains(id) { failingRequests.append(id) }
        }
        if span.outcome == .ok {
            endpoints[span.endpoint, default: EndpointBehaviour()].add(span)
        }
    }

    mutating func addIncoming(_ call: Observations.Call) {
        callsIn += 1
        switch call.errorKind {
        case "connection_refused": refusedIn += 1
        case "connection_reset": resetIn += 1
        case "timeout": timeoutsIn += 1
        default: break
        }
        if call.calleeDurationMS == nil { unansweredIn += 1 }
        if call.outcome == .failure {
            failedIn += 1
            if failingRequests.count < 8, let id = call.correlationID, !failingRequests.contains(id) { failingRequests.append(id) }
        }
    }
}

/// Every service's (and instance's) behaviour in one window, measured in one pass.
struct BehaviourTable: Sendable {
    var services: [String: ServiceBehaviour] = [:]
    var instances: [Observations.InstanceKey: ServiceBehaviour] = [:]
    let from: Int64
    let until: Int64

    init(_ observations: Observations, from: Int64, until: Int64) {
        self.from = from
        self.until = until
        // Instances are measured apart only for services that have several.
        var instanceCounts: [String: Int] = [:]
        for key in observations.instanceEventTimes.keys { instanceCounts[key.service, default: 0] += 1 }
        let multiple = Set(instanceCounts.filter { $0.value >= 2 }.keys)
        for span in observations.spans(from: from, until: until) {
            services[span.service, default: ServiceBehaviour()].add(span)
            if let instance = span.instance, multiple.contains(span.service) {
                instances[Observations.InstanceKey(service: span.service, instance: instance), default: ServiceBehaviour()].add(span)
            }
        }
        for call in observations.calls(from: from, until: until) {
            services[call.target, default: ServiceBehaviour()].addIncoming(call)
            if let instance = call.calleeInstance, multiple.contains(call.target) {
                instances[Observations.InstanceKey(service: call.target, instance: instance), default: ServiceBehaviour()].addIncoming(call)
            }
        }
        for service in observations.services {
            services[service, default: ServiceBehaviour()].events = observations.eventCount(service, from: from, until: until)
        }
        for key in observations.instanceEventTimes.keys where multiple.contains(key.service) {
            instances[key, default: ServiceBehaviour()].events = observations.eventCount(key, from: from, until: until)
        }
    }

    /// Seconds covered.
    var seconds: Double { Double(max(1, until - from)) / 1e6 }

    subscript(service: String) -> ServiceBehaviour {
        services[service] ?? ServiceBehaviour()
    }
}
