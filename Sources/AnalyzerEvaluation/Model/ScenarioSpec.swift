import ServiceLog

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything that determines a scenario: with the same spec, ``ScenarioGenerator/generate(_:)`` writes
/// the same events, byte for byte.
public struct ScenarioSpec: Sendable, Hashable {
    /// How user traffic varies over the scenario (a multiplier on ``requestsPerSecond``).
    public enum Traffic: Sendable, Hashable {
        /// Nearly flat: ±10 % over five minutes.
        case steady
        /// A sine wave: `1 ± amplitude` with the given period.
        case wave(amplitude: Double, periodSeconds: Double)
        /// Steady, with `factor`× the traffic for `durationSeconds` from `startSecond`.
        case spike(startSecond: Double, durationSeconds: Double, factor: Double)
        /// A stretch of a day compressed: a slow wave of `periodSeconds` starting at `phase` (0...1 of
        /// the period), between `1 - amplitude` and `1 + amplitude`, with a little jitter.
        case diurnal(periodSeconds: Double, amplitude: Double, phase: Double)
        /// Steady, with bursts: each 10 s slot is a burst of `factor`× with `probability` (decided by
        /// `seed`, so the shape is part of the spec).
        case bursty(seed: UInt64, probability: Double, factor: Double)
        /// Devices or jobs reporting on a schedule: `factor`× the traffic for `burstSeconds` at the
        /// start of every `periodSeconds`.
        case periodic(periodSeconds: Double, burstSeconds: Double, factor: Double)

        /// The multiplier `seconds` after the scenario start.
        public func factor(atSecond seconds: Double) -> Double {
            switch self {
            case .steady:
                return 1 + 0.1 * sin(2 * Double.pi * seconds / 300)
            case .wave(let amplitude, let period):
                return max(0.05, 1 + amplitude * sin(2 * Double.pi * seconds / max(1, period)))
            case .spike(let start, let duration, let factor):
                let base = Traffic.steady.factor(atSecond: seconds)
                return seconds >= start && seconds < start + duration ? base * factor : base
            case .diurnal(let period, let amplitude, let phase):
                let angle = 2 * Double.pi * (seconds / max(1, period) + phase)
                return max(0.05, (1 - amplitude * cos(angle)) * (1 + 0.05 * sin(2 * Double.pi * seconds / 47)))
            case .bursty(let seed, let probability, let factor):
                let slot = UInt64(max(0, seconds) / 10)
                let draw = Double(SplitMix64.mix(seed ^ SplitMix64.mix(slot &+ 1)) >> 11) * 0x1p-53
                return Traffic.steady.factor(atSecond: seconds) * (draw < probability ? factor : 1)
            case .periodic(let period, let burst, let factor):
                let into = seconds.truncatingRemainder(dividingBy: max(1, period))
                return Traffic.steady.factor(atSecond: seconds) * (into < burst ? factor : 1)
            }
        }
    }

    /// Names the scenario in reports and file names.
    public var name: String
    /// Seeds every random draw of the scenario.
    public var seed: UInt64
    /// When the scenario's clock starts (first request shortly after).
    public var start: Timestamp
    /// How long users send requests.
    public var durationSeconds: Double
    /// Mean user requests per second at the entry service.
    public var requestsPerSecond: Double
    /// How traffic varies around ``requestsPerSecond``.
    public var traffic: Traffic
    /// `nil` for a fault-free control scenario.
    public var fault: FaultSpec?
    /// Imperfections layered on the telemetry.
    public var noise: NoiseOptions
    /// The simulated system.
    public var topology: Topology
    /// The patterns of real systems on top (``Realism/none``: the classic generator).
    public var realism: Realism
    /// The family the scenario belongs to (see ``ScenarioFamily``), for reports; empty when built by hand.
    public var family: String

    /// A spec; without `fault` it describes a control scenario.
    public init(
        name: String, seed: UInt64, start: Timestamp = ScenarioSpec.defaultStart, durationSeconds: Double, requestsPerSecond: Double,
        traffic: Traffic = .steady, fault: FaultSpec? = nil, noise: NoiseOptions = .none, topology: Topology = .shop,
        realism: Realism = .none, family: String = ""
    ) {
        self.name = name
        self.seed = seed
        self.start = start
        self.durationSeconds = durationSeconds
        self.requestsPerSecond = requestsPerSecond
        self.traffic = traffic
        self.fault = fault
        self.noise = noise
        self.topology = topology
        self.realism = realism
        self.family = family
    }

    /// 2026-11-24T10:00:00Z: a fixed start so that the same seed gives the same timestamps.
    public static let defaultStart = Timestamp(microsecondsSinceEpoch: 1_795_514_400_000_000)
}
