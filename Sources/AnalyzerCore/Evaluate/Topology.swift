/// The services of a simulated system, what each endpoint costs and calls, and each process's resource
/// profile: the ground the ``ScenarioGenerator`` simulates requests on.
///
/// Array-based on purpose: the generator walks services and calls in array order, never in `Dictionary`
/// order (which changes from run to run), so a seed always gives the same events.
public struct Topology: Sendable, Hashable {
    /// One outgoing call an endpoint makes.
    public struct Call: Sendable, Hashable {
        /// The callee's service name.
        public var target: String
        /// HTTP method of the call.
        public var method: String
        /// The callee's endpoint (one of the target's ``Endpoint/path`` values).
        public var endpoint: String
        /// The caller gives up after this long and records `status_code` 0, `error` `timeout`.
        public var timeoutMS: Double
        /// Attempts including the first; retries follow the toolkit's `RetryPolicy` defaults (timeout,
        /// refused or reset connections and 429/502/503/504 are retried). With 1 no `attempt` is written.
        public var maxAttempts: Int
        /// Whether the endpoint makes the call on a given request.
        public var probability: Double
        /// An optional call failing degrades the answer (a warning log) instead of failing the request.
        public var isOptional: Bool

        /// A call; `maxAttempts` is at least 1.
        public init(
            target: String, method: String, endpoint: String, timeoutMS: Double, maxAttempts: Int, probability: Double = 1,
            isOptional: Bool = false
        ) {
            self.target = target
            self.method = method
            self.endpoint = endpoint
            self.timeoutMS = timeoutMS
            self.maxAttempts = max(1, maxAttempts)
            self.probability = probability
            self.isOptional = isOptional
        }
    }

    /// One endpoint a service serves.
    public struct Endpoint: Sendable, Hashable {
        /// HTTP method it answers.
        public var method: String
        /// Its route, e.g. `/orders/:id` (the `endpoint` field of its events).
        public var path: String
        /// Median of the service's own processing time (log-normal), without its calls.
        public var selfMedianMS: Double
        /// The calls it makes, in order.
        public var calls: [Call]
        /// Whether the calls run concurrently (otherwise one after another).
        public var parallelCalls: Bool
        /// For the entry service: the share of user traffic this endpoint receives.
        public var trafficWeight: Double

        /// An endpoint that costs `selfMedianMS` of its own time and makes `calls`.
        public init(
            method: String, path: String, selfMedianMS: Double, calls: [Call] = [], parallelCalls: Bool = false, trafficWeight: Double = 0
        ) {
            self.method = method
            self.path = path
            self.selfMedianMS = selfMedianMS
            self.calls = calls
            self.parallelCalls = parallelCalls
            self.trafficWeight = trafficWeight
        }
    }

    /// One service: its endpoints, its process and the messages it logs.
    public struct Service: Sendable, Hashable {
        /// The `service` field of its events.
        public var name: String
        /// What it serves.
        public var endpoints: [Endpoint]
        /// Resident memory when healthy.
        public var memoryMB: Double
        /// CPU when idle (100 = one core).
        public var idleCPUPercent: Double
        /// CPU each request per second adds.
        public var cpuPercentPerRequestPerSecond: Double
        /// Thread count when healthy.
        public var threads: Int
        /// Open file descriptors when healthy (pool connections in use come on top).
        public var openFDs: Int
        /// Size of its connection pool, for services that own one (reported as `pool_in_use`/`pool_size`).
        public var poolSize: Int?
        /// Shape of the self-time distribution (log-normal sigma).
        public var latencySigma: Double
        /// Chance that a request writes one `info` log.
        public var logProbability: Double

        /// A service profile.
        public init(
            name: String, endpoints: [Endpoint], memoryMB: Double, idleCPUPercent: Double, cpuPercentPerRequestPerSecond: Double,
            threads: Int, openFDs: Int, poolSize: Int? = nil, latencySigma: Double = 0.45, logProbability: Double = 0.5
        ) {
            self.name = name
            self.endpoints = endpoints
            self.memoryMB = memoryMB
            self.idleCPUPercent = idleCPUPercent
            self.cpuPercentPerRequestPerSecond = cpuPercentPerRequestPerSecond
            self.threads = threads
            self.openFDs = openFDs
            self.poolSize = poolSize
            self.latencySigma = latencySigma
            self.logProbability = logProbability
        }

        /// The endpoint with this path.
        public func endpoint(_ path: String) -> Endpoint? {
            endpoints.first { $0.path == path }
        }
    }

    /// The service users call; it is never the root cause of a generated fault.
    public var entry: String
    /// Every service, the entry included, in a fixed order.
    public var services: [Service]
    /// Cores of each host, for CPU saturation (`cpu_percent` near `cores * 100`).
    public var cores: Int

    /// A topology whose users call `entry`; every call target must be one of `services`.
    public init(entry: String, services: [Service], cores: Int = 2) {
        self.entry = entry
        self.services = services
        self.cores = cores
    }

    /// The service with this name.
    public func service(_ name: String) -> Service? {
        services.first { $0.name == name }
    }

    /// The services `name` calls, in declaration order, without repeats.
    public func callees(of name: String) -> [String] {
        var seen: [String] = []
        for endpoint in service(name)?.endpoints ?? [] {
            for call in endpoint.calls where !seen.contains(call.target) { seen.append(call.target) }
        }
        return seen
    }

    /// Every service except the entry: the candidates for a fault.
    public var nonEntryServices: [String] {
        services.map(\.name).filter { $0 != entry }
    }

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
