import AnalyzerCore
import ServiceLog

extension ScenarioSimulation {
    /// Writes a `resource` event every 10 s per instance (each with its own phase): memory, CPU,
    /// threads, file descriptors, and `pool_in_use`/`pool_size` for services with a pool. A stopped
    /// instance writes none. Gauges follow the traffic the instance actually handled, the fault's
    /// effect and the red herrings (a job's CPU, a filling cache, a cold start).
    mutating func writeResourceSamples() {
        for service in services.indices {
            let profile = services[service]
            let source = voices[service].source(.metrics, service: profile.name, target: nil)
            for instance in 0..<fleet.counts[service] {
                var time = start + Int64(resourceRNG.unit() * Double(Self.bucketMicros))
                var previousMemory = profile.memoryMB
                let flat = fleet.flat(service, instance)
                while time < end {
                    defer { time += Self.bucketMicros + Int64(resourceRNG.uniform(-2000...2000)) }
                    if fault?.isStopped(service, instance: instance, at: time) == true { continue }
                    if fleet.hasDowntime, fleet.isDown(service, instance, at: time) { continue }
                    let effect = fault?.effect(on: service, instance: instance, at: time) ?? .healthy
                    let bucket = self.bucket(time - Self.bucketMicros)
                    let requestsPerSecond = Double(requestsPerBucket[flat][bucket]) / (Double(Self.bucketMicros) / 1e6)

                    // Memory: a slow sawtooth of the garbage collector around the baseline, scaled by a leak.
                    var memory = profile.memoryMB * (1 + 0.02 * resourceRNG.normal()) * effect.memoryFactor
                    if effect.memoryFactor > 1 { memory = max(memory, previousMemory + 0.5) }
                    if let leaking = symptoms?.service == service ? symptoms?.memoryMB(instance: instance, at: time) : nil {
                        memory = leaking * (1 + 0.01 * resourceRNG.normal())
                    }
                    memory += extraMemory(service, instance, at: time)
                    previousMemory = memory

                    var cpu = (profile.idleCPUPercent + profile.cpuPercentPerRequestPerSecond * requestsPerSecond) * effect.cpuFactor
                    if symptoms?.service == service { cpu *= symptoms!.cpuFactor(instance: instance, at: time) }
                    cpu += 0.8 * resourceRNG.normal()
                    if !herrings.jobs.isEmpty { cpu += herrings.extraCPU(service: service, instance: instance, at: time) }
                    let capacity = Double(spec.topology.cores * 100)
                    let saturated =
                        effect.cpuSaturated || (symptoms?.service == service && symptoms!.cpuSaturated(instance: instance, at: time))
                    if saturated { cpu = capacity * resourceRNG.uniform(0.95...0.995) }
                    cpu = min(capacity, max(0.2, cpu))

                    var gauges: [String: Double] = [:]
                    var poolInUse = 0
                    if let poolSize = profile.poolSize {
                        let concurrency = Double(poolBusyMicros[flat][bucket]) / Double(Self.bucketMicros)
                        poolInUse =
                            effect.poolExhausted
                            ? poolSize
                            : min(poolSize, Int((concurrency + abs(resourceRNG.normal()) * 1.2).rounded()))
                        if let leaked = symptoms?.service == service ? symptoms?.leakedConnections(instance: instance, at: time) : nil {
                            poolInUse = min(poolSize, Int((leaked + concurrency).rounded()))
                            gauges["pool_pending"] = poolInUse >= poolSize ? Double(resourceRNG.int(in: 3...60)) : 0
                        } else if spec.realism.symptoms {
                            gauges["pool_pending"] = 0
                        }
                        gauges["pool_in_use"] = Double(poolInUse)
                        gauges["pool_size"] = Double(poolSize)
                    }
                    let threads = profile.threads + resourceRNG.int(in: 0...2) + (saturated ? 8 : 0)
                    let openFDs = profile.openFDs + poolInUse + resourceRNG.int(in: 0...6)
                    emit(
                        service, instance: instance, at: time, level: .info,
                        payload: .resource(
                            ResourceSample(
                                memoryMB: Self.tenth(memory), cpuPercent: Self.tenth(cpu), threads: threads, openFDs: openFDs,
                                gauges: gauges)),
                        source: source)
                }
            }
        }
    }

    /// Memory the red herrings add or take: a cache filling since the last start, and less memory
    /// right after a start (caches cold, heap not grown yet).
    func extraMemory(_ service: Int, _ instance: Int, at time: Int64) -> Double {
        guard herrings.cacheGrowth[service] != nil || fleet.hasDowntime else { return 0 }
        let lastStart = fleet.downtimes[service][instance].last(where: { $0.end <= time })?.end
        var extra = herrings.cacheMB(service: service, since: lastStart ?? start, at: time)
        if let lastStart, time - lastStart < 60_000_000 {
            extra -= services[service].memoryMB * 0.35 * (1 - Double(time - lastStart) / 60e6)
        }
        return extra
    }

    /// Rounded to 0.1, which the format's shortest-decimal doubles reproduce exactly.
    static func tenth(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }
}
