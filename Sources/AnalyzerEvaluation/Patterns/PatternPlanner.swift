/// Draws a scenario's ``Realism`` (and the noise that belongs to red herrings) for the patterns that
/// are on, at the strengths and frequencies real systems show them. Faulty scenarios and controls
/// get the same draws: nothing here knows whether or where a fault is, except that a rolling restart
/// never hits the faulty service (a restart would end the fault). Each pattern draws from its own
/// stream, so turning one off leaves the others' draws as they were (a controlled ablation).
enum PatternPlanner {
    static let userAgents = [
        "python-requests/2.31.0", "Go-http-client/1.1", "curl/8.4.0", "Mozilla/5.0 zgrab/0.x", "okhttp/4.12.0", "Scrapy/2.11.0",
    ]
    static let jobs = ["reindex", "cleanup-expired", "report-export", "cache-warmup", "reconcile-balances", "compact-history"]

    static func realism(
        patterns: Set<EvaluationPattern>, topology: Topology, durationSeconds: Double, requestsPerSecond: Double, faultService: String?,
        seed: UInt64
    ) -> Realism {
        var realism = Realism(symptoms: patterns.contains(.symptoms))
        if patterns.contains(.clientErrors) {
            var rng = SplitMix64(seed: SplitMix64.derive(seed, 1))
            realism.clientErrors = clientErrors(durationSeconds: durationSeconds, requestsPerSecond: requestsPerSecond, using: &rng)
        }
        if patterns.contains(.redHerrings) {
            var rng = SplitMix64(seed: SplitMix64.derive(seed, 2))
            realism.herrings = herrings(topology: topology, durationSeconds: durationSeconds, faultService: faultService, using: &rng)
            rng = SplitMix64(seed: SplitMix64.derive(seed, 3))
            if rng.chance(0.35) {
                let length = rng.uniform(30...120).rounded()
                realism.surges.append(
                    Surge(
                        startSecond: rng.uniform(30...max(31, durationSeconds - length)).rounded(), durationSeconds: length,
                        factor: rng.uniform(1.8...3)))
            }
            if !topology.sources.isEmpty, rng.chance(0.3) {
                let length = rng.uniform(60...180).rounded()
                realism.surges.append(
                    Surge(
                        source: rng.int(below: topology.sources.count),
                        startSecond: rng.uniform(30...max(31, durationSeconds - length)).rounded(),
                        durationSeconds: length, factor: rng.uniform(2...5)))
            }
        }
        return realism
    }

    /// A trickle of 401s and 404s, and zero to three bursts.
    static func clientErrors(durationSeconds: Double, requestsPerSecond: Double, using rng: inout SplitMix64) -> ClientErrors {
        var errors = ClientErrors(unauthorizedRate: rng.uniform(0.002...0.006), notFoundRate: rng.uniform(0.003...0.01))
        let draw = rng.unit()
        let count = draw < 0.2 ? 0 : draw < 0.65 ? 1 : draw < 0.9 ? 2 : 3
        for _ in 0..<count {
            let pick = rng.unit()
            let cause: ClientErrorBurst.Cause = pick < 0.5 ? .rateLimited : pick < 0.8 ? .scanning : .credentialStuffing
            let (length, rate): (Double, Double) =
                switch cause {
                case .rateLimited: (rng.uniform(30...180), requestsPerSecond * rng.uniform(2...8))
                case .scanning: (rng.uniform(60...300), rng.uniform(3...25))
                case .credentialStuffing: (rng.uniform(60...240), rng.uniform(2...10))
                }
            errors.bursts.append(
                ClientErrorBurst(
                    cause: cause, startSecond: rng.uniform(30...max(31, durationSeconds - 30)).rounded(), durationSeconds: length.rounded(),
                    requestsPerSecond: rate, passShare: cause == .rateLimited ? rng.uniform(0.05...0.2) : 0,
                    clientIP: "\(rng.pick(["203.0.113", "198.51.100", "192.0.2"])).\(rng.int(in: 2...250))", userAgent: rng.pick(userAgents)
                ))
        }
        return errors
    }

    static func herrings(topology: Topology, durationSeconds: Double, faultService: String?, using rng: inout SplitMix64) -> [RedHerring] {
        let names = topology.services.map(\.name)
        var herrings: [RedHerring] = []
        func second(_ margin: Double = 60) -> Double { rng.uniform(20...max(21, durationSeconds - margin)).rounded() }
        let replicated = topology.services.filter { $0.instances > 1 && $0.name != faultService }
        if !replicated.isEmpty, rng.chance(0.45) {
            let service = rng.pick(replicated)
            let instances = rng.chance(0.5) ? Array(0..<service.instances) : [rng.int(below: service.instances)]
            herrings.append(
                .rollingRestart(
                    service: service.name, instances: instances, startSecond: second(200), gapSeconds: rng.uniform(30...90).rounded(),
                    downSeconds: rng.uniform(5...25).rounded()))
        }
        for chance in [0.75, 0.3] where rng.chance(chance) {
            herrings.append(
                .noisyLogger(
                    service: rng.pick(names), everySeconds: rng.uniform(5...40).rounded(), variant: rng.int(below: 3),
                    inRequests: rng.chance(0.4)))
        }
        if rng.chance(0.45) {
            herrings.append(
                .cronJob(
                    service: rng.pick(names), job: rng.pick(jobs), firstSecond: rng.uniform(20...120).rounded(),
                    periodSeconds: rng.uniform(120...300).rounded(),
                    runSeconds: rng.uniform(15...45).rounded(), cpuPercent: rng.uniform(40...150).rounded()))
        }
        if rng.chance(0.4) {
            herrings.append(.cacheGrowth(service: rng.pick(names), mbPerMinute: rng.uniform(1...6), capMB: rng.uniform(50...400).rounded()))
        }
        if rng.chance(0.7) {
            for _ in 0..<rng.int(in: 1...3) {
                herrings.append(.deployLine(service: rng.pick(names), atSecond: second(10), variant: rng.int(below: 3)))
            }
        }
        let stores = topology.services.filter { $0.role == .datastore }
        if !stores.isEmpty, rng.chance(0.6) {
            herrings.append(
                .sampledLogging(
                    service: rng.pick(stores).name, slowerThanMS: rng.uniform(10...50).rounded(), sampleShare: rng.uniform(0.01...0.05)))
        }
        if rng.chance(0.4) {
            herrings.append(.duplicates(rate: rng.uniform(0.002...0.02), sameIDShare: rng.uniform(0.3...0.8)))
        }
        return herrings
    }

    /// Background errors, drops and transient resets as the classic suite draws them (each on in a
    /// third of the scenarios); with red herrings also lost correlation IDs and one host's clock skew.
    static func noise(redHerrings: Bool, topology: Topology, seed: UInt64) -> NoiseOptions {
        var rng = SplitMix64(seed: SplitMix64.derive(seed, 4))
        var noise = NoiseOptions()
        if rng.chance(1.0 / 3) { noise.backgroundErrorRate = rng.uniform(0.002...0.01) }
        if rng.chance(1.0 / 3) { noise.dropRate = rng.uniform(0.01...0.04) }
        if rng.chance(1.0 / 3) { noise.transientFailureRate = rng.uniform(0.005...0.02) }
        guard redHerrings else { return noise }
        rng = SplitMix64(seed: SplitMix64.derive(seed, 5))
        if rng.chance(0.35) { noise.missingCorrelationRate = rng.uniform(0.01...0.05) }
        if rng.chance(0.35) {
            let service = rng.pick(topology.services)
            let magnitude = rng.uniform(50...1500).rounded()
            noise.clockSkew = .init(
                service: service.name, offsetMS: rng.chance(0.5) ? magnitude : -magnitude, instance: rng.int(below: service.instances))
        }
        return noise
    }
}
