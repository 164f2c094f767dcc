#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Draws a system from a ``TopologyShape`` and a ``Domain``: business services on levels below the
/// entry (each level called by the one above, every service reachable), datastores and third-party
/// adapters at the bottom, endpoints and calls with timeouts that shrink with depth, replicas, pools,
/// stacks and other ways in. Deterministic for a generator state.
enum TopologyBuilder {
    static func build(_ shape: TopologyShape, domain: Domain, using rng: inout SplitMix64) -> Topology {
        let count = rng.int(in: shape.serviceCount)
        let storeCount = min(domain.stores.count, max(1, Int((Double(count) * 0.2).rounded())))
        let externalCount = min(domain.externals.count, rng.int(in: shape.externals))
        let apiCount = min(domain.services.count, max(3, count - 1 - storeCount - externalCount))
        let depth = min(apiCount, rng.int(in: shape.depth))
        let entryName = rng.pick(domain.entryNames)
        let apis = Array(rng.shuffled(domain.services).prefix(apiCount))
        let stores = Array(rng.shuffled(domain.stores).prefix(storeCount))
        let externals = Array(rng.shuffled(domain.externals).prefix(externalCount))

        // Levels: one service per level first (so the system is as deep as drawn), the rest nearer the top.
        var level: [Int] = []
        for index in 0..<apiCount {
            level.append(index < depth ? index + 1 : 1 + min(depth - 1, Int(rng.unit() * rng.unit() * Double(depth))))
        }
        let indices = Array(0..<apiCount)
        var callees: [[String]] = Array(repeating: [], count: apiCount)
        for index in indices where level[index] < depth {
            let next = indices.filter { level[$0] == level[index] + 1 }
            for callee in rng.shuffled(next).prefix(rng.int(in: shape.fanOut)) { callees[index].append(apis[callee].name) }
        }
        for index in indices where level[index] > 1 {
            let name = apis[index].name
            if !callees.contains(where: { $0.contains(name) }) {
                let callers = indices.filter { level[$0] == level[index] - 1 }
                callees[rng.pick(callers)].append(name)
            }
        }
        // Datastores hang under the lower levels; each has at least one caller.
        for index in indices where level[index] >= max(1, depth - 1) && rng.chance(0.7) { callees[index].append(rng.pick(stores)) }
        for store in stores where !callees.contains(where: { $0.contains(store) }) {
            let deep = indices.filter { level[$0] >= max(1, depth - 1) }
            callees[rng.pick(deep.isEmpty ? indices : deep)].append(store)
        }
        for external in externals {
            let lower = indices.filter { level[$0] >= min(2, depth) }
            callees[rng.pick(lower.isEmpty ? indices : lower)].append(external.name)
        }

        let levelOf = Dictionary(uniqueKeysWithValues: indices.map { (apis[$0].name, level[$0]) })
        let storeSet = Set(stores)
        let externalNames = Set(externals.map(\.name))
        func call(to target: String, endpoint: (method: String, path: String), from callerLevel: Int) -> Topology.Call {
            if storeSet.contains(target) {
                return .init(
                    target: target, method: endpoint.method, endpoint: endpoint.path, timeoutMS: rounded(rng.uniform(250...1000)),
                    maxAttempts: rng.int(in: 2...3))
            }
            if externalNames.contains(target) {
                return .init(
                    target: target, method: endpoint.method, endpoint: endpoint.path, timeoutMS: rounded(rng.uniform(2000...5000)),
                    maxAttempts: rng.int(in: 1...2), isOptional: rng.chance(0.4))
            }
            let targetLevel = levelOf[target] ?? depth
            let probability = rng.chance(0.85) ? 1 : rng.uniform(0.3...0.9)
            return .init(
                target: target, method: endpoint.method, endpoint: endpoint.path,
                timeoutMS: rounded(1000 * Double(depth - targetLevel + 1) * rng.uniform(0.8...1.6)),
                maxAttempts: targetLevel == depth ? 3 : (rng.chance(0.5) ? 2 : 1), probability: probability,
                isOptional: callerLevel > 0 && rng.chance(shape.optionalShare))
        }

        // Endpoints of every callee first, so that calls can name them.
        var routes: [String: [(method: String, path: String)]] = [:]
        for part in apis {
            let plural = "/\(part.entity)s"
            // Paths differ even where methods do: calls and the simulation find an endpoint by its path.
            let all: [(method: String, path: String)] = [
                ("GET", "\(plural)/:id"), ("POST", plural), ("GET", "\(plural)/search"), ("PUT", "\(plural)/:id/state"),
            ]
            routes[part.name] = Array(all.prefix(rng.int(in: 1...3)))
        }
        for store in stores { routes[store] = [("GET", "/rows/:id"), ("POST", "/query"), ("PUT", "/rows")] }
        for external in externals { routes[external.name] = [("POST", "/v1/\(external.entity)s")] }

        var services: [Topology.Service] = []
        var entryEndpoints: [Topology.Endpoint] = []
        let publicRoutes = Array(domain.routes.prefix(rng.int(in: 2...min(4, domain.routes.count))))
        var weights = publicRoutes.map { _ in rng.uniform(0.5...1.5) }
        if publicRoutes.count > 2, rng.chance(0.5) {
            weights[weights.count - 1] = rng.uniform(0.03...0.08) * weights.dropLast().reduce(0, +)
        }
        let firstLevel = indices.filter { level[$0] == 1 }.map { apis[$0].name }
        var uncalled = firstLevel
        for (position, route) in publicRoutes.enumerated() {
            var targets = Array(rng.shuffled(firstLevel).prefix(rng.int(in: 1...2)))
            if position == publicRoutes.count - 1 { targets += uncalled.filter { !targets.contains($0) } }
            uncalled.removeAll { targets.contains($0) }
            let calls = targets.map { target -> Topology.Call in
                let endpoint = rng.pick(routes[target]!)
                return .init(
                    target: target, method: endpoint.method, endpoint: endpoint.path,
                    timeoutMS: rounded(1000 * Double(depth + 2) * rng.uniform(1...2)), maxAttempts: 1)
            }
            entryEndpoints.append(
                .init(
                    method: route.method, path: route.path, selfMedianMS: rng.uniform(1...3), calls: calls,
                    parallelCalls: calls.count > 1 && rng.chance(shape.parallelShare), trafficWeight: weights[position]))
        }
        let entryStack = rng.pick(shape.ecosystems)
        services.append(
            profile(
                name: entryName, endpoints: entryEndpoints, role: .api, ecosystem: entryStack, instances: rng.int(in: 2...4),
                phrases: ["routed request for {user} ({word})", "authenticated {user} via bearer token"], using: &rng))

        for index in indices {
            let part = apis[index]
            let own = routes[part.name]!
            var assigned: [[Topology.Call]] = Array(repeating: [], count: own.count)
            for target in callees[index] {
                let slot = rng.int(below: own.count)
                let endpoint = rng.pick(routes[target]!)
                assigned[slot].append(call(to: target, endpoint: endpoint, from: level[index]))
            }
            let endpoints = own.enumerated().map { slot, route in
                Topology.Endpoint(
                    method: route.method, path: route.path, selfMedianMS: logUniform(2...25, using: &rng), calls: assigned[slot],
                    parallelCalls: assigned[slot].count > 1 && rng.chance(shape.parallelShare))
            }
            var service = profile(
                name: part.name, endpoints: endpoints, role: .api, ecosystem: rng.pick(shape.ecosystems),
                instances: rng.int(in: shape.instances),
                phrases: [
                    "\(part.entity) {id} loaded in {ms} ms", "validated \(part.entity) request for {user} ({n} fields)",
                    "\(part.entity) {id} saved (version {n})", "cache miss for \(part.entity):{id}, fetched from store",
                ], using: &rng)
            if callees[index].contains(where: storeSet.contains) { service.poolSize = rng.pick([8, 10, 16, 20, 30]) }
            services.append(service)
        }
        for store in stores {
            let endpoints = routes[store]!.map {
                Topology.Endpoint(method: $0.method, path: $0.path, selfMedianMS: logUniform(0.8...4, using: &rng))
            }
            var service = profile(
                name: store, endpoints: endpoints, role: .datastore, ecosystem: rng.pick([.go, .swift]), instances: 1,
                phrases: ["slow query on rows took {ms} ms", "checkpoint complete: wrote {n} buffers", "autovacuum removed {n} dead rows"],
                using: &rng)
            service.memoryMB = rng.uniform(800...2400).rounded()
            service.poolSize = rng.pick([32, 48, 64])
            service.latencySigma = 0.35
            service.logProbability = 0.05
            services.append(service)
        }
        for external in externals {
            let endpoints = routes[external.name]!.map {
                Topology.Endpoint(method: $0.method, path: $0.path, selfMedianMS: logUniform(40...250, using: &rng))
            }
            var service = profile(
                name: external.name, endpoints: endpoints, role: .external, ecosystem: rng.pick(shape.ecosystems),
                instances: rng.int(in: 1...2),
                phrases: ["provider answered \(external.entity) request in {ms} ms", "\(external.entity) {id} submitted to provider"],
                using: &rng)
            service.latencySigma = 0.6
            services.append(service)
        }

        services = withCallsOnInvokedEndpoints(Topology(entry: entryName, services: services))

        var sources: [Topology.Source] = []
        let upper = indices.filter { level[$0] <= 2 && level[$0] < depth }
        for index in rng.shuffled(upper).prefix(rng.int(in: shape.sources)) {
            sources.append(
                .init(service: apis[index].name, endpoint: routes[apis[index].name]![0].path, rateShare: rng.uniform(shape.sourceShare)))
        }
        return Topology(entry: entryName, services: services, cores: rng.pick([2, 2, 4]), sources: sources)
    }

    /// The services with every call made from an endpoint that receives traffic: calls drawn onto an
    /// endpoint no caller uses move to the service's busiest endpoint, until nothing moves (so every
    /// service the graph reaches also sees requests).
    static func withCallsOnInvokedEndpoints(_ topology: Topology) -> [Topology.Service] {
        var topology = topology
        while true {
            let shares = topology.endpointShares()
            var moved = false
            for index in topology.services.indices {
                let name = topology.services[index].name
                guard let invoked = shares[name], let busiest = invoked.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key,
                    let target = topology.services[index].endpoints.firstIndex(where: { $0.path == busiest })
                else { continue }
                for slot in topology.services[index].endpoints.indices where invoked[topology.services[index].endpoints[slot].path] == nil {
                    let calls = topology.services[index].endpoints[slot].calls
                    guard !calls.isEmpty else { continue }
                    topology.services[index].endpoints[target].calls += calls
                    topology.services[index].endpoints[slot].calls = []
                    moved = true
                }
            }
            if !moved { return topology.services }
        }
    }

    /// A service with a process profile typical of its stack.
    static func profile(
        name: String, endpoints: [Topology.Endpoint], role: Topology.Role, ecosystem: Ecosystem, instances: Int, phrases: [String],
        using rng: inout SplitMix64
    ) -> Topology.Service {
        let (memory, threads): (ClosedRange<Double>, ClosedRange<Int>) =
            switch ecosystem {
            case .spring: (350...900, 40...200)
            case .go: (60...220, 10...30)
            case .node: (150...420, 11...15)
            case .python: (180...520, 8...20)
            case .swift: (60...200, 8...16)
            }
        return Topology.Service(
            name: name, endpoints: endpoints, memoryMB: rng.uniform(memory).rounded(), idleCPUPercent: rng.uniform(1...6).rounded(),
            cpuPercentPerRequestPerSecond: (rng.uniform(0.5...4) * 10).rounded() / 10, threads: rng.int(in: threads),
            openFDs: rng.int(in: 30...200),
            latencySigma: rng.uniform(0.35...0.6), logProbability: rng.uniform(0.2...0.6), instances: instances, ecosystem: ecosystem,
            role: role,
            phrases: phrases)
    }

    static func logUniform(_ range: ClosedRange<Double>, using rng: inout SplitMix64) -> Double {
        (exp(rng.uniform(log(range.lowerBound)...log(range.upperBound))) * 10).rounded() / 10
    }

    static func rounded(_ milliseconds: Double) -> Double {
        (milliseconds / 50).rounded() * 50
    }
}
