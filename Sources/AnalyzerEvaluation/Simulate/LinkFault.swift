/// A `latency` fault in a service's network (``FaultSpec/Mechanism/network``), as `tc netem delay`
/// on its interface does it: every packet to and from the service waits, so each message between it
/// and anyone else arrives late. Its own processing is untouched.
struct LinkFault: Sendable {
    let service: Int
    let instance: Int?
    let start: Int64
    let end: Int64
    /// Median one-way delay in milliseconds: 80 ms (intensity 0) to 900 ms (1), times the scale.
    let oneWayMS: Double

    /// The link fault of `fault`, if it is one.
    init?(fault: FaultModel) {
        guard fault.spec.mechanism == .network else { return nil }
        service = fault.service
        instance = fault.spec.instance
        start = fault.start
        end = fault.end
        oneWayMS = (80 + 820 * fault.spec.intensity) * fault.spec.scale
    }

    /// Whether a message between `caller`'s and `callee`'s instances at `time` crosses the slow link.
    func delays(caller: Int, callerInstance: Int, callee: Int, calleeInstance: Int, at time: Int64) -> Bool {
        guard time >= start, time < end else { return false }
        return (caller == service && (instance == nil || instance == callerInstance))
            || (callee == service && (instance == nil || instance == calleeInstance))
    }

    /// One message's delay: netem's delay with 10 % jitter.
    func delay(using rng: inout SplitMix64) -> Int64 {
        ScenarioSimulation.micros(max(0, oneWayMS * (1 + 0.1 * rng.normal())))
    }
}
