#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ServiceLog

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

    /// A spec; without `fault` it describes a control scenario.
    public init(
        name: String, seed: UInt64, start: Timestamp = ScenarioSpec.defaultStart, durationSeconds: Double, requestsPerSecond: Double,
        traffic: Traffic = .steady, fault: FaultSpec? = nil, noise: NoiseOptions = .none, topology: Topology = .shop
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
    }

    /// 2026-11-24T10:00:00Z: a fixed start so that the same seed gives the same timestamps.
    public static let defaultStart = Timestamp(microsecondsSinceEpoch: 1_795_514_400_000_000)
}
