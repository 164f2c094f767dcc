/// How the injected fault changes the faulty service at a given moment: the one place that turns a
/// ``FaultSpec`` into slower self time, errors, pool waits, gauges or silence.
struct FaultModel: Sendable {
    /// What the fault does to one request or one gauge sample.
    struct Effect: Sendable {
        /// Multiplies the service's own processing time.
        var selfTimeFactor = 1.0
        /// Chance that the request fails on its own (500 with an `error` event).
        var errorProbability = 0.0
        var error: OwnError = .none
        /// Every pool connection is taken: requests wait, some give up.
        var poolExhausted = false
        var poolFailureProbability = 0.0
        /// The process is stopped: connections are refused and it writes nothing.
        var stopped = false
        /// Multiplies resident memory.
        var memoryFactor = 1.0
        /// Multiplies CPU; `cpuSaturated` pins it near the cores' capacity instead.
        var cpuFactor = 1.0
        var cpuSaturated = false

        static let healthy = Effect()
    }

    /// Which error text a failing request writes.
    enum OwnError: Sendable {
        case none
        case handlerBug
        case outOfMemory
    }

    let spec: FaultSpec
    /// Index of the faulty service in the topology.
    let service: Int
    /// The fault window in true time (microseconds since the epoch).
    let start: Int64
    let end: Int64
    /// For `errors`: which message family the bug writes.
    let errorFamily: Int

    /// The fault's effect on `service` at `time`: ``Effect/healthy`` outside the window or for other
    /// services.
    func effect(on service: Int, at time: Int64) -> Effect {
        guard service == self.service, time >= start, time < end else { return .healthy }
        let elapsedSeconds = Double(time - start) / 1e6
        let progress = min(1, Double(time - start) / Double(max(1, end - start)))
        let intensity = spec.intensity
        var effect = Effect()
        switch spec.kind {
        case .memoryLeak:
            // Memory climbs linearly; GC pressure grows faster than memory; allocations start failing in
            // the second half.
            effect.memoryFactor = 1 + (3 + 4 * intensity) * progress
            effect.selfTimeFactor = 1 + 8 * progress * progress
            effect.cpuFactor = 1 + 1.5 * progress
            effect.errorProbability = progress > 0.5 ? 0.5 * (progress - 0.5) : 0
            effect.error = .outOfMemory
        case .cpuSaturation:
            // A runaway job takes the cores within ~20 s; everything queues for CPU.
            let ramp = min(1, elapsedSeconds / 20)
            effect.selfTimeFactor = 1 + (4 + 5 * intensity) * ramp
            effect.cpuSaturated = ramp >= 0.5
            effect.cpuFactor = 1 + 10 * ramp
        case .latency:
            effect.selfTimeFactor = 10 + 40 * intensity
        case .errors:
            effect.errorProbability = 0.2 + 0.4 * intensity
            effect.error = .handlerBug
        case .resourceExhaustion:
            effect.poolExhausted = true
            effect.poolFailureProbability = 0.3 + 0.3 * intensity
            effect.selfTimeFactor = 1.5
        case .unavailable:
            effect.stopped = true
        case .unknown:
            break
        }
        return effect
    }

    /// Whether `service` refuses connections at `time`.
    func isStopped(_ service: Int, at time: Int64) -> Bool {
        spec.kind == .unavailable && service == self.service && time >= start && time < end
    }

    /// How long a request waits for a pool connection before giving up.
    static let poolTimeoutMS = 500.0
}
