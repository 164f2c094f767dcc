import AnalyzerCore
import ServiceLog

/// Generates labelled fault scenarios (and fault-free controls) to evaluate the root-cause engine on:
/// canonical events exactly as instrumented services would write them, with the truth attached.
///
/// Everything is deterministic from a seed (``SplitMix64``): the same seed gives the same events on
/// every run and machine, so an evaluation result can be reproduced and a regression bisected.
///
/// ```swift
/// for scenario in ScenarioGenerator.suite(seed: 42, scenariosPerKind: 3, includeControls: true) {
///     let incidents = analyze(scenario.events)
///     score(incidents, against: scenario.label)
/// }
/// ```
public enum ScenarioGenerator {
    /// The fault kinds a suite covers: every ``FaultKind`` except ``FaultKind/unknown``.
    public static let faultKinds: [FaultKind] = FaultKind.allCases.filter { $0 != .unknown }

    /// Simulates `spec` and labels the result. Cost is linear in the requests simulated (roughly 15
    /// events per user request with the ``Topology/shop`` topology).
    public static func generate(_ spec: ScenarioSpec) -> Scenario {
        var simulation = ScenarioSimulation(spec: spec)
        let events = simulation.run()
        var label: Scenario.Label?
        if let fault = simulation.fault {
            label = Scenario.Label(
                rootCauseService: fault.spec.service, kind: fault.spec.kind,
                faultStart: Timestamp(microsecondsSinceEpoch: fault.start), faultEnd: Timestamp(microsecondsSinceEpoch: fault.end),
                traits: fault.spec.traits)
        }
        return Scenario(name: spec.name, seed: spec.seed, events: events, label: label, spec: spec)
    }

    /// The classic suite (before issue 12; `analyzer eval --classic`): ``Topology/shop`` only, none of
    /// the ``EvaluationPattern``s. ``FamilyPlanner`` plans the families with the patterns.
    ///
    /// `scenariosPerKind` faulty scenarios of each kind in ``faultKinds`` (kind by kind), then, with
    /// `includeControls`, `max(3, scenariosPerKind)` fault-free controls cycling through steady traffic,
    /// a traffic wave and a short harmless spike.
    ///
    /// Each scenario draws from its own seed derived from `seed`, its kind and its index: a healthy
    /// baseline of 6–8 minutes at 3.5–5.5 requests/s, the fault for 2.5–4 minutes in one non-entry service
    /// (the services of a kind are visited in a seeded order, so consecutive scenarios of a kind hit
    /// different services; `resource_exhaustion` only hits services with a pool), then usually 1–2
    /// minutes of recovery. Each noise option (background errors, missing correlation IDs, clock skew,
    /// dropped events, transient failures with retries) is on in about a third of the scenarios.
    /// A scenario holds roughly 20k–80k events.
    public static func suite(seed: UInt64, scenariosPerKind: Int, includeControls: Bool) -> [Scenario] {
        plan(seed: seed, scenariosPerKind: scenariosPerKind, includeControls: includeControls).map(generate)
    }

    /// The specs ``suite(seed:scenariosPerKind:includeControls:)`` generates, without generating them
    /// (cheap; useful to list a suite or to generate scenarios one at a time).
    public static func plan(seed: UInt64, scenariosPerKind: Int, includeControls: Bool, topology: Topology = .shop) -> [ScenarioSpec] {
        var specs: [ScenarioSpec] = []
        for (kindIndex, kind) in faultKinds.enumerated() {
            var order = SplitMix64(seed: SplitMix64.derive(seed, 1, UInt64(kindIndex)))
            let eligible =
                kind == .resourceExhaustion
                ? topology.services.filter { $0.poolSize != nil && $0.name != topology.entry }.map(\.name)
                : topology.nonEntryServices
            guard !eligible.isEmpty else { continue }
            let services = order.shuffled(eligible)
            for index in 0..<max(0, scenariosPerKind) {
                let scenarioSeed = SplitMix64.derive(seed, 2, UInt64(kindIndex), UInt64(index))
                let service = services[index % services.count]
                specs.append(faultySpec(kind: kind, service: service, index: index, seed: scenarioSeed, topology: topology))
            }
        }
        if includeControls {
            for index in 0..<max(3, scenariosPerKind) {
                specs.append(controlSpec(index: index, seed: SplitMix64.derive(seed, 3, UInt64(index)), topology: topology))
            }
        }
        return specs
    }

    // MARK: Planning one scenario

    static func faultySpec(kind: FaultKind, service: String, index: Int, seed: UInt64, topology: Topology) -> ScenarioSpec {
        var rng = SplitMix64(seed: seed)
        let baseline = rng.uniform(360...480).rounded()
        let duration = rng.uniform(150...240).rounded()
        let recovery = rng.chance(0.75) ? rng.uniform(60...120).rounded() : 0
        let rate = rng.uniform(3.5...5.5)
        let fault = FaultSpec(service: service, kind: kind, startSecond: baseline, durationSeconds: duration, intensity: rng.unit())
        let noise = randomNoise(using: &rng, topology: topology)
        return ScenarioSpec(
            name: "\(kind.rawValue)-\(service)-\(index + 1)", seed: seed, durationSeconds: baseline + duration + recovery,
            requestsPerSecond: rate, traffic: .steady, fault: fault, noise: noise, topology: topology)
    }

    static func controlSpec(index: Int, seed: UInt64, topology: Topology) -> ScenarioSpec {
        var rng = SplitMix64(seed: seed)
        let duration = rng.uniform(600...780).rounded()
        let rate = rng.uniform(3.5...5.5)
        let traffic: ScenarioSpec.Traffic
        let shape: String
        switch index % 3 {
        case 0:
            traffic = .steady
            shape = "steady"
        case 1:
            traffic = .wave(amplitude: rng.uniform(0.3...0.5), periodSeconds: rng.uniform(180...300).rounded())
            shape = "wave"
        default:
            traffic = .spike(
                startSecond: rng.uniform(240...480).rounded(), durationSeconds: rng.uniform(20...45).rounded(),
                factor: rng.uniform(2.5...3.5))
            shape = "spike"
        }
        let noise = randomNoise(using: &rng, topology: topology)
        return ScenarioSpec(
            name: "control-\(shape)-\(index + 1)", seed: seed, durationSeconds: duration, requestsPerSecond: rate, traffic: traffic,
            fault: nil, noise: noise, topology: topology)
    }

    /// Each option on with probability 1/3, at a realistic strength.
    static func randomNoise(using rng: inout SplitMix64, topology: Topology) -> NoiseOptions {
        var noise = NoiseOptions()
        if rng.chance(1.0 / 3) { noise.backgroundErrorRate = rng.uniform(0.002...0.01) }
        if rng.chance(1.0 / 3) { noise.missingCorrelationRate = rng.uniform(0.01...0.05) }
        if rng.chance(1.0 / 3) {
            let magnitude = rng.uniform(50...300).rounded()
            noise.clockSkew = NoiseOptions.ClockSkew(
                service: rng.pick(topology.services.map(\.name)), offsetMS: rng.chance(0.5) ? magnitude : -magnitude)
        }
        if rng.chance(1.0 / 3) { noise.dropRate = rng.uniform(0.01...0.04) }
        if rng.chance(1.0 / 3) { noise.transientFailureRate = rng.uniform(0.005...0.02) }
        return noise
    }
}
