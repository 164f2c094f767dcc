/// The processes behind the services: each instance's name, host and clock, when it was down, and
/// the load balancer that spreads a service's requests over the instances it currently routes to.
///
/// An instance is addressed by (service index, instance index); ``flat(_:_:)`` numbers them all for
/// per-instance counters. With one instance per service the flat index is the service index.
struct Fleet {
    /// A stretch in which one instance was not serving.
    struct Downtime: Sendable, Hashable {
        /// Why it was down, which decides the lines around it.
        enum Cause: Sendable, Hashable {
            /// Drained and restarted on purpose (a rolling restart or deploy).
            case restart
            /// Killed for using too much memory.
            case outOfMemory
            /// Crashed on its own.
            case crash
            /// Gone without a word (scaled to zero, node lost).
            case stopped
        }

        /// The process stops (true time, microseconds since the epoch).
        var start: Int64
        /// The load balancer stops routing to it (before `start` for a drain, after for a crash).
        var leavesBalancer: Int64
        /// The process is up again and logs its start (may lie past the scenario's end).
        var end: Int64
        /// The load balancer routes to it again (readiness).
        var rejoins: Int64
        var cause: Cause
        /// Whether it logs its start at `end` (a crash loop's short lives do too).
        var logsStart = true
    }

    let counts: [Int]
    let offsets: [Int]
    /// Total number of instances.
    let total: Int
    var names: [[String]]
    var hosts: [[String]]
    /// Microseconds added to each instance's written timestamps.
    var skew: [[Int64]]
    /// Per service and instance, in the order they were added.
    private(set) var downtimes: [[[Downtime]]]
    /// Whether any instance was ever down (lets the hot paths skip the checks).
    private(set) var hasDowntime = false

    init(counts: [Int]) {
        self.counts = counts
        var offsets: [Int] = []
        var total = 0
        for count in counts {
            offsets.append(total)
            total += count
        }
        self.offsets = offsets
        self.total = total
        names = counts.map { Array(repeating: "", count: $0) }
        hosts = counts.map { Array(repeating: "", count: $0) }
        skew = counts.map { Array(repeating: 0, count: $0) }
        downtimes = counts.map { Array(repeating: [], count: $0) }
    }

    /// The flat index of `instance` of `service`.
    @inline(__always)
    func flat(_ service: Int, _ instance: Int) -> Int { offsets[service] + instance }

    mutating func add(_ downtime: Downtime, service: Int, instance: Int) {
        downtimes[service][instance].append(downtime)
        hasDowntime = true
    }

    /// Whether the process is not running at `time`.
    func isDown(_ service: Int, _ instance: Int, at time: Int64) -> Bool {
        guard hasDowntime else { return false }
        return downtimes[service][instance].contains { time >= $0.start && time < $0.end }
    }

    /// Whether the load balancer routes to the instance at `time`.
    func inBalancer(_ service: Int, _ instance: Int, at time: Int64) -> Bool {
        guard hasDowntime else { return true }
        return !downtimes[service][instance].contains { time >= $0.leavesBalancer && time < $0.rejoins }
    }

    /// The first stop of the instance after `from` and at or before `through`, if any: a request it
    /// was handling then is lost.
    func stop(_ service: Int, _ instance: Int, after from: Int64, through: Int64) -> Int64? {
        guard hasDowntime else { return nil }
        return downtimes[service][instance].lazy.map(\.start).filter { $0 > from && $0 <= through }.min()
    }

    /// The instance a request to `service` at `time` goes to: one of those the balancer routes to,
    /// uniformly (all of them when it routes to none, as a DNS name still resolves). Draws nothing
    /// for a service with one instance.
    func pick(_ service: Int, at time: Int64, using rng: inout SplitMix64) -> Int {
        let count = counts[service]
        guard count > 1 else { return 0 }
        guard hasDowntime else { return rng.int(below: count) }
        var routed: [Int] = []
        for instance in 0..<count where inBalancer(service, instance, at: time) { routed.append(instance) }
        return routed.isEmpty ? rng.int(below: count) : routed[rng.int(below: routed.count)]
    }
}
