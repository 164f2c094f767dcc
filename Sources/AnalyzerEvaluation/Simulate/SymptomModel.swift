import AnalyzerCore

/// Faults as real systems show them (``Realism/symptoms``), with the state they build up:
///
/// - `memory_leak`: each request leaks a little heap, so memory grows with the traffic the instance
///   serves. Past 70 % of the heap limit the collector pauses requests (self time spikes; a pause
///   while a call is outstanding makes that call look slow from the leaking side too; near the limit
///   most requests stall for seconds); past 90 % allocations fail (`OutOfMemoryError`-style errors);
///   at the limit the process is killed, stays down while it restarts (refused connections until
///   the balancer notices), and starts again with fresh memory, still leaking. The fix rolls out one
///   instance after another, the last at the fault's end.
/// - `resource_exhaustion`: a connection pool leaks connections until every one is taken: pool
///   gauges climb first, requests then wait for the pool and fail with pool timeouts and 503s; the
///   fix rolls out as for a leak.
/// - `cpu_saturation`: a runaway job takes the cores; memory stays normal.
/// - `unavailable`: the process crashes (a fatal line, or nothing) and stays down, sometimes in a
///   crash loop; connections are refused.
/// - `errors`: a bug throws in one code path (one endpoint of several, or all).
/// - `latency`: its own work waits on something slow (an uninstrumented disk or API).
///
/// Intensity picks a point in each kind's range; scale shrinks the effect for low-intensity faults.
struct SymptomModel {
    /// What the fault does to one request.
    struct Work {
        var selfFactor = 1.0
        var extraSelfMS = 0.0
        /// A collector pause: part of it stalls the service's outgoing calls as it sees them.
        var pauseMS = 0.0
        var poolWaitMS = 0.0
        var failure: Failure?
        /// The process dies while handling this request.
        var killed = false
    }

    /// A failure the faulty service originates.
    enum Failure {
        case outOfMemory(heapMB: Int, limitMB: Int)
        case poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int)
        case bug
    }

    let kind: FaultKind
    let service: Int
    let instance: Int?
    let start: Int64
    let end: Int64
    let intensity: Double
    let scale: Double
    let cores: Int
    /// Memory leak.
    let baseMB: Double
    let limitMB: Double
    let leakPerRequestMB: Double
    /// Per instance: how fast it leaks relative to the others (their traffic mixes differ), so that
    /// replicas do not all die at once.
    let leakFactor: [Double]
    var heap: [Double]
    var heapTrace: [[(time: Int64, value: Double)]]
    /// Pool leak.
    let poolSize: Int
    let poolTimeoutMS: Double
    let leakPerRequestConnections: Double
    let failShare: Double
    var leaked: [Double]
    var leakTrace: [[(time: Int64, value: Double)]]
    /// Bug.
    let buggyEndpoints: [String]
    let errorProbability: Double
    /// Own slowness.
    let extraMedianMS: Double
    /// How long a killed process takes to come back, and how long the balancer takes to notice.
    let restartSeconds: ClosedRange<Double>
    /// For `errors`: whether the bug arrived with a deploy that the service logged at the fault's start.
    let announcesDeploy: Bool

    init(
        fault: FaultModel, topology: Topology, requestsPerSecond: Double, voice: any ServiceVoice, fleet: inout Fleet,
        using rng: inout SplitMix64
    ) {
        let spec = fault.spec
        let profile = topology.services[fault.service]
        kind = spec.kind
        service = fault.service
        instance = spec.instance
        start = fault.start
        end = fault.end
        intensity = spec.intensity
        scale = spec.scale
        cores = topology.cores
        let duration = Double(end - start) / 1e6
        let share = topology.trafficShares()[profile.name] ?? 0.1
        let perInstance = max(0.01, requestsPerSecond * share / Double(profile.instances))
        let instances = profile.instances

        baseMB = profile.memoryMB
        limitMB = profile.memoryMB * 2.5
        let fillSeconds = duration * (1.3 - 0.85 * intensity) / scale.squareRoot()
        leakPerRequestMB = (limitMB - baseMB) / (fillSeconds * perInstance)
        leakFactor = (0..<instances).map { _ in rng.uniform(0.75...1.25) }
        heap = Array(repeating: profile.memoryMB, count: instances)
        heapTrace = Array(repeating: [], count: instances)

        poolSize = profile.poolSize ?? ScenarioSimulation.defaultPoolSize
        let callerTimeout =
            topology.services.flatMap(\.endpoints).flatMap(\.calls).filter { $0.target == profile.name }.map(\.timeoutMS).min() ?? 2000
        poolTimeoutMS = min(rng.pick([250.0, 500, 1000, 2000]), (callerTimeout * 0.8).rounded())
        let poolFillSeconds = duration * (0.6 - 0.35 * intensity)
        leakPerRequestConnections = Double(poolSize) / (poolFillSeconds * perInstance)
        failShare = (0.6 + 0.35 * intensity) * scale
        leaked = Array(repeating: 0, count: instances)
        leakTrace = Array(repeating: [], count: instances)

        // A bug in one code path: one endpoint, picked by its traffic (a path nobody calls shows nothing).
        let used = (topology.endpointShares()[profile.name] ?? [:]).sorted { $0.key < $1.key }
        if used.count > 1, rng.chance(0.6) {
            var pick = rng.unit() * used.reduce(0) { $0 + $1.value }
            buggyEndpoints = [
                used.first {
                    pick -= $0.value; return pick < 0
                }?.key ?? used[0].key
            ]
        } else {
            buggyEndpoints = profile.endpoints.map(\.path)
        }
        errorProbability = (0.1 + 0.4 * intensity) * scale
        extraMedianMS = (100 + 800 * intensity) * scale
        restartSeconds = profile.ecosystem == .spring ? 18...45 : 4...14
        announcesDeploy = kind == .errors && rng.chance(0.5)

        fixedAt = []
        registerDowntimes(fleet: &fleet, instances: instances, using: &rng)
    }

    /// Per instance: when it restarts with the fix (leaks only; the rollout ends with the fault).
    var fixedAt: [Int64]

    /// Whether the fault acts on `instance` at `time`.
    func applies(instance: Int, at time: Int64) -> Bool {
        time >= start && time < end && (self.instance == nil || self.instance == instance) && (fixedAt.isEmpty || time < fixedAt[instance])
    }

    /// The instances the fault hits.
    func scope(instances: Int) -> [Int] {
        instance.map { [$0] } ?? Array(0..<instances)
    }

    // MARK: Per request

    /// The fault's effect on one request to `instance` at `time` (building up leaks as it goes).
    mutating func work(instance: Int, endpoint: String, at time: Int64, using rng: inout SplitMix64) -> Work {
        guard applies(instance: instance, at: time) else { return Work() }
        let ramp = min(1, Double(time - start) / 20e6)
        var work = Work()
        switch kind {
        case .memoryLeak:
            heap[instance] += leakPerRequestMB * leakFactor[instance]
            Self.record(&heapTrace[instance], time, heap[instance])
            let fill = heap[instance] / limitMB
            if fill >= 1 {
                work.killed = true
                heap[instance] = baseMB * 0.85
                Self.record(&heapTrace[instance], time + 1, heap[instance])
                return work
            }
            if fill > 0.7 {
                let pressure = (fill - 0.7) / 0.3
                // Near the limit the collector runs back to back ("GC overhead limit exceeded"):
                // most requests stall, for seconds.
                if rng.chance(0.05 + 0.9 * pressure * pressure) {
                    work.pauseMS = rng.logNormal(median: 30 + 2500 * pressure * pressure * pressure, sigma: 0.6)
                }
            }
            if fill > 0.9, rng.chance(0.03 + 0.3 * (fill - 0.9) / 0.1) {
                work.failure = .outOfMemory(heapMB: Int(heap[instance]), limitMB: Int(limitMB))
            }
        case .resourceExhaustion:
            leaked[instance] = min(Double(poolSize), leaked[instance] + leakPerRequestConnections)
            Self.record(&leakTrace[instance], time, leaked[instance])
            let pressure = leaked[instance] / Double(poolSize)
            if leaked[instance] >= Double(poolSize) - 0.5 {
                if rng.chance(failShare) {
                    work.poolWaitMS = poolTimeoutMS
                    work.failure = .poolTimeout(waitedMS: Int(poolTimeoutMS), poolSize: poolSize, waiting: rng.int(in: 3...60))
                } else {
                    work.poolWaitMS = rng.uniform(0.2...0.9) * poolTimeoutMS
                }
            } else if pressure > 0.75, rng.chance(0.6 * (pressure - 0.75) / 0.25) {
                work.poolWaitMS = rng.uniform(5...max(6, 0.5 * poolTimeoutMS * (pressure - 0.75) / 0.25))
            }
        case .cpuSaturation:
            work.selfFactor = 1 + (3 + 5 * intensity) * scale * ramp
        case .latency:
            work.extraSelfMS = rng.logNormal(median: extraMedianMS, sigma: 0.5) * min(1, ramp * 2)
        case .errors:
            if buggyEndpoints.contains(endpoint), rng.chance(errorProbability) { work.failure = .bug }
        case .unavailable, .unknown:
            break
        }
        return work
    }

    // MARK: Gauges

    /// Resident memory of `instance` at `time` while the leak is on; `nil` when normal.
    func memoryMB(instance: Int, at time: Int64) -> Double? {
        guard kind == .memoryLeak, applies(instance: instance, at: time) else { return nil }
        return Self.value(in: heapTrace[instance], at: time) ?? baseMB
    }

    /// Multiplies CPU: the collector's threads for a leak, the runaway job for saturation.
    func cpuFactor(instance: Int, at time: Int64) -> Double {
        guard applies(instance: instance, at: time) else { return 1 }
        switch kind {
        case .memoryLeak:
            let fill = (memoryMB(instance: instance, at: time) ?? baseMB) / limitMB
            return 1 + 2.5 * max(0, fill - 0.6)
        case .cpuSaturation:
            return 1 + 10 * min(1, Double(time - start) / 20e6) * scale
        default:
            return 1
        }
    }

    /// Whether CPU is pinned at the cores' capacity.
    func cpuSaturated(instance: Int, at time: Int64) -> Bool {
        kind == .cpuSaturation && applies(instance: instance, at: time) && min(1, Double(time - start) / 20e6) * scale >= 0.5
    }

    /// Leaked connections of `instance` at `time`; `nil` when the pool is not leaking.
    func leakedConnections(instance: Int, at time: Int64) -> Double? {
        guard kind == .resourceExhaustion, applies(instance: instance, at: time) else { return nil }
        return Self.value(in: leakTrace[instance], at: time) ?? 0
    }

    // MARK: Lifecycle

    /// The downtime a kill at `time` causes.
    func killDowntime(at time: Int64, using rng: inout SplitMix64) -> Fleet.Downtime {
        let back = time + Int64(rng.uniform(restartSeconds) * 1e6)
        return Fleet.Downtime(
            start: time, leavesBalancer: time + Int64(rng.uniform(3...10) * 1e6), end: back,
            rejoins: back + Int64(rng.uniform(2...5) * 1e6), cause: .outOfMemory)
    }

    /// Crashes for `unavailable`; for the leaks, the fix rolled out one instance after another so
    /// that the last restart is at the fault's end.
    private mutating func registerDowntimes(fleet: inout Fleet, instances: Int, using rng: inout SplitMix64) {
        let targets = scope(instances: instances)
        switch kind {
        case .unavailable:
            let crashLoop = rng.chance(0.5)
            let cause: Fleet.Downtime.Cause = rng.chance(0.6) ? .crash : .stopped
            for target in targets {
                var down = start + Int64(rng.uniform(0...3) * 1e6)
                let leaves = down + Int64(rng.uniform(3...10) * 1e6)
                // A crash loop: short lives between growing back-offs, never ready long enough to
                // rejoin the balancer (each entry's balancer window ends where the next begins).
                var backoff = 10.0
                var first = true
                while crashLoop, down + Int64((backoff + 8) * 1e6) < end {
                    let up = down + Int64(backoff * 1e6)
                    let next = up + Int64(rng.uniform(1...3) * 1e6)
                    fleet.add(
                        .init(start: down, leavesBalancer: first ? leaves : down, end: up, rejoins: next, cause: cause), service: service,
                        instance: target)
                    down = next
                    backoff = min(80, backoff * 2)
                    first = false
                }
                fleet.add(
                    .init(
                        start: down, leavesBalancer: first ? leaves : down, end: end, rejoins: end + Int64(rng.uniform(2...5) * 1e6),
                        cause: cause),
                    service: service, instance: target)
            }
        case .memoryLeak, .resourceExhaustion:
            fixedAt = Array(repeating: .max, count: instances)
            let gap = Int64((restartSeconds.upperBound + 5) * 1e6)
            for (order, target) in targets.enumerated() {
                let stop = max(start + (end - start) / 2, end - Int64(targets.count - 1 - order) * gap)
                fixedAt[target] = stop
                fleet.add(
                    .init(
                        start: stop, leavesBalancer: stop - 1_500_000, end: stop + Int64(rng.uniform(restartSeconds) * 1e6),
                        rejoins: stop + Int64((restartSeconds.upperBound + 3) * 1e6), cause: .restart),
                    service: service, instance: target)
            }
        default:
            break
        }
    }

    // MARK: Traces

    /// Appends at most one point per second (calls nested in a request may run slightly out of order).
    private static func record(_ trace: inout [(time: Int64, value: Double)], _ time: Int64, _ value: Double) {
        if let last = trace.last, time < last.time + 1_000_000 {
            if time >= last.time { trace[trace.count - 1].value = value }
            return
        }
        trace.append((time, value))
    }

    /// The last recorded value at or before `time`.
    private static func value(in trace: [(time: Int64, value: Double)], at time: Int64) -> Double? {
        var low = 0
        var high = trace.count
        while low < high {
            let middle = (low + high) / 2
            if trace[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : trace[low - 1].value
    }
}
