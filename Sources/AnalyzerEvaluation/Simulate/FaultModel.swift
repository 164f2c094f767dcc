import AnalyzerCore

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

        /// A low-intensity version: every change from healthy times `scale`; saturation and a stop
        /// need the full fault.
        func scaled(by scale: Double) -> Effect {
            var effect = self
            effect.selfTimeFactor = 1 + (selfTimeFactor - 1) * scale
            effect.errorProbability = errorProbability * scale
            effect.poolFailureProbability = poolFailureProbability * scale
            effect.memoryFactor = 1 + (memoryFactor - 1) * scale
            effect.cpuFactor = 1 + (cpuFactor - 1) * scale
            effect.cpuSaturated = cpuSaturated && scale >= 0.5
            return effect
        }
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
    /// Whether this model decides the process's behaviour: not for a fault in the network, nor with
    /// realistic symptoms (``SymptomModel`` decides then).
    let actsOnProcess: Bool

    /// Whether the fault is active in `instance` of `service` at `time`.
    func applies(to service: Int, instance: Int, at time: Int64) -> Bool {
        service == self.service && time >= start && time < end && (spec.instance == nil || spec.instance == instance)
    }

    /// The fault's effect on `instance` of `service` at `time`: ``Effect/healthy`` outside the window,
    /// for other services and instances, and when the model does not act on the process.
    func effect(on service: Int, instance: Int = 0, at time: Int64) -> Effect {
        guard actsOnProcess, applies(to: service, instance: instance, at: time) else { return .healthy }
        let effect = unscaledEffect(at: time)
        return spec.scale == 1 ? effect : effect.scaled(by: spec.scale)
    }

    private func unscaledEffect(at time: Int64) -> Effect {
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

    /// Whether `instance` of `service` refuses connections at `time`.
    func isStopped(_ service: Int, instance: Int = 0, at time: Int64) -> Bool {
        actsOnProcess && spec.kind == .unavailable && applies(to: service, instance: instance, at: time)
    }

    /// How long a request waits for a pool connection before giving up.
    static let poolTimeoutMS = 500.0
}
