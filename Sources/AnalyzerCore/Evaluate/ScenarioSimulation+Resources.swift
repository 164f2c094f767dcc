import ServiceLog

extension ScenarioSimulation {
    /// Writes a `resource` event every 10 s per service (each with its own phase): memory, CPU, threads,
    /// file descriptors, and `pool_in_use`/`pool_size` for services with a pool. A stopped service writes
    /// none. Gauges follow the traffic the service actually handled and the fault's effect.
    mutating func writeResourceSamples() {
        for service in services.indices {
            let profile = services[service]
            var time = start + Int64(resourceRNG.unit() * Double(Self.bucketMicros))
            var previousMemory = profile.memoryMB
            while time < end {
                defer { time += Self.bucketMicros + Int64(resourceRNG.uniform(-2000...2000)) }
                if fault?.isStopped(service, at: time) == true { continue }
                let effect = fault?.effect(on: service, at: time) ?? .healthy
                let bucket = self.bucket(time - Self.bucketMicros)
                let requestsPerSecond = Double(requestsPerBucket[service][bucket]) / (Double(Self.bucketMicros) / 1e6)

                // Memory: a slow sawtooth of the garbage collector around the baseline, scaled by a leak.
                var memory = profile.memoryMB * (1 + 0.02 * resourceRNG.normal()) * effect.memoryFactor
                if effect.memoryFactor > 1 { memory = max(memory, previousMemory + 0.5) }
                previousMemory = memory

                var cpu = (profile.idleCPUPercent + profile.cpuPercentPerRequestPerSecond * requestsPerSecond) * effect.cpuFactor
                cpu += 0.8 * resourceRNG.normal()
                let capacity = Double(spec.topology.cores * 100)
                if effect.cpuSaturated { cpu = capacity * resourceRNG.uniform(0.95...0.995) }
                cpu = min(capacity, max(0.2, cpu))

                var gauges: [String: Double] = [:]
                var poolInUse = 0
                if let poolSize = profile.poolSize {
                    let concurrency = Double(poolBusyMicros[service][bucket]) / Double(Self.bucketMicros)
                    poolInUse = effect.poolExhausted
                        ? poolSize
                        : min(poolSize, Int((concurrency + abs(resourceRNG.normal()) * 1.2).rounded()))
                    gauges["pool_in_use"] = Double(poolInUse)
                    gauges["pool_size"] = Double(poolSize)
                }
                let threads = profile.threads + resourceRNG.int(in: 0...2) + (effect.cpuSaturated ? 8 : 0)
                let openFDs = profile.openFDs + poolInUse + resourceRNG.int(in: 0...6)
                emit(
                    service, at: time, level: .info,
                    payload: .resource(ResourceSample(
                        memoryMB: Self.tenth(memory), cpuPercent: Self.tenth(cpu), threads: threads, openFDs: openFDs, gauges: gauges)),
                    source: "\(profile.name).metrics")
            }
        }
    }

    /// A service that was stopped or restarted by the fault logs its start when the fault ends.
    mutating func writeRestartLogs() {
        guard let fault, fault.end < end, fault.spec.kind == .unavailable || fault.spec.kind == .memoryLeak else { return }
        emit(
            fault.service, at: fault.end, level: .notice, payload: .log,
            message: ScenarioMessages.restart(service: services[fault.service].name, using: &resourceRNG),
            source: "\(services[fault.service].name).main")
    }

    /// Rounded to 0.1, which the format's shortest-decimal doubles reproduce exactly.
    static func tenth(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }
}
