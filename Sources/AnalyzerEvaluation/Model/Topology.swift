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
        /// Processes behind one name, each with its own `instance` and `host`; requests are balanced
        /// across those in the load balancer.
        public var instances: Int
        /// The stack it is written in, which decides its log sources and message texts; `nil` keeps the
        /// shop's original texts.
        public var ecosystem: Ecosystem?
        /// What the service is (a datastore logs differently from an API).
        public var role: Role
        /// Ordinary `info` lines it writes, with placeholders (`{id}`, `{n}`, `{user}`, `{ms}`, `{word}`)
        /// filled per line; empty: the shop's texts for its name.
        public var phrases: [String]

        /// A service profile.
        public init(
            name: String, endpoints: [Endpoint], memoryMB: Double, idleCPUPercent: Double, cpuPercentPerRequestPerSecond: Double,
            threads: Int, openFDs: Int, poolSize: Int? = nil, latencySigma: Double = 0.45, logProbability: Double = 0.5,
            instances: Int = 1, ecosystem: Ecosystem? = nil, role: Role = .api, phrases: [String] = []
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
            self.instances = max(1, instances)
            self.ecosystem = ecosystem
            self.role = role
            self.phrases = phrases
        }

        /// The endpoint with this path.
        public func endpoint(_ path: String) -> Endpoint? {
            endpoints.first { $0.path == path }
        }
    }

    /// What kind of process a service is.
    public enum Role: String, Sendable, Hashable, Codable {
        /// An HTTP API or worker with business logic.
        case api
        /// A database, cache or queue behind an HTTP facade: small fast requests, little logging.
        case datastore
        /// An adapter to a third party (payment network, maps, push provider): slow, variable.
        case external
    }

    /// Traffic that enters the system somewhere other than ``entry``: a second public API, a batch job,
    /// a partner integration. Its requests have no caller in the data, like the entry's.
    public struct Source: Sendable, Hashable {
        /// The service it calls.
        public var service: String
        /// The endpoint (one of the service's paths).
        public var endpoint: String
        /// Its mean rate as a share of the entry's ``ScenarioSpec/requestsPerSecond``.
        public var rateShare: Double

        /// A source of `rateShare` times the entry's rate into `service`'s `endpoint`.
        public init(service: String, endpoint: String, rateShare: Double) {
            self.service = service
            self.endpoint = endpoint
            self.rateShare = rateShare
        }
    }

    /// The service users call; it is never the root cause of a generated fault.
    public var entry: String
    /// Every service, the entry included, in a fixed order.
    public var services: [Service]
    /// Cores of each host, for CPU saturation (`cpu_percent` near `cores * 100`).
    public var cores: Int
    /// Other ways traffic enters (none in the shop).
    public var sources: [Source]

    /// A topology whose users call `entry`; every call target must be one of `services`.
    public init(entry: String, services: [Service], cores: Int = 2, sources: [Source] = []) {
        self.entry = entry
        self.services = services
        self.cores = cores
        self.sources = sources
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
}
