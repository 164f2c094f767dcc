extension Topology {
    /// A shop of 11 services behind `gateway`:
    ///
    /// ```
    /// gateway ─┬─ catalog ─┬─ pricing
    ///          │           └─ recommendations (optional)
    ///          └─ orders ──┬─ inventory ── datastore
    ///                      ├─ payments ─┬─ fraud
    ///                      │            └─ ledger
    ///                      └─ notifications (optional)
    /// ```
    ///
    /// Timeouts shrink with depth so that a slow leaf makes its direct caller time out (1 s, retried up
    /// to twice) before the callers further up do. Pools: catalog, orders, inventory, datastore,
    /// payments, ledger.
    public static let shop = Topology(
        entry: "gateway",
        services: [
            Service(
                name: "gateway",
                endpoints: [
                    Endpoint(
                        method: "GET", path: "/v1/products", selfMedianMS: 1.5,
                        calls: [Call(target: "catalog", method: "GET", endpoint: "/products", timeoutMS: 6000, maxAttempts: 1)],
                        trafficWeight: 0.45),
                    Endpoint(
                        method: "GET", path: "/v1/orders/:id", selfMedianMS: 1.5,
                        calls: [Call(target: "orders", method: "GET", endpoint: "/orders/:id", timeoutMS: 10000, maxAttempts: 1)],
                        trafficWeight: 0.30),
                    Endpoint(
                        method: "POST", path: "/v1/checkout", selfMedianMS: 2.5,
                        calls: [Call(target: "orders", method: "POST", endpoint: "/orders", timeoutMS: 20000, maxAttempts: 1)],
                        trafficWeight: 0.25),
                ],
                memoryMB: 180, idleCPUPercent: 4, cpuPercentPerRequestPerSecond: 0.8, threads: 16, openFDs: 64),
            Service(
                name: "catalog",
                endpoints: [
                    Endpoint(
                        method: "GET", path: "/products", selfMedianMS: 8,
                        calls: [
                            Call(target: "pricing", method: "GET", endpoint: "/prices", timeoutMS: 1000, maxAttempts: 3),
                            Call(
                                target: "recommendations", method: "GET", endpoint: "/recommendations", timeoutMS: 1000, maxAttempts: 2,
                                probability: 0.8, isOptional: true),
                        ],
                        parallelCalls: true)
                ],
                memoryMB: 320, idleCPUPercent: 3, cpuPercentPerRequestPerSecond: 1.5, threads: 24, openFDs: 90, poolSize: 20),
            Service(
                name: "pricing", endpoints: [Endpoint(method: "GET", path: "/prices", selfMedianMS: 4)],
                memoryMB: 150, idleCPUPercent: 2, cpuPercentPerRequestPerSecond: 1, threads: 12, openFDs: 40),
            Service(
                name: "recommendations", endpoints: [Endpoint(method: "GET", path: "/recommendations", selfMedianMS: 18)],
                memoryMB: 900, idleCPUPercent: 6, cpuPercentPerRequestPerSecond: 4, threads: 20, openFDs: 48, latencySigma: 0.6),
            Service(
                name: "orders",
                endpoints: [
                    Endpoint(
                        method: "GET", path: "/orders/:id", selfMedianMS: 6,
                        calls: [Call(target: "inventory", method: "GET", endpoint: "/stock/:sku", timeoutMS: 4000, maxAttempts: 2)]),
                    Endpoint(
                        method: "POST", path: "/orders", selfMedianMS: 12,
                        calls: [
                            Call(target: "inventory", method: "POST", endpoint: "/reservations", timeoutMS: 4000, maxAttempts: 2),
                            Call(target: "payments", method: "POST", endpoint: "/charges", timeoutMS: 8000, maxAttempts: 1),
                            Call(
                                target: "notifications", method: "POST", endpoint: "/notify", timeoutMS: 1000, maxAttempts: 3,
                                isOptional: true),
                        ]),
                ],
                memoryMB: 400, idleCPUPercent: 3, cpuPercentPerRequestPerSecond: 2, threads: 28, openFDs: 110, poolSize: 30),
            Service(
                name: "inventory",
                endpoints: [
                    Endpoint(
                        method: "GET", path: "/stock/:sku", selfMedianMS: 5,
                        calls: [Call(target: "datastore", method: "GET", endpoint: "/kv/:key", timeoutMS: 1000, maxAttempts: 3)]),
                    Endpoint(
                        method: "POST", path: "/reservations", selfMedianMS: 7,
                        calls: [Call(target: "datastore", method: "PUT", endpoint: "/kv/:key", timeoutMS: 1000, maxAttempts: 3)]),
                ],
                memoryMB: 260, idleCPUPercent: 2, cpuPercentPerRequestPerSecond: 1.2, threads: 18, openFDs: 70, poolSize: 16),
            Service(
                name: "datastore",
                endpoints: [
                    Endpoint(method: "GET", path: "/kv/:key", selfMedianMS: 1.5),
                    Endpoint(method: "PUT", path: "/kv/:key", selfMedianMS: 3),
                ],
                memoryMB: 1200, idleCPUPercent: 5, cpuPercentPerRequestPerSecond: 1, threads: 32, openFDs: 220, poolSize: 32,
                latencySigma: 0.35, logProbability: 0.1),
            Service(
                name: "payments",
                endpoints: [
                    Endpoint(
                        method: "POST", path: "/charges", selfMedianMS: 15,
                        calls: [
                            Call(target: "fraud", method: "POST", endpoint: "/score", timeoutMS: 1000, maxAttempts: 3),
                            Call(target: "ledger", method: "POST", endpoint: "/entries", timeoutMS: 1000, maxAttempts: 3),
                        ])
                ],
                memoryMB: 350, idleCPUPercent: 3, cpuPercentPerRequestPerSecond: 2.5, threads: 22, openFDs: 85, poolSize: 20),
            Service(
                name: "fraud", endpoints: [Endpoint(method: "POST", path: "/score", selfMedianMS: 9)],
                memoryMB: 600, idleCPUPercent: 5, cpuPercentPerRequestPerSecond: 3, threads: 16, openFDs: 45),
            Service(
                name: "ledger", endpoints: [Endpoint(method: "POST", path: "/entries", selfMedianMS: 6)],
                memoryMB: 280, idleCPUPercent: 2, cpuPercentPerRequestPerSecond: 1.5, threads: 14, openFDs: 60, poolSize: 12),
            Service(
                name: "notifications", endpoints: [Endpoint(method: "POST", path: "/notify", selfMedianMS: 3)],
                memoryMB: 140, idleCPUPercent: 1, cpuPercentPerRequestPerSecond: 0.5, threads: 10, openFDs: 36),
        ])
}
