/// How one service behaved in a window: the numbers the ranker compares before vs during.
struct ServiceBehaviour {
    var spans = 0
    var selfP50: Double?
    var selfP90: Double?
    /// Failed requests not explained by a failed call of its own.
    var ownFailures = 0
    var errorMessages = 0
    var events = 0
    /// Calls made to this service by others.
    var callsIn = 0
    var refusedIn = 0
    var timeoutsIn = 0
    var failedIn = 0
    var sampleRequests: [String] = []

    var ownFailureRatio: Double { spans == 0 ? 0 : Double(ownFailures) / Double(spans) }
    var refusedRatio: Double { callsIn == 0 ? 0 : Double(refusedIn) / Double(callsIn) }
    var timeoutRatio: Double { callsIn == 0 ? 0 : Double(timeoutsIn) / Double(callsIn) }

    /// Measures `service` in `[from, until)`.
    init(_ service: String, in observations: Observations, from: Int64, until: Int64) {
        var selfTimes: [Double] = []
        for span in observations.spans where span.service == service && span.time >= from && span.time < until {
            spans += 1
            selfTimes.append(span.selfMS)
            if !span.success && !span.childFailed {
                ownFailures += 1
                if sampleRequests.count < 5, let id = span.correlationID { sampleRequests.append(id) }
            }
        }
        selfP50 = Quantile.of(selfTimes, 0.5)
        selfP90 = Quantile.of(selfTimes, 0.9)
        for call in observations.calls where call.target == service && call.time >= from && call.time < until {
            callsIn += 1
            if call.errorKind == "connection_refused" { refusedIn += 1 }
            if call.errorKind == "timeout" { timeoutsIn += 1 }
            if !call.success {
                failedIn += 1
                if sampleRequests.count < 5, let id = call.correlationID, !sampleRequests.contains(id) { sampleRequests.append(id) }
            }
        }
        errorMessages = observations.errorMessages.filter { $0.service == service && $0.time >= from && $0.time < until }.count
        events = observations.eventCount(service, from: from, until: until)
    }
}
