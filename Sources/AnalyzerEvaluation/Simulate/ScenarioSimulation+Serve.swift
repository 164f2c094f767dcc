import ServiceLog
import W3CTraceContext

extension ScenarioSimulation {
    /// One instance of a service handling one request: `request_start`, its own work, its calls,
    /// maybe a log or an error, `request_end`.
    mutating func serve(
        _ service: Int, instance: Int, endpoint: Topology.Endpoint, at arrival: Int64, parent: SpanID?, context: RequestContext
    ) -> ServeResult {
        let profile = services[service]
        let voice = voices[service]
        let span = newSpanID()
        let trace = TraceFields(context: context, span: span, parent: parent)
        let effect = fault?.effect(on: service, instance: instance, at: arrival) ?? .healthy
        let sampling = herrings.sampling[service]
        let http = logSources.http[service]
        let start = RequestStart(
            method: endpoint.method, endpoint: endpoint.path, userID: service == entry ? "u_\(rng.int(in: 10_000...99_999))" : nil)
        // A datastore that samples its request events decides at the end whether to write them.
        if sampling == nil {
            emit(service, instance: instance, at: arrival, level: .info, payload: .requestStart(start), source: http, trace: trace)
        }
        if service == entry, parent == nil, let rejected = entryRejection(instance: instance, endpoint: endpoint, at: arrival, trace: trace)
        {
            return rejected
        }

        var baseSelfMS = rng.logNormal(median: endpoint.selfMedianMS, sigma: profile.latencySigma)
        if rng.chance(0.005) { baseSelfMS *= 4 }  // the occasional GC pause or cold cache
        var selfMS = baseSelfMS * effect.selfTimeFactor
        if herrings.slowsRequests { selfMS *= herrings.selfFactor(service: service, instance: instance, at: arrival) }
        if fleet.hasDowntime { selfMS *= warmUpFactor(service, instance, at: arrival) }
        var work = SymptomModel.Work()
        if symptoms?.service == service,
            let symptomWork = symptoms?.work(instance: instance, endpoint: endpoint.path, at: arrival, using: &patternRNG)
        {
            work = symptomWork
        }
        selfMS = selfMS * work.selfFactor + work.extraSelfMS + (endpoint.calls.isEmpty ? work.pauseMS : work.pauseMS / 2)
        var time = arrival + Self.micros(selfMS * 0.35)
        var status = 200
        var failure: ScenarioMessages.ErrorText?

        if effect.poolExhausted {
            let poolSize = profile.poolSize ?? Self.defaultPoolSize
            if rng.chance(effect.poolFailureProbability) {
                time += Self.micros(FaultModel.poolTimeoutMS)
                failure = voice.poolTimeout(
                    waitedMS: Int(FaultModel.poolTimeoutMS), poolSize: poolSize, waiting: rng.int(in: 5...40), using: &rng)
                status = 503
            } else {
                time += Self.micros(rng.uniform(120...480))
            }
        }
        time += Self.micros(work.poolWaitMS)
        switch work.failure {
        case .poolTimeout(let waited, let size, let waiting):
            failure = voice.poolTimeout(waitedMS: waited, poolSize: size, waiting: waiting, using: &patternRNG)
            status = 503
        case .outOfMemory(let heap, let limit):
            failure = voice.outOfMemory(heapMB: heap, limitMB: limit, using: &patternRNG)
            status = 500
        case .bug:
            failure = voice.handlerBug(family: fault?.errorFamily ?? 0, service: profile.name, endpoint: endpoint.path, using: &patternRNG)
            status = 500
        case nil:
            break
        }
        if failure == nil, rng.chance(effect.errorProbability) {
            switch effect.error {
            case .outOfMemory:
                let heap = profile.memoryMB * effect.memoryFactor
                failure = voice.outOfMemory(heapMB: Int(heap), limitMB: Int(profile.memoryMB * 8), using: &rng)
            case .handlerBug, .none:
                failure = voice.handlerBug(family: fault?.errorFamily ?? 0, service: profile.name, endpoint: endpoint.path, using: &rng)
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
            var stall = Self.micros(work.pauseMS / 2)
            for call in calls {
                guard let target = serviceIndex[call.target] else { continue }
                let result = perform(
                    call, to: target, from: service, callerInstance: instance, parent: span, at: endpoint.parallelCalls ? callStart : time,
                    context: context, stall: stall)
                stall = 0
                time = max(time, result.end)
                if result.succeeded {
                    if result.status == 404 { status = 404 }
                    continue
                }
                let failed = CallFailure(status: result.status, error: result.error, timeoutMS: call.timeoutMS)
                if call.isOptional {
                    warnings.append((result.end, voice.degraded(target: call.target, failure: failed)))
                    continue
                }
                if failure == nil {
                    failure = voice.upstream(target: call.target, endpoint: call.endpoint, failure: failed, attempts: result.attempts)
                    status = result.error == "timeout" ? 504 : 502
                }
                // Sequential calls stop at the first failure; parallel ones were all under way.
                if !endpoint.parallelCalls { break }
            }
        }
        time += Self.micros(failedOnItsOwn ? selfMS * 0.1 : selfMS * 0.65)
        var finish = time
        if work.killed {
            // Out of memory: the process dies half-way; the kill lands in the fleet, and the caller
            // sees its connection reset (everything this request wrote is lost with it).
            let killedAt = arrival + max(1, (finish - arrival) / 2)
            fleet.add(symptoms!.killDowntime(at: killedAt, using: &patternRNG), service: service, instance: instance)
            finish = max(finish, killedAt)
        }
        let success = status < 500
        let durationMS = Self.milliseconds(finish - arrival)
        let writesRequest = sampling.map { !success || durationMS >= $0.slowerThanMS || herringRNG.chance($0.sampleShare) } ?? true

        for warning in warnings {
            emit(
                service, instance: instance, at: warning.time, level: .warning, payload: .log, message: warning.message,
                source: logSources.clients[service], trace: trace)
        }
        if rng.chance(profile.logProbability), writesRequest || sampling == nil {
            let at = arrival + Int64(rng.unit() * Double(finish - arrival))
            let message =
                profile.phrases.isEmpty
                ? ScenarioMessages.info(service: profile.name, endpoint: endpoint.path, using: &rng)
                : Phrases.fill(rng.pick(profile.phrases), using: &rng)
            emit(
                service, instance: instance, at: at, level: .info, payload: .log, message: message,
                source: logSources.handlers[service], trace: trace)
        }
        if let noisy = herrings.inRequestNoise[service], herringRNG.chance(min(1, 1 / max(1, noisy.everySeconds * spec.requestsPerSecond)))
        {
            let chronic = voice.chronic(variant: noisy.variant, service: profile.name, using: &herringRNG)
            emit(
                service, instance: instance, at: arrival + (finish - arrival) / 2, level: .error,
                payload: .error(ErrorDetails(errorType: chronic.type, stack: chronic.stack)), message: chronic.message,
                source: logSources.handlers[service], trace: trace)
        }
        if let failure {
            emit(
                service, instance: instance, at: max(arrival, finish - 200), level: .error,
                payload: .error(ErrorDetails(errorType: failure.type, stack: failure.stack)), message: failure.message,
                source: logSources.handlers[service], trace: trace)
        }
        if sampling != nil, writesRequest {
            emit(service, instance: instance, at: arrival, level: .info, payload: .requestStart(start), source: http, trace: trace)
        }
        if writesRequest {
            emit(
                service, instance: instance, at: finish, level: success ? .info : .error,
                payload: .requestEnd(
                    RequestEnd(
                        method: endpoint.method, endpoint: endpoint.path, statusCode: status, durationMS: durationMS, success: success)),
                source: http, trace: trace)
        }

        let flat = fleet.flat(service, instance)
        let bucket = self.bucket(arrival)
        requestsPerBucket[flat][bucket] += 1
        if profile.poolSize != nil { poolBusyMicros[flat][bucket] += Self.micros(baseSelfMS) }
        return ServeResult(end: finish, status: status)
    }

    /// The entry answering a user's request itself with a client error (``ClientErrors``): an
    /// expired token (401) or an item that does not exist (404). `nil`: the request goes on.
    mutating func entryRejection(instance: Int, endpoint: Topology.Endpoint, at arrival: Int64, trace: TraceFields) -> ServeResult? {
        let rates = spec.realism.clientErrors
        guard rates.unauthorizedRate > 0 || rates.notFoundRate > 0 else { return nil }
        let status: Int
        if clientRNG.chance(rates.unauthorizedRate) {
            status = 401
        } else if clientRNG.chance(rates.notFoundRate) {
            status = 404
        } else {
            return nil
        }
        let finish = arrival + Self.micros(clientRNG.logNormal(median: status == 401 ? 0.8 : 3, sigma: 0.4))
        emit(
            entry, instance: instance, at: finish, level: .info,
            payload: .requestEnd(
                RequestEnd(
                    method: endpoint.method, endpoint: endpoint.path, statusCode: status, durationMS: Self.milliseconds(finish - arrival),
                    success: true)),
            source: logSources.http[entry], trace: trace)
        requestsPerBucket[fleet.flat(entry, instance)][bucket(arrival)] += 1
        return ServeResult(end: finish, status: status)
    }

    /// A process that just started is slower for 45 s (cold caches, JIT): ×1.8 at first, fading.
    func warmUpFactor(_ service: Int, _ instance: Int, at time: Int64) -> Double {
        guard let since = fleet.downtimes[service][instance].last(where: { $0.end <= time })?.end, time - since < 45_000_000 else {
            return 1
        }
        return 1 + 0.8 * (1 - Double(time - since) / 45e6)
    }
}
