import ServiceLog

extension ScenarioSimulation {
    /// Traffic that is not the entry's users: a ``Topology/Source`` or a bot's ``ClientErrorBurst``.
    struct Stream {
        enum Origin {
            case source(Int)
            case bot(ClientErrorBurst)
        }

        var origin: Origin
        var next: Int64
        var rng: SplitMix64
    }

    /// Simulates the whole scenario and returns its events, oldest first.
    mutating func run() -> [Event] {
        let entryService = services[entry]
        let totalWeight = entryService.endpoints.reduce(0) { $0 + $1.trafficWeight }
        var streams = otherStreams()
        var userTime = nextUserArrival(after: start)
        while true {
            // The earliest arrival of all streams; the classic users' stream draws from `rng` as it always did.
            var earliest = userTime
            var chosen: Int?
            for (position, stream) in streams.enumerated() where stream.next < earliest {
                earliest = stream.next
                chosen = position
            }
            guard earliest < end else { break }
            guard let chosen else {
                var pick = (ownStreams ? arrivalRNG.unit() : rng.unit()) * totalWeight
                var endpoint = entryService.endpoints[0]
                for candidate in entryService.endpoints {
                    pick -= candidate.trafficWeight
                    if pick < 0 {
                        endpoint = candidate
                        break
                    }
                }
                enterOwnStreams(14)
                let context = RequestContext(traceID: newTraceID(), correlationID: newCorrelationID())
                let instance = fleet.pick(entry, at: userTime, using: &balancerRNG)
                _ = serve(entry, instance: instance, endpoint: endpoint, at: userTime, parent: nil, context: context)
                leaveOwnStreams()
                userTime = nextUserArrival(after: userTime)
                continue
            }
            switch streams[chosen].origin {
            case .source(let index):
                let source = spec.topology.sources[index]
                if let service = serviceIndex[source.service] {
                    let endpoint = services[service].endpoint(source.endpoint) ?? services[service].endpoints[0]
                    enterOwnStreams(15)
                    let context = RequestContext(traceID: newTraceID(), correlationID: newCorrelationID())
                    let instance = fleet.pick(service, at: earliest, using: &balancerRNG)
                    _ = serve(service, instance: instance, endpoint: endpoint, at: earliest, parent: nil, context: context)
                    leaveOwnStreams()
                }
            case .bot(let burst):
                serveBot(burst, at: earliest)
            }
            advance(&streams[chosen], after: earliest)
        }
        writeLifecycleLogs()
        writeHerringLogs()
        writeResourceSamples()
        return finishedEvents()
    }

    /// The users' next arrival: Poisson at the traffic shape's rate (times any surge of the entry).
    mutating func nextUserArrival(after time: Int64) -> Int64 {
        let seconds = Double(time - start) / 1e6
        var rate = max(0.01, spec.requestsPerSecond * spec.traffic.factor(atSecond: seconds))
        if !spec.realism.surges.isEmpty { rate = max(0.01, rate * surgeFactor(source: nil, atSecond: seconds)) }
        let gap = ownStreams ? arrivalRNG.exponential(mean: 1e6 / rate) : rng.exponential(mean: 1e6 / rate)
        return time + max(1, Int64(gap))
    }

    /// Outside the classic generator each request draws from streams of its own (its IDs, its
    /// services' behaviour, its load-balancing), derived from its number: a request that a pattern
    /// adds, removes or cuts short leaves every other request exactly as it was.
    mutating func enterOwnStreams(_ origin: UInt64) {
        guard ownStreams else { return }
        requestCounter += 1
        var own = SplitMix64(seed: SplitMix64.derive(spec.seed, origin, requestCounter))
        var balancer = SplitMix64(seed: SplitMix64.derive(spec.seed, origin + 100, requestCounter))
        swap(&rng, &own)
        swap(&balancerRNG, &balancer)
        savedStreams = (own, balancer)
    }

    /// Back to the shared streams after ``enterOwnStreams(_:)``.
    mutating func leaveOwnStreams() {
        guard ownStreams, let saved = savedStreams else { return }
        rng = saved.rng
        balancerRNG = saved.balancer
        savedStreams = nil
    }

    /// The product of the surges on `source` (`nil`: the entry) at `second`.
    func surgeFactor(source: Int?, atSecond second: Double) -> Double {
        spec.realism.surges.filter { $0.source == source }.reduce(1) { $0 * $1.factor(atSecond: second) }
    }

    /// The sources' and the bots' streams, each with its first arrival and its own generator.
    func otherStreams() -> [Stream] {
        var streams: [Stream] = []
        for index in spec.topology.sources.indices {
            var stream = Stream(origin: .source(index), next: start, rng: SplitMix64(seed: SplitMix64.derive(spec.seed, 9, UInt64(index))))
            advance(&stream, after: start)
            streams.append(stream)
        }
        for (index, burst) in spec.realism.clientErrors.bursts.enumerated() {
            var stream = Stream(origin: .bot(burst), next: start, rng: SplitMix64(seed: SplitMix64.derive(spec.seed, 10, UInt64(index))))
            advance(&stream, after: start)
            streams.append(stream)
        }
        return streams
    }

    /// Sets a stream's next Poisson arrival after `time` (`Int64.max` once a bot's burst is over).
    func advance(_ stream: inout Stream, after time: Int64) {
        let seconds = Double(time - start) / 1e6
        switch stream.origin {
        case .source(let index):
            let rate = max(
                0.001,
                spec.requestsPerSecond * spec.topology.sources[index].rateShare * spec.traffic.factor(atSecond: seconds)
                    * surgeFactor(source: index, atSecond: seconds))
            stream.next = time + max(1, Int64(stream.rng.exponential(mean: 1e6 / rate)))
        case .bot(let burst):
            let burstStart = start + Int64(burst.startSecond * 1e6)
            let burstEnd = burstStart + Int64(burst.durationSeconds * 1e6)
            let next = max(time, burstStart) + max(1, Int64(stream.rng.exponential(mean: 1e6 / max(0.01, burst.requestsPerSecond))))
            stream.next = next < burstEnd ? next : .max
        }
    }
}
