/// Where a request's time went: from the entry, the callee that took the largest share of each
/// span's time (its attempts added up, retries and timeouts included), hop by hop, until a span
/// spent its time on its own work.
extension RequestTrace {
    /// One hop of ``timeSpent()``.
    public struct TimeSpentHop: Sendable, Hashable {
        /// The service the time was spent in (or waiting on, for the last hop's calls).
        public var service: String
        /// Microseconds attributed to this hop (the calls to it, all attempts).
        public var micros: Int64
        /// Attempts made to it from the previous hop (1 for the entry).
        public var attempts: Int
        /// Transport errors of those attempts (`timeout`, ...), in order.
        public var errors: [String]
    }

    /// The chain of services that took the request's time, entry first. A hop is followed when it
    /// holds at least a fifth of its caller's time.
    public func timeSpent() -> [TimeSpentHop] {
        guard let root = roots.first.flatMap({ spans[$0] }) else { return [] }
        var hops = [TimeSpentHop(service: root.service, micros: root.duration(now: end), attempts: 1, errors: [])]
        var current = root
        var visited: Set<String> = [root.id]
        while true {
            let total = current.duration(now: end)
            // Calls of this span to each callee, attempts added up (server spans have client children).
            var byTarget: [String: [Span]] = [:]
            for child in current.children.compactMap({ spans[$0] }) where child.kind == .client {
                byTarget[child.targetService ?? child.service, default: []].append(child)
            }
            // Saturating sums: durations come from data.
            func spentOn(_ calls: [Span]) -> Int64 { calls.reduce(Int64(0)) { $0.addingSaturated($1.duration(now: end)) } }
            guard let (target, calls) = byTarget.max(by: { spentOn($0.value) < spentOn($1.value) }) else { break }
            let spent = spentOn(calls)
            guard Double(spent) * 5 >= Double(total), spent > 0 else { break }
            hops.append(TimeSpentHop(service: target, micros: spent, attempts: calls.count, errors: calls.compactMap(\.errorKind)))
            // Follow the callee's own span that took longest, if it wrote one.
            let served = calls.flatMap(\.children).compactMap { spans[$0] }.filter { $0.kind == .server }
            guard let next = served.max(by: { $0.duration(now: end) < $1.duration(now: end) }), visited.insert(next.id).inserted else { break }
            current = next
        }
        return hops
    }
}
