import ServiceLog
import W3CTraceContext

extension ScenarioSimulation {
    /// One call with its retries: a `service_call` per attempt, the callee's server span when the
    /// connection is accepted, `timeout` when the answer comes too late, `connection_refused` when the
    /// callee's instance is down. `stall` (a collector pause in the caller while it waited) makes the
    /// first attempt look that much longer from the caller's side.
    mutating func perform(
        _ call: Topology.Call, to target: Int, from caller: Int, callerInstance: Int, parent: SpanID, at callStart: Int64,
        context: RequestContext, stall: Int64 = 0
    ) -> CallResult {
        var attemptStart = callStart
        var attempt = 1
        while true {
            let clientSpan = newSpanID()
            let instance = fleet.pick(target, at: attemptStart, using: &balancerRNG)
            let slowLink =
                link?.delays(caller: caller, callerInstance: callerInstance, callee: target, calleeInstance: instance, at: attemptStart)
                == true
            var finish: Int64
            var status = 0
            var error: String?
            if fault?.isStopped(target, instance: instance, at: attemptStart) == true || fleet.isDown(target, instance, at: attemptStart) {
                finish = attemptStart + Self.micros(rng.uniform(0.3...2)) + (slowLink ? 2 * link!.delay(using: &patternRNG) : 0)
                error = "connection_refused"
            } else if attempt == 1, rng.chance(spec.noise.transientFailureRate) {
                finish = attemptStart + Self.micros(rng.uniform(1...5))
                error = "connection_reset"
            } else {
                let arrival = attemptStart + networkDelay() + (slowLink ? link!.delay(using: &patternRNG) : 0)
                let mark = events.count
                let served = serve(
                    target, instance: instance, endpoint: services[target].endpoint(call.endpoint) ?? services[target].endpoints[0],
                    at: arrival, parent: clientSpan, context: context)
                if let stop = stopDuring(target, instance: instance, from: arrival, through: served.end) {
                    // The process stops while handling this request: it never wrote (or never flushed)
                    // what it did, and the caller's connection is reset.
                    events.removeSubrange(mark...)
                    eventOwners.removeSubrange(mark...)
                    eventTimes.removeSubrange(mark...)
                    finish = stop.time + networkDelay()
                    error = "connection_reset"
                    // (The classic generator never checked the caller's timeout here; kept as it was.)
                    if !stop.classic, Double(finish - attemptStart) > call.timeoutMS * 1000 {
                        finish = attemptStart + Self.micros(call.timeoutMS)
                        error = "timeout"
                    }
                } else {
                    let answered = served.end + networkDelay() + (slowLink ? link!.delay(using: &patternRNG) : 0)
                    if Double(answered - attemptStart) > call.timeoutMS * 1000 {
                        finish = attemptStart + Self.micros(call.timeoutMS)
                        error = "timeout"
                    } else {
                        finish = answered
                        status = served.status
                    }
                }
            }
            if attempt == 1 { finish += stall }
            let success = error == nil && status > 0 && status < 500
            emit(
                caller, instance: callerInstance, at: finish, level: success ? .info : .warning,
                payload: .serviceCall(
                    ServiceCall(
                        targetService: call.target, method: call.method, endpoint: call.endpoint,
                        durationMS: Self.milliseconds(finish - attemptStart), statusCode: status, success: success, error: error,
                        attempt: call.maxAttempts > 1 ? attempt : nil)),
                source: logSources.calls[caller][target],
                trace: TraceFields(context: context, span: clientSpan, parent: parent))
            // The toolkit's RetryPolicy defaults: transport failures and 429/502/503/504 are retried.
            let retryable = error != nil || [429, 502, 503, 504].contains(status)
            if success || !retryable || attempt >= call.maxAttempts {
                return CallResult(end: finish, status: status, error: error, attempts: attempt)
            }
            // Capped exponential backoff with full jitter, from 50 ms.
            attemptStart = finish + Self.micros(rng.unit() * 50 * Double(1 << (attempt - 1)))
            attempt += 1
        }
    }

    /// When `instance` of `target` stopped while handling a request from `from` to `through`: the
    /// classic `unavailable` fault's start, or a downtime of the fleet.
    func stopDuring(_ target: Int, instance: Int, from: Int64, through: Int64) -> (time: Int64, classic: Bool)? {
        if let fault, fault.actsOnProcess, fault.spec.kind == .unavailable, fault.applies(to: target, instance: instance, at: fault.start),
            from < fault.start, through >= fault.start
        {
            return (fault.start, true)
        }
        return fleet.stop(target, instance, after: from, through: through).map { ($0, false) }
    }

    /// One-way network time between two services.
    mutating func networkDelay() -> Int64 {
        Self.micros(rng.logNormal(median: 0.6, sigma: 0.3))
    }
}
