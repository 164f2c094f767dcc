/// The red herrings of a scenario (``Realism/herrings``) turned into what the simulation asks about
/// while it runs: which instances a cron job slows, how much a cache has grown, which datastore
/// writes only some request events, which lines are doubled. Rolling restarts go straight into the
/// ``Fleet`` as downtimes. Everything is neutral (and draws nothing) without herrings.
struct HerringModel {
    /// A scheduled job's run on one instance.
    struct JobRun {
        var service: Int
        var instance: Int
        var job: String
        var start: Int64
        var end: Int64
        var cpuPercent: Double
    }

    /// A chronic error logger.
    struct NoisyLogger {
        var service: Int
        var everySeconds: Double
        var variant: Int
        var inRequests: Bool
    }

    /// A cache filling up in every instance of a service.
    struct CacheGrowth {
        var mbPerMinute: Double
        var capMB: Double
    }

    /// A datastore writing request events only for slow or failed requests and a sample.
    struct Sampling {
        var slowerThanMS: Double
        var sampleShare: Double
    }

    var jobs: [JobRun] = []
    var noisy: [NoisyLogger] = []
    /// Per service.
    var cacheGrowth: [CacheGrowth?]
    var sampling: [Sampling?]
    var changes: [(service: Int, time: Int64, variant: Int)] = []
    var duplicates: (rate: Double, sameIDShare: Double)?
    /// Per service: the chance that a request logs the chronic error (in-request loggers).
    var inRequestNoise: [NoisyLogger?]
    let scenarioStart: Int64
    /// Whether anything changes the requests' own behaviour (lets the hot path skip the checks).
    let slowsRequests: Bool

    init(spec: ScenarioSpec, serviceIndex: [String: Int], start: Int64, end: Int64, fleet: inout Fleet, using rng: inout SplitMix64) {
        let count = spec.topology.services.count
        cacheGrowth = Array(repeating: nil, count: count)
        sampling = Array(repeating: nil, count: count)
        inRequestNoise = Array(repeating: nil, count: count)
        scenarioStart = start
        func micros(_ seconds: Double) -> Int64 { start + Int64(seconds * 1e6) }
        for herring in spec.realism.herrings {
            switch herring {
            case .rollingRestart(let name, let instances, let first, let gap, let down):
                guard let service = serviceIndex[name] else { continue }
                for (order, instance) in instances.enumerated() where instance < spec.topology.services[service].instances {
                    let stop = micros(first + Double(order) * gap)
                    let back = stop + Int64(down * 1e6)
                    fleet.add(
                        .init(start: stop, leavesBalancer: stop - 1_500_000, end: back, rejoins: back + 3_000_000, cause: .restart),
                        service: service, instance: instance)
                }
            case .noisyLogger(let name, let every, let variant, let inRequests):
                guard let service = serviceIndex[name] else { continue }
                let logger = NoisyLogger(service: service, everySeconds: every, variant: variant, inRequests: inRequests)
                if inRequests { inRequestNoise[service] = logger } else { noisy.append(logger) }
            case .cronJob(let name, let job, let firstSecond, let period, let run, let cpu):
                guard let service = serviceIndex[name] else { continue }
                var at = firstSecond
                while micros(at) < end {
                    jobs.append(
                        JobRun(
                            service: service, instance: 0, job: job, start: micros(at), end: micros(at + run * rng.uniform(0.8...1.2)),
                            cpuPercent: cpu))
                    at += period
                }
            case .cacheGrowth(let name, let perMinute, let cap):
                guard let service = serviceIndex[name] else { continue }
                cacheGrowth[service] = CacheGrowth(mbPerMinute: perMinute, capMB: cap)
            case .deployLine(let name, let second, let variant):
                guard let service = serviceIndex[name] else { continue }
                changes.append((service, micros(second), variant))
            case .sampledLogging(let name, let slower, let share):
                guard let service = serviceIndex[name] else { continue }
                sampling[service] = Sampling(slowerThanMS: slower, sampleShare: share)
            case .duplicates(let rate, let sameID):
                duplicates = (rate, sameID)
            }
        }
        slowsRequests = !jobs.isEmpty
    }

    /// Multiplies a request's own time on `instance` of `service`: a running job competes for CPU.
    func selfFactor(service: Int, instance: Int, at time: Int64) -> Double {
        guard slowsRequests else { return 1 }
        return jobs.contains { $0.service == service && $0.instance == instance && time >= $0.start && time < $0.end } ? 1.3 : 1
    }

    /// CPU a running job adds on `instance` of `service`.
    func extraCPU(service: Int, instance: Int, at time: Int64) -> Double {
        jobs.filter { $0.service == service && $0.instance == instance && time >= $0.start && time < $0.end }.reduce(0) {
            $0 + $1.cpuPercent
        }
    }

    /// Memory a filling cache adds to each instance of `service` at `time` (since its last restart).
    func cacheMB(service: Int, since: Int64, at time: Int64) -> Double {
        guard let growth = cacheGrowth[service] else { return 0 }
        return min(growth.capMB, growth.mbPerMinute * Double(time - max(since, scenarioStart)) / 60e6)
    }
}
