import AnalyzerCore
import Logging
import ServiceLog
import W3CTraceContext

/// Simulates one scenario: user requests arrive at the entry service (Poisson), each service handles
/// its part (server span) and calls others (client spans, with timeouts and retries), and every step
/// writes the canonical events an instrumented service would. Arrivals, serving, calls, resource
/// samples, lifecycle lines and noise live in extensions.
///
/// Time is simulated, not waited for: each request is resolved depth-first at its arrival time, so a
/// scenario of tens of thousands of requests takes well under a second in release builds. All times
/// are integer microseconds (true time; a skewed host's timestamps are shifted only when written),
/// so every `duration_ms` survives the text round trip exactly.
///
/// With ``Realism/none`` and one instance per service this is the classic generator, draw for draw:
/// every addition either draws from its own stream or draws nothing when it is off.
struct ScenarioSimulation {
    /// The trace a request carries from service to service.
    struct RequestContext {
        var traceID: TraceID
        var correlationID: String
    }

    /// The trace fields of one event.
    struct TraceFields {
        var context: RequestContext
        var span: SpanID
        var parent: SpanID?
    }

    /// How a server span ended, as its caller sees it.
    struct ServeResult {
        var end: Int64
        var status: Int
    }

    /// How a call (all its attempts) ended.
    struct CallResult {
        var end: Int64
        var status: Int
        var error: String?
        var attempts: Int

        var succeeded: Bool { error == nil && status > 0 && status < 500 }
    }

    /// The pool assumed for a `resource_exhaustion` fault in a service that declares none.
    static let defaultPoolSize = 16

    /// Gauges are sampled every 10 s; request counts and pool use are kept per 10 s bucket.
    static let bucketMicros: Int64 = 10_000_000

    let spec: ScenarioSpec
    let services: [Topology.Service]
    /// Name → index, for lookups only (never iterated: its order changes between runs).
    let serviceIndex: [String: Int]
    let entry: Int
    let fault: FaultModel?
    /// The fault with realistic symptoms (``Realism/symptoms``), with its state.
    var symptoms: SymptomModel?
    /// A fault in the faulty service's network.
    let link: LinkFault?
    /// What the red herrings do, precomputed.
    let herrings: HerringModel
    let voices: [any ServiceVoice]
    let logSources: LogSources
    let start: Int64
    let end: Int64
    /// Request traffic, IDs and service behaviour.
    var rng: SplitMix64
    /// Gauge samples, on their own stream so that changing gauges never changes requests.
    var resourceRNG: SplitMix64
    /// Noise decisions, on their own stream for the same reason.
    var noiseRNG: SplitMix64
    /// Realistic symptoms, client errors and link delays.
    var patternRNG: SplitMix64
    /// The load balancers' choices.
    var balancerRNG: SplitMix64
    /// Red herrings' decisions and texts.
    var herringRNG: SplitMix64
    /// Client errors: the entry's own rejections and the bots' requests (which also swap in
    /// `botRNG` and `botBalancerRNG` for `rng` and `balancerRNG`), so that turning client errors off
    /// leaves every other request's draws as they were.
    var clientRNG: SplitMix64
    var botRNG: SplitMix64
    var botBalancerRNG: SplitMix64
    /// Whether requests draw from streams of their own (everything but the classic generator), the
    /// users' arrivals and endpoints then from `arrivalRNG`; see ``enterOwnStreams(_:)``.
    let ownStreams: Bool
    var arrivalRNG: SplitMix64
    var requestCounter: UInt64 = 0
    var savedStreams: (rng: SplitMix64, balancer: SplitMix64)?
    var events: [Event] = []
    /// Per event: its instance (flat index) and true time, to drop what a stopped process never wrote.
    var eventOwners: [Int32] = []
    var eventTimes: [Int64] = []
    var fleet: Fleet
    let eventIDPrefix: String
    var eventCounter: UInt64 = 0
    /// Server spans started per instance (flat index) and 10 s bucket.
    var requestsPerBucket: [[Int]]
    /// Microseconds of pool-holding work per instance (flat index) and 10 s bucket (for `pool_in_use`).
    var poolBusyMicros: [[Int64]]

    init(spec: ScenarioSpec) {
        self.spec = spec
        services = spec.topology.services
        var index: [String: Int] = [:]
        for (position, service) in services.enumerated() { index[service.name] = position }
        serviceIndex = index
        entry = index[spec.topology.entry] ?? 0
        start = spec.start.microsecondsSinceEpoch
        end = start + Int64(spec.durationSeconds * 1e6)
        rng = SplitMix64(seed: SplitMix64.derive(spec.seed, 1))
        resourceRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 2))
        noiseRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 3))
        eventIDPrefix = Self.hex16(SplitMix64.derive(spec.seed, 4))
        patternRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 6))
        balancerRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 7))
        herringRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 8))
        clientRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 11))
        botRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 12))
        botBalancerRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 13))
        arrivalRNG = SplitMix64(seed: SplitMix64.derive(spec.seed, 16))
        ownStreams =
            spec.realism != .none || !spec.topology.sources.isEmpty
            || spec.topology.services.contains { $0.instances > 1 || $0.ecosystem != nil }
        voices = services.map { $0.ecosystem?.voice ?? ClassicVoice() }
        logSources = LogSources(services: services, voices: voices)
        var faultModel: FaultModel?
        if let faultSpec = spec.fault, let faulty = index[faultSpec.service] {
            let faultStart = start + Int64(faultSpec.startSecond * 1e6)
            faultModel = FaultModel(
                spec: faultSpec, service: faulty, start: faultStart,
                end: min(end, faultStart + Int64(faultSpec.durationSeconds * 1e6)),
                errorFamily: Int(SplitMix64.derive(spec.seed, 5) % UInt64(ScenarioMessages.errorFamilyCount)),
                actsOnProcess: faultSpec.mechanism == .process && !spec.realism.symptoms)
        }
        fault = faultModel
        let buckets = Int((end - start) / Self.bucketMicros) + 8
        fleet = Fleet(counts: services.map(\.instances))
        requestsPerBucket = Array(repeating: Array(repeating: 0, count: buckets), count: fleet.total)
        poolBusyMicros = Array(repeating: Array(repeating: 0, count: buckets), count: fleet.total)
        for (position, service) in services.enumerated() {
            fleet.hosts[position][0] = "ip-10-0-\(rng.int(in: 1...9))-\(rng.int(in: 2...250))"
            fleet.names[position][0] = "\(service.name)-\(ScenarioMessages.hex(&rng, 9))-\(ScenarioMessages.hex(&rng, 5))"
        }
        // Further replicas share the first one's ReplicaSet hash, each on its own node.
        for (position, service) in services.enumerated() where service.instances > 1 {
            let replicaSet = fleet.names[position][0].dropLast(6)
            for replica in 1..<service.instances {
                fleet.hosts[position][replica] = "ip-10-0-\(rng.int(in: 1...9))-\(rng.int(in: 2...250))"
                fleet.names[position][replica] = "\(replicaSet)-\(ScenarioMessages.hex(&rng, 5))"
            }
        }
        if let clockSkew = spec.noise.clockSkew, let skewed = index[clockSkew.service] {
            for replica in 0..<services[skewed].instances where clockSkew.instance == nil || clockSkew.instance == replica {
                fleet.skew[skewed][replica] = Int64(clockSkew.offsetMS * 1000)
            }
        }
        link = faultModel.flatMap { LinkFault(fault: $0) }
        herrings = HerringModel(spec: spec, serviceIndex: index, start: start, end: end, fleet: &fleet, using: &herringRNG)
        if let faultModel, spec.realism.symptoms, faultModel.spec.mechanism == .process {
            symptoms = SymptomModel(
                fault: faultModel, topology: spec.topology, requestsPerSecond: spec.requestsPerSecond, voice: voices[faultModel.service],
                fleet: &fleet, using: &patternRNG)
        }
    }

    // MARK: IDs and units

    mutating func newSpanID() -> SpanID {
        let value = max(1, rng.next()).bigEndian
        return withUnsafeBytes(of: value) { SpanID(bytes: ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5], $0[6], $0[7])) }
    }

    mutating func newTraceID() -> TraceID {
        let high = max(1, rng.next()).bigEndian
        let low = rng.next().bigEndian
        var raw = TraceID.null.bytes
        withUnsafeMutableBytes(of: &raw) { buffer in
            withUnsafeBytes(of: high) { buffer[0..<8].copyBytes(from: $0) }
            withUnsafeBytes(of: low) { buffer[8..<16].copyBytes(from: $0) }
        }
        return TraceID(bytes: raw)
    }

    /// A UUID-shaped correlation ID, like the toolkit generates.
    mutating func newCorrelationID() -> String {
        let hex = Self.hex16(rng.next()) + Self.hex16(rng.next())
        let digits = Array(hex)
        return [digits[0..<8], digits[8..<12], digits[12..<16], digits[16..<20], digits[20..<32]].map { String($0) }.joined(separator: "-")
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func micros(_ milliseconds: Double) -> Int64 {
        max(0, Int64((milliseconds * 1000).rounded()))
    }

    /// Exactly representable as the format's three-decimal milliseconds.
    static func milliseconds(_ micros: Int64) -> Double {
        Double(micros) / 1000
    }

    func bucket(_ time: Int64) -> Int {
        min(requestsPerBucket[0].count - 1, max(0, Int((time - start) / Self.bucketMicros)))
    }
}
