/// A kind of system the evaluation generates scenarios for: a domain's names, a shape its topologies
/// are drawn from (a new system per scenario), a traffic shape and rate. Families marked
/// ``isHeldOut`` are never to be tuned on: figures on them say how the engine does on systems it has
/// not seen.
public struct ScenarioFamily: Sendable {
    /// How a family's traffic varies.
    public enum TrafficShape: String, Sendable, Hashable, Codable {
        /// Nearly flat, sometimes a slow wave.
        case steady
        /// A compressed day: traffic rising or falling by half over the scenario.
        case diurnal
        /// Bursts of two to four times the traffic at random.
        case bursty
        /// Devices or jobs reporting on a schedule: a spike at the start of every minute.
        case periodic
    }

    /// Its name on the command line (`analyzer eval --family NAME`).
    public let name: String
    /// One line on what it is.
    public let summary: String
    /// Never tuned on.
    public let isHeldOut: Bool
    public let trafficShape: TrafficShape
    /// User requests per second at the entry.
    public let rate: ClosedRange<Double>
    /// `nil`: the one fixed topology in ``fixedTopology``.
    let shape: TopologyShape?
    let domain: Domain?
    let fixedTopology: Topology?

    /// The system of one scenario, drawn from `seed` (the fixed one for the shop).
    public func topology(seed: UInt64) -> Topology {
        if let fixedTopology { return fixedTopology }
        var rng = SplitMix64(seed: seed)
        return TopologyBuilder.build(shape!, domain: domain!, using: &rng)
    }

    /// One scenario's traffic, drawn with `rng`.
    public func traffic(durationSeconds: Double, using rng: inout SplitMix64) -> ScenarioSpec.Traffic {
        switch trafficShape {
        case .steady:
            return rng.chance(0.5) ? .steady : .wave(amplitude: rng.uniform(0.15...0.35), periodSeconds: rng.uniform(180...360).rounded())
        case .diurnal:
            return .diurnal(periodSeconds: rng.uniform(2...4) * durationSeconds, amplitude: rng.uniform(0.3...0.5), phase: rng.unit())
        case .bursty:
            return .bursty(seed: rng.next(), probability: rng.uniform(0.05...0.12), factor: rng.uniform(2...4))
        case .periodic:
            return .periodic(periodSeconds: 60, burstSeconds: rng.uniform(4...8).rounded(), factor: rng.uniform(2.5...4))
        }
    }
}
