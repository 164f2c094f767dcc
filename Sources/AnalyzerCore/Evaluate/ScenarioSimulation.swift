import Logging
import ServiceLog
import W3CTraceContext

/// Simulates one scenario: user requests arrive at the entry service (Poisson), each service handles
/// its part (server span) and calls others (client spans, with timeouts and retries), and every step
/// writes the canonical events an instrumented service would. Resource samples and noise follow in
/// extensions.
///
/// Time is simulated, not waited for: each request is resolved depth-first at its arrival time, so a
/// scenario of tens of thousands of requests takes well under a second in release builds. All times
/// are integer microseconds (true time; a skewed service's timestamps are shifted only when written),
/// so every `duration_ms` survives the text round trip exactly.
struct ScenarioSimulation {
    /// The trace a request carries from service to service.
    struct RequestContext {
        var traceID: TraceID
        var correlationID: String
    }

    /// The trace fields of one event.
    struct TraceFields {
        var context: RequestContext
        var span: SpanID
        var parent: SpanID?
    }

    /// How a server span ended, as its caller sees it.
    struct ServeResult {
        var end: Int64
        var status: Int
    }

    /// How a call (all its attempts) ended.
    struct CallResult {
        var end: Int64
        var status: Int
        var error: String?
        var attempts: Int

        var succeeded: Bool { error == nil && status > 0 && status < 500 }
    }

    /// The pool assumed for a `resource_exhaustion` fault in a service that declares none.
    static let defaultPoolSize = 16

    /// Gauges are sampled every 10 s; request counts and pool use are kept per 10 s bucket.
    static let bucketMicros: Int64 = 10_000_000

    let spec: ScenarioSpec
    let services: [Topology.Service]
    /// Name → index, for lookups only (never iterated: its order changes between runs).
    let serviceIndex: [String: Int]
    let entry: Int
    let fault: FaultModel?
    let start: Int64
    let end: Int64
    /// Request traffic, IDs and service behaviour.
    var rng: SplitMix64
    /// Gauge samples, on their own stream so that changing gauges never changes requests.
    var resourceRNG: SplitMix64
    /// Noise decisions, on their own stream for the same reason.
    var noiseRNG: SplitMix64
    var events: [Event] = []
    var hosts: [String] = []
    var instances: [String] = []
    /// Microseconds added to each service's written timestamps.
    var skew: [Int64]
    let eventIDPrefix: String
    var eventCounter: UInt64 = 0
    /// Server spans started per service and 10 s bucket.
    var requestsPerBucket: [[Int]]
    /// Microseconds of pool-holding work per service and 10 s bucket (for `pool_in_use`).
    var poolBusyMicros: [[Int64]]

    init(spec: ScenarioSpec) {
        self.spec = spec
        services = spec.topology.services
        var index: [String: Int] = [:]
        for (position, service) in services.enumerated() { index[service.name] = position }
        serviceIndex = index
        entry = index[spec.topology.entry] ?? 0
        start = spec.start.microsecondsSinceEpoch
        end = start + Int64(spec.durationSeconds * 1e6)
        rng = SplitMix64(seed: SplitMix64.derive(spec.seed, 1))
        resourceRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 2))
        noiseRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 3))
        eventIDPrefix = Self.hex16(SplitMix64.derive(spec.seed, 4))
        if let faultSpec = spec.fault, let faulty = index[faultSpec.service] {
            let faultStart = start + Int64(faultSpec.startSecond * 1e6)
            fault = FaultModel(
                spec: faultSpec, service: faulty, start: faultStart,
                end: min(end, faultStart + Int64(faultSpec.durationSeconds * 1e6)),
                errorFamily: Int(SplitMix64.derive(spec.seed, 5) % UInt64(ScenarioMessages.errorFamilyCount)))
        } else {
            fault = nil
        }
        skew = services.map { service in
            guard let clockSkew = spec.noise.clockSkew, clockSkew.service == service.name else { return 0 }
            return Int64(clockSkew.offsetMS * 1000)
        }
        let buckets = Int((end - start) / Self.bucketMicros) + 8
        requestsPerBucket = Array(repeating: Array(repeating: 0, count: buckets), count: services.count)
        poolBusyMicros = Array(repeating: Array(repeating: 0, count: buckets), count: services.count)
        for service in services {
            hosts.append("ip-10-0-\(rng.int(in: 1...9))-\(rng.int(in: 2...250))")
            instances.append("\(service.name)-\(ScenarioMessages.hex(&rng, 9))-\(ScenarioMessages.hex(&rng, 5))")
        }
    }

    // MARK: Running

    /// Simulates the whole scenario and returns its events, oldest first.
    mutating func run() -> [Event] {
        let entryService = services[entry]
        let totalWeight = entryService.endpoints.reduce(0) { $0 + $1.trafficWeight }
        var time = start
        while true {
            let seconds = Double(time - start) / 1e6
            let rate = max(0.01, spec.requestsPerSecond * spec.traffic.factor(atSecond: seconds))
            time += max(1, Int64(rng.exponential(mean: 1e6 / rate)))
            guard time < end else { break }
            var pick = rng.unit() * totalWeight
            var endpoint = entryService.endpoints[0]
            for candidate in entryService.endpoints {
                pick -= candidate.trafficWeight
                if pick < 0 {
                    endpoint = candidate
                    break
                }
            }
            let context = RequestContext(traceID: newTraceID(), correlationID: newCorrelationID())
            _ = serve(entry, endpoint: endpoint, at: time, parent: nil, context: context)
        }
        writeRestartLogs()
        writeResourceSamples()
        return finishedEvents()
    }

    // MARK: Server spans

    /// One service handling one request: `request_start`, its own work, its calls, maybe a log or an
    /// error, `request_end`.
    mutating func serve(_ service: Int, endpoint: Topology.Endpoint, at arrival: Int64, parent: SpanID?, context: RequestContext)
        -> ServeResult
    {
        let profile = services[service]
        let span = newSpanID()
        let trace = TraceFields(context: context, span: span, parent: parent)
        let effect = fault?.effect(on: service, at: arrival) ?? .healthy
        emit(
            service, at: arrival, level: .info, payload: .requestStart(RequestStart(
                method: endpoint.method, endpoint: endpoint.path,
                userID: service == entry ? "u_\(rng.int(in: 10_000...99_999))" : nil)),
            source: "\(profile.name).http", trace: trace)

        var baseSelfMS = rng.logNormal(median: endpoint.selfMedianMS, sigma: profile.latencySigma)
        if rng.chance(0.005) { baseSelfMS *= 4 }  // the occasional GC pause or cold cache
        let selfMS = baseSelfMS * effect.selfTimeFactor
        var time = arrival + Self.micros(selfMS * 0.35)
        var status = 200
        var failure: ScenarioMessages.ErrorText?

        if effect.poolExhausted {
            let poolSize = profile.poolSize ?? Self.defaultPoolSize
            if rng.chance(effect.poolFailureProbability) {
                time += Self.micros(FaultModel.poolTimeoutMS)
                failure = ScenarioMessages.poolTimeout(waitedMS: Int(FaultModel.poolTimeoutMS), poolSize: poolSize, using: &rng)
                status = 503
            } else {
                time += Self.micros(rng.uniform(120...480))
            }
        }
        if failure == nil, rng.chance(effect.errorProbability) {
            switch effect.error {
            case .outOfMemory:
                let heap = profile.memoryMB * effect.memoryFactor
                failure = ScenarioMessages.outOfMemory(heapMB: Int(heap), using: &rng)
            case .handlerBug, .none:
                failure = ScenarioMessages.handlerBug(family: fault?.errorFamily ?? 0, service: profile.name, endpoint: endpoint.path, using: &rng)
            }
            status = 500
        }
        if failure == nil, fault?.service != service, rng.chance(spec.noise.backgroundErrorRate) {
            failure = ScenarioMessages.background(service: profile.name, using: &rng)
            status = 500
        }
        if failure == nil, endpoint.method == "GET", endpoint.path.hasSuffix("/:id"), rng.chance(0.01) {
            status = 404
        }

        // The service's own failures cut its work short; upstream failures do not.
        let failedOnItsOwn = failure != nil
        var warnings: [(time: Int64, message: String)] = []
        if status == 200 {
            var calls: [Topology.Call] = []
            for call in endpoint.calls where rng.chance(call.probability) { calls.append(call) }
            let callStart = time
            for call in calls {
                guard let target = serviceIndex[call.target] else { continue }
                let result = perform(call, to: target, from: service, parent: span, at: endpoint.parallelCalls ? callStart : time, context: context)
                time = max(time, result.end)
                if result.succeeded {
                    if result.status == 404 { status = 404 }
                    continue
                }
                let reason = ScenarioMessages.reason(status: result.status, error: result.error, timeoutMS: call.timeoutMS)
                if call.isOptional {
                    warnings.append((result.end, ScenarioMessages.degraded(target: call.target, reason: reason)))
                    continue
                }
                if failure == nil {
                    failure = ScenarioMessages.upstream(target: call.target, reason: reason, attempts: result.attempts)
                    status = result.error == "timeout" ? 504 : 502
                }
                // Sequential calls stop at the first failure; parallel ones were all under way.
                if !endpoint.parallelCalls { break }
            }
        }
        time += Self.micros(failedOnItsOwn ? selfMS * 0.1 : selfMS * 0.65)
        let finish = time

        for warning in warnings {
            emit(service, at: warning.time, level: .warning, payload: .log, message: warning.message, source: "\(profile.name).clients", trace: trace)
        }
        if rng.chance(profile.logProbability) {
            let at = arrival + Int64(rng.unit() * Double(finish - arrival))
            emit(
                service, at: at, level: .info, payload: .log,
                message: ScenarioMessages.info(service: profile.name, endpoint: endpoint.path, using: &rng),
                source: "\(profile.name).handlers", trace: trace)
        }
        if let failure {
            emit(
                service, at: max(arrival, finish - 200), level: .error,
                payload: .error(ErrorDetails(errorType: failure.type, stack: failure.stack)), message: failure.message,
                source: "\(profile.name).handlers", trace: trace)
        }
        let success = status < 500
        emit(
            service, at: finish, level: success ? .info : .error,
            payload: .requestEnd(RequestEnd(
                method: endpoint.method, endpoint: endpoint.path, statusCode: status, durationMS: Self.milliseconds(finish - arrival),
                success: success)),
            source: "\(profile.name).http", trace: trace)

        let bucket = self.bucket(arrival)
        requestsPerBucket[service][bucket] += 1
        if profile.poolSize != nil { poolBusyMicros[service][bucket] += Self.micros(baseSelfMS) }
        return ServeResult(end: finish, status: status)
    }

    // MARK: Client spans

    /// One call with its retries: a `service_call` per attempt, the callee's server span when the
    /// connection is accepted, `timeout` when the answer comes too late, `connection_refused` when the
    /// callee is stopped.
    mutating func perform(
        _ call: Topology.Call, to target: Int, from caller: Int, parent: SpanID, at callStart: Int64, context: RequestContext
    ) -> CallResult {
        var attemptStart = callStart
        var attempt = 1
        while true {
            let clientSpan = newSpanID()
            var finish: Int64
            var status = 0
            var error: String?
            if fault?.isStopped(target, at: attemptStart) == true {
                finish = attemptStart + Self.micros(rng.uniform(0.3...2))
                error = "connection_refused"
            } else if attempt == 1, rng.chance(spec.noise.transientFailureRate) {
                finish = attemptStart + Self.micros(rng.uniform(1...5))
                error = "connection_reset"
            } else {
                let arrival = attemptStart + networkDelay()
                let mark = events.count
                let served = serve(target, endpoint: services[target].endpoint(call.endpoint) ?? services[target].endpoints[0],
                                   at: arrival, parent: clientSpan, context: context)
                if let fault, fault.spec.kind == .unavailable, fault.service == target, arrival < fault.start, served.end >= fault.start {
                    // The process stops while handling this request: it never wrote (or never flushed)
                    // what it did, and the caller's connection is reset.
                    events.removeSubrange(mark...)
                    finish = fault.start + networkDelay()
                    error = "connection_reset"
                } else {
                    let answered = served.end + networkDelay()
                    if Double(answered - attemptStart) > call.timeoutMS * 1000 {
                        finish = attemptStart + Self.micros(call.timeoutMS)
                        error = "timeout"
                    } else {
                        finish = answered
                        status = served.status
                    }
                }
            }
            let success = error == nil && status > 0 && status < 500
            emit(
                caller, at: finish, level: success ? .info : .warning,
                payload: .serviceCall(ServiceCall(
                    targetService: call.target, method: call.method, endpoint: call.endpoint,
                    durationMS: Self.milliseconds(finish - attemptStart), statusCode: status, success: success, error: error,
                    attempt: call.maxAttempts > 1 ? attempt : nil)),
                source: "\(services[caller].name).clients.\(call.target)",
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

    /// One-way network time between two services.
    mutating func networkDelay() -> Int64 {
        Self.micros(rng.logNormal(median: 0.6, sigma: 0.3))
    }

    // MARK: Writing events

    /// Appends one event written by `service` at true time `time`.
    mutating func emit(
        _ service: Int, at time: Int64, level: Logger.Level, payload: EventPayload, message: String? = nil, source: String,
        trace: TraceFields? = nil
    ) {
        eventCounter += 1
        var correlationID = trace?.context.correlationID
        if trace != nil, noiseRNG.chance(spec.noise.missingCorrelationRate) { correlationID = nil }
        events.append(Event(
            timestamp: Timestamp(microsecondsSinceEpoch: time + skew[service]), level: level, service: services[service].name,
            payload: payload, message: message, eventID: eventIDPrefix + Self.hex16(eventCounter), host: hosts[service],
            instance: instances[service], source: source, correlationID: correlationID, traceID: trace?.context.traceID,
            spanID: trace?.span, parentSpanID: trace?.parent, traceFlags: trace == nil ? nil : 0x01))
    }

    /// The events sorted by written timestamp (ties keep the order they were written in), after losses.
    mutating func finishedEvents() -> [Event] {
        var kept: [Int] = []
        kept.reserveCapacity(events.count)
        for index in events.indices where !noiseRNG.chance(spec.noise.dropRate) { kept.append(index) }
        // Sort indices, not events: an event is a large value and moving it is the expensive part.
        let times = events.map(\.timestamp.microsecondsSinceEpoch)
        kept.sort { (times[$0], $0) < (times[$1], $1) }
        return kept.map { events[$0] }
    }

    // MARK: IDs and units

    mutating func newSpanID() -> SpanID {
        let value = max(1, rng.next()).bigEndian
        return withUnsafeBytes(of: value) { SpanID(bytes: ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5], $0[6], $0[7])) }
    }

    mutating func newTraceID() -> TraceID {
        let high = max(1, rng.next()).bigEndian
        let low = rng.next().bigEndian
        var raw = TraceID.null.bytes
        withUnsafeMutableBytes(of: &raw) { buffer in
            withUnsafeBytes(of: high) { buffer[0..<8].copyBytes(from: $0) }
            withUnsafeBytes(of: low) { buffer[8..<16].copyBytes(from: $0) }
        }
        return TraceID(bytes: raw)
    }

    /// A UUID-shaped correlation ID, like the toolkit generates.
    mutating func newCorrelationID() -> String {
        let hex = Self.hex16(rng.next()) + Self.hex16(rng.next())
        let digits = Array(hex)
        return [digits[0..<8], digits[8..<12], digits[12..<16], digits[16..<20], digits[20..<32]].map { String($0) }.joined(separator: "-")
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func micros(_ milliseconds: Double) -> Int64 {
        max(0, Int64((milliseconds * 1000).rounded()))
    }

    /// Exactly representable as the format's three-decimal milliseconds.
    static func milliseconds(_ micros: Int64) -> Double {
        Double(micros) / 1000
    }

    func bucket(_ time: Int64) -> Int {
        min(requestsPerBucket[0].count - 1, max(0, Int((time - start) / Self.bucketMicros)))
    }
}
