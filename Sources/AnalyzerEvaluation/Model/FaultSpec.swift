import AnalyzerCore

/// The one fault a labelled scenario injects: which service, what kind, when, for how long, how hard.
public struct FaultSpec: Sendable, Hashable {
    /// Where the fault acts.
    public enum Mechanism: String, Sendable, Hashable, Codable {
        /// In the service's process: its own work slows, fails, leaks or stops.
        case process
        /// In its network: every message to and from it is delayed (`tc netem delay`). Its own spans
        /// look normal; its callers' calls and its own outgoing calls are slow. Only for `latency`.
        case network
    }

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
    /// With realistic symptoms (``Realism/symptoms``) the ranges are those of ``SymptomModel``.
    public var intensity: Double
    /// Multiplies the fault's effect (1: the kind's range; 0.1–0.35: a low-intensity fault that moves
    /// the entry by a few percent).
    public var scale: Double
    /// The one instance (index into the service's instances) the fault hits; `nil`: all of them.
    public var instance: Int?
    /// In the process or in its network.
    public var mechanism: Mechanism
    /// How the planner chose this fault (for reports by trait); the simulation ignores them.
    public var traits: [FaultTrait]

    /// A fault; `intensity` is clamped to 0...1, `scale` to 0.01...1.
    public init(
        service: String, kind: FaultKind, startSecond: Double, durationSeconds: Double, intensity: Double = 0.5, scale: Double = 1,
        instance: Int? = nil, mechanism: Mechanism = .process, traits: [FaultTrait] = []
    ) {
        self.service = service
        self.kind = kind
        self.startSecond = startSecond
        self.durationSeconds = durationSeconds
        self.intensity = min(1, max(0, intensity))
        self.scale = min(1, max(0.01, scale))
        self.instance = instance
        self.mechanism = mechanism
        self.traits = traits
    }
}

/// What makes a fault hard to see, as the planner chose it.
public enum FaultTrait: String, Sendable, Hashable, Codable, CaseIterable {
    /// A fraction of the kind's usual effect.
    case lowIntensity = "low-intensity"
    /// One instance of several; the others serve normally.
    case oneInstance = "one-instance"
    /// Every caller has a fallback: users are served, degraded.
    case behindFallback = "behind-fallback"
    /// Only a small share of user requests reaches the service.
    case lowTrafficPath = "low-traffic-path"
    /// The service's network, not its process (``FaultSpec/Mechanism/network``).
    case slowLink = "slow-link"
}
