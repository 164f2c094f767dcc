import AnalyzerCore

/// Plans a family's scenarios: for every fault kind, faulty scenarios in systems of the family (a
/// new topology per scenario, except the shop's fixed one), then fault-free controls with the same
/// patterns on. Everything derives from the suite seed, the family's name, the kind and the index,
/// so adding scenarios or families never changes existing ones.
public enum FamilyPlanner {
    /// The specs of `family`: `scenariosPerKind` per kind of ``ScenarioGenerator/faultKinds`` and
    /// `controls` controls, with `patterns` on.
    public static func plan(
        family: ScenarioFamily, seed: UInt64, scenariosPerKind: Int, controls: Int, patterns: Set<EvaluationPattern> = EvaluationPattern.all
    ) -> [ScenarioSpec] {
        let familySeed = SplitMix64.derive(seed, 20, stableHash(family.name))
        var specs: [ScenarioSpec] = []
        for (kindIndex, kind) in ScenarioGenerator.faultKinds.enumerated() {
            for index in 0..<max(0, scenariosPerKind) {
                let scenarioSeed = SplitMix64.derive(familySeed, 1, UInt64(kindIndex), UInt64(index))
                let order = SplitMix64.derive(familySeed, 3, UInt64(kindIndex))
                if let spec = faultySpec(family: family, kind: kind, index: index, seed: scenarioSeed, orderSeed: order, patterns: patterns)
                {
                    specs.append(spec)
                }
            }
        }
        for index in 0..<max(0, controls) {
            specs.append(
                controlSpec(family: family, index: index, seed: SplitMix64.derive(familySeed, 2, UInt64(index)), patterns: patterns))
        }
        return specs
    }

    static func faultySpec(
        family: ScenarioFamily, kind: FaultKind, index: Int, seed: UInt64, orderSeed: UInt64, patterns: Set<EvaluationPattern>
    ) -> ScenarioSpec? {
        let topology = family.topology(seed: SplitMix64.derive(seed, 1))
        var rng = SplitMix64(seed: SplitMix64.derive(seed, 2))
        let quiet = family.rate.upperBound < 2
        let baseline = (quiet ? rng.uniform(480...600) : rng.uniform(360...480)).rounded()
        let duration = rng.uniform(150...240).rounded()
        let recovery = rng.chance(0.75) ? rng.uniform(60...120).rounded() : 0
        let rate = rng.uniform(family.rate)
        guard var fault = chooseFault(kind: kind, index: index, topology: topology, patterns: patterns, orderSeed: orderSeed, using: &rng)
        else { return nil }
        fault.startSecond = baseline
        fault.durationSeconds = duration
        let total = baseline + duration + recovery
        let traffic = family.traffic(durationSeconds: total, using: &rng)
        let patternSeed = SplitMix64.derive(seed, 3)
        let realism = PatternPlanner.realism(
            patterns: patterns, topology: topology, durationSeconds: total, requestsPerSecond: rate, faultService: fault.service,
            seed: patternSeed)
        let noise = PatternPlanner.noise(redHerrings: patterns.contains(.redHerrings), topology: topology, seed: patternSeed)
        return ScenarioSpec(
            name: "\(family.name)-\(kind.rawValue)-\(fault.service)-\(index + 1)", seed: seed, durationSeconds: total,
            requestsPerSecond: rate,
            traffic: traffic, fault: fault, noise: noise, topology: topology, realism: realism, family: family.name)
    }

    static func controlSpec(family: ScenarioFamily, index: Int, seed: UInt64, patterns: Set<EvaluationPattern>) -> ScenarioSpec {
        let topology = family.topology(seed: SplitMix64.derive(seed, 1))
        var rng = SplitMix64(seed: SplitMix64.derive(seed, 2))
        let total = rng.uniform(600...780).rounded()
        let rate = rng.uniform(family.rate)
        let traffic = family.traffic(durationSeconds: total, using: &rng)
        let patternSeed = SplitMix64.derive(seed, 3)
        let realism = PatternPlanner.realism(
            patterns: patterns, topology: topology, durationSeconds: total, requestsPerSecond: rate, faultService: nil, seed: patternSeed)
        let noise = PatternPlanner.noise(redHerrings: patterns.contains(.redHerrings), topology: topology, seed: patternSeed)
        return ScenarioSpec(
            name: "\(family.name)-control-\(index + 1)", seed: seed, durationSeconds: total, requestsPerSecond: rate, traffic: traffic,
            noise: noise, topology: topology, realism: realism, family: family.name)
    }

    /// The fault of one scenario (its timing is set by the caller): the service (visited in a seeded
    /// order per kind, so consecutive scenarios of a fixed topology differ), and, with the patterns on,
    /// what makes it subtle and whether a latency fault is in the network.
    static func chooseFault(
        kind: FaultKind, index: Int, topology: Topology, patterns: Set<EvaluationPattern>, orderSeed: UInt64, using rng: inout SplitMix64
    ) -> FaultSpec? {
        var eligible =
            kind == .resourceExhaustion
            ? topology.services.filter { $0.poolSize != nil && $0.name != topology.entry }.map(\.name)
            : topology.nonEntryServices
        guard !eligible.isEmpty else { return nil }
        let fallback = eligible.filter(topology.servicesBehindFallbacks.contains)
        let quiet = eligible.filter(topology.lowTrafficServices(below: 0.12).contains)
        if !patterns.contains(.subtleFaults) {
            // Without subtle faults, none behind a fallback or on a quiet path either (where others exist).
            let plain = eligible.filter { !fallback.contains($0) && !quiet.contains($0) }
            if !plain.isEmpty { eligible = plain }
        }
        // Every draw happens whatever the switches, in a fixed order: a switch changes only its part.
        let intensity = rng.unit()
        let (subtleDraw, optionDraw, serviceDraw, instanceDraw, scaleDraw, linkDraw) = (
            rng.unit(), rng.unit(), rng.unit(), rng.unit(), rng.unit(), rng.unit()
        )
        func pick<T>(_ elements: [T], _ draw: Double) -> T { elements[min(elements.count - 1, Int(draw * Double(elements.count)))] }
        var traits: [FaultTrait] = []
        if patterns.contains(.subtleFaults), subtleDraw < 0.35 {
            var options: [FaultTrait] = kind == .unavailable ? [] : [.lowIntensity]
            let replicated = eligible.filter { (topology.service($0)?.instances ?? 1) > 1 }
            if !replicated.isEmpty { options.append(.oneInstance) }
            if !fallback.isEmpty { options.append(.behindFallback) }
            if !quiet.isEmpty { options.append(.lowTrafficPath) }
            if !options.isEmpty {
                let trait = pick(options, optionDraw)
                traits.append(trait)
                switch trait {
                case .oneInstance: eligible = replicated
                case .behindFallback: eligible = fallback
                case .lowTrafficPath: eligible = quiet
                case .lowIntensity, .slowLink: break
                }
            }
        }
        var order = SplitMix64(seed: orderSeed)
        let service = traits.isEmpty ? order.shuffled(eligible)[index % eligible.count] : pick(eligible, serviceDraw)
        // What the topology makes subtle is labelled too, chosen or not.
        if fallback.contains(service), !traits.contains(.behindFallback) { traits.append(.behindFallback) }
        if quiet.contains(service), !traits.contains(.lowTrafficPath) { traits.append(.lowTrafficPath) }
        let instances = topology.service(service)?.instances ?? 1
        let instance = traits.contains(.oneInstance) ? min(instances - 1, Int(instanceDraw * Double(instances))) : nil
        let scale = traits.contains(.lowIntensity) ? 0.12 + 0.23 * scaleDraw : 1
        var mechanism = FaultSpec.Mechanism.process
        if kind == .latency, patterns.contains(.slowLinks), linkDraw < 0.5 {
            mechanism = .network
            traits.append(.slowLink)
        }
        return FaultSpec(
            service: service, kind: kind, startSecond: 0, durationSeconds: 0, intensity: intensity, scale: scale, instance: instance,
            mechanism: mechanism, traits: traits)
    }

    /// FNV-1a of a name: stable across runs and platforms (`Hasher` is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
