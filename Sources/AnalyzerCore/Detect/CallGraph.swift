/// Who calls whom, from the observed calls.
struct CallGraph: Sendable {
    private(set) var callees: [String: Set<String>] = [:]
    private(set) var callers: [String: Set<String>] = [:]

    init(_ calls: some Sequence<Observations.Call>) {
        for call in calls where call.caller != call.target {
            callees[call.caller, default: []].insert(call.target)
            callers[call.target, default: []].insert(call.caller)
        }
    }

    /// Every service reachable from `service` by calls.
    func downstream(of service: String) -> Set<String> {
        reachable(from: service, along: callees)
    }

    /// Every service that reaches `service` by calls.
    func upstream(of service: String) -> Set<String> {
        reachable(from: service, along: callers)
    }

    /// Whether one of the two calls the other.
    func adjacent(_ one: String, _ other: String) -> Bool {
        callees[one]?.contains(other) == true || callees[other]?.contains(one) == true
    }

    private func reachable(from service: String, along edges: [String: Set<String>]) -> Set<String> {
        var seen = Set<String>()
        var stack = Array(edges[service] ?? [])
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += edges[next] ?? []
        }
        seen.remove(service)
        return seen
    }
}
