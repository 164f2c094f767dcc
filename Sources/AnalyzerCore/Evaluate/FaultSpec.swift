/// The one fault a labelled scenario injects: which service, what kind, when, for how long, how hard.
public struct FaultSpec: Sendable, Hashable {
    /// The root-cause service; never the topology's entry service.
    public var service: String
    /// One of the concrete kinds (not ``FaultKind/unknown``, which injects nothing). `resource_exhaustion`
    /// is meant for a service with a pool; one without is treated as having a pool of 16 connections but
    /// writes no pool gauges.
    public var kind: FaultKind
    /// When the fault starts, in seconds after the scenario start.
    public var startSecond: Double
    /// How long it lasts; afterwards the service recovers (a restart for `memory_leak` and
    /// `unavailable`).
    public var durationSeconds: Double
    /// 0...1: where in the kind's range the fault lies. `latency`: self time ×10 (0) to ×50 (1);
    /// `cpu_saturation`: ×5 to ×10; `errors`: 20 % to 60 % of requests fail; `resource_exhaustion`:
    /// 30 % to 60 % of requests time out waiting for the pool; `memory_leak`: memory grows to 4× to 8×.
    public var intensity: Double

    /// A fault; `intensity` is clamped to 0...1.
    public init(service: String, kind: FaultKind, startSecond: Double, durationSeconds: Double, intensity: Double = 0.5) {
        self.service = service
        self.kind = kind
        self.startSecond = startSecond
        self.durationSeconds = durationSeconds
        self.intensity = min(1, max(0, intensity))
    }
}
