extension Topology {
    /// The ``shop`` as it runs in production: replicas behind load balancers, services written in
    /// different stacks, recommendations pricing what it recommends, and a batch job that refreshes
    /// recommendations on its own schedule (a second way in, at a quarter of the users' rate).
    ///
    /// ```
    /// gateway ─┬─ catalog ─┬─ pricing ◀──────────┐
    ///          │           └─ recommendations ───┘ ◀── refresh job
    ///          └─ orders ──┬─ inventory ── datastore
    ///                      ├─ payments ─┬─ fraud
    ///                      │            └─ ledger
    ///                      └─ notifications (optional)
    /// ```
    public static let replicatedShop: Topology = {
        let stacks: [String: (instances: Int, ecosystem: Ecosystem)] = [
            "gateway": (3, .go), "catalog": (2, .spring), "pricing": (2, .python), "recommendations": (2, .python), "orders": (2, .spring),
            "inventory": (2, .go), "datastore": (1, .go), "payments": (2, .spring), "fraud": (2, .python), "ledger": (1, .swift),
            "notifications": (1, .node),
        ]
        var topology = Topology.shop
        for index in topology.services.indices {
            let name = topology.services[index].name
            topology.services[index].instances = stacks[name]?.instances ?? 1
            topology.services[index].ecosystem = stacks[name]?.ecosystem
            if name == "datastore" { topology.services[index].role = .datastore }
            if name == "recommendations" {
                let pricing = Call(target: "pricing", method: "GET", endpoint: "/prices", timeoutMS: 800, maxAttempts: 2)
                topology.services[index].endpoints[0].calls = [pricing]
                topology.services[index].endpoints.append(
                    Endpoint(method: "POST", path: "/recommendations/refresh", selfMedianMS: 12, calls: [pricing]))
            }
        }
        topology.sources = [Source(service: "recommendations", endpoint: "/recommendations/refresh", rateShare: 0.25)]
        return topology
    }()
}
