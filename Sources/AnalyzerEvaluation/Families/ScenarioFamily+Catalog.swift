extension ScenarioFamily {
    /// Every family, tuning ones first. The held-out set is fixed: changing it invalidates every
    /// held-out figure reported before.
    public static let all: [ScenarioFamily] = [shop, banking, streaming, logistics, rideHailing, iot, social, healthcare]

    /// The families one may tune on.
    public static var tuning: [ScenarioFamily] { all.filter { !$0.isHeldOut } }

    /// The families never to tune on.
    public static var heldOut: [ScenarioFamily] { all.filter(\.isHeldOut) }

    /// The family with this name.
    public static func named(_ name: String) -> ScenarioFamily? {
        all.first { $0.name == name }
    }

    public static let shop = ScenarioFamily(
        name: "shop", summary: "the 11-service shop, replicated, in four stacks, with a recommendations refresh job", isHeldOut: false,
        trafficShape: .steady, rate: 3.5...5.5, shape: nil, domain: nil, fixedTopology: .replicatedShop)

    public static let banking = ScenarioFamily(
        name: "banking", summary: "10-13 services, 2-3 levels, mostly Spring, business-hours traffic", isHeldOut: false,
        trafficShape: .diurnal, rate: 3...5,
        shape: TopologyShape(
            serviceCount: 10...13, depth: 2...3, fanOut: 1...3, instances: 2...3, optionalShare: 0.15, parallelShare: 0.2,
            externals: 1...2, sources: 0...1, sourceShare: 0.1...0.3, ecosystems: [.spring, .spring, .spring, .go, .python]),
        domain: .banking, fixedTopology: nil)

    public static let streaming = ScenarioFamily(
        name: "streaming", summary: "13-16 services, wide fan-out with fallbacks, bursty release traffic", isHeldOut: false,
        trafficShape: .bursty, rate: 3...5,
        shape: TopologyShape(
            serviceCount: 13...16, depth: 2...3, fanOut: 2...3, instances: 2...4, optionalShare: 0.3, parallelShare: 0.6,
            externals: 1...2, sources: 0...1, sourceShare: 0.1...0.3, ecosystems: [.go, .node, .spring, .python]),
        domain: .streaming, fixedTopology: nil)

    public static let logistics = ScenarioFamily(
        name: "logistics", summary: "8-11 services in deep chains, low traffic with scanner batches every minute", isHeldOut: false,
        trafficShape: .periodic, rate: 1.2...2.5,
        shape: TopologyShape(
            serviceCount: 8...11, depth: 4...5, fanOut: 1...2, instances: 1...2, optionalShare: 0.15, parallelShare: 0.1,
            externals: 1...2, sources: 1...1, sourceShare: 0.2...0.5, ecosystems: [.spring, .python, .go]),
        domain: .logistics, fixedTopology: nil)

    public static let rideHailing = ScenarioFamily(
        name: "ride-hailing", summary: "11-15 services, rider API plus a busy driver app, rush-hour bursts", isHeldOut: true,
        trafficShape: .bursty, rate: 3...5,
        shape: TopologyShape(
            serviceCount: 11...15, depth: 3...4, fanOut: 1...3, instances: 2...4, optionalShare: 0.2, parallelShare: 0.4,
            externals: 2...3, sources: 1...2, sourceShare: 0.3...0.6, ecosystems: [.go, .go, .spring, .node, .python]),
        domain: .rideHailing, fixedTopology: nil)

    public static let iot = ScenarioFamily(
        name: "iot", summary: "8-12 services behind an ingest gateway, many small requests, devices reporting every minute",
        isHeldOut: true,
        trafficShape: .periodic, rate: 5...8,
        shape: TopologyShape(
            serviceCount: 8...12, depth: 3...4, fanOut: 1...2, instances: 2...3, optionalShare: 0.2, parallelShare: 0.2,
            externals: 0...1, sources: 0...1, sourceShare: 0.05...0.2, ecosystems: [.go, .swift, .python, .node]),
        domain: .iot, fixedTopology: nil)

    public static let social = ScenarioFamily(
        name: "social", summary: "12-16 services, feed fan-out with fallbacks, daily waves, five stacks", isHeldOut: true,
        trafficShape: .diurnal, rate: 3...5,
        shape: TopologyShape(
            serviceCount: 12...16, depth: 2...4, fanOut: 1...3, instances: 2...4, optionalShare: 0.35, parallelShare: 0.5,
            externals: 1...2, sources: 0...2, sourceShare: 0.1...0.4, ecosystems: [.node, .python, .go, .spring, .swift]),
        domain: .social, fixedTopology: nil)

    public static let healthcare = ScenarioFamily(
        name: "healthcare", summary: "8-11 services, deep and quiet: under two requests per second", isHeldOut: true,
        trafficShape: .steady, rate: 0.7...1.6,
        shape: TopologyShape(
            serviceCount: 8...11, depth: 3...5, fanOut: 1...2, instances: 1...2, optionalShare: 0.3, parallelShare: 0.2,
            externals: 1...3, sources: 0...1, sourceShare: 0.1...0.3, ecosystems: [.spring, .python, .swift, .node]),
        domain: .healthcare, fixedTopology: nil)
}
