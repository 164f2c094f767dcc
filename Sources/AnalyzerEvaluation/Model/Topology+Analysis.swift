extension Topology {
    /// Requests each service handles per user request at the entry, plus the ``sources``' traffic, from
    /// the endpoints' weights and the calls' probabilities (retries and failures not counted). Keyed
    /// by service name.
    public func trafficShares() -> [String: Double] {
        endpointShares().mapValues { $0.values.reduce(0, +) }
    }

    /// Like ``trafficShares()``, per endpoint: service name → endpoint path → requests per user
    /// request. An endpoint nothing calls is missing.
    public func endpointShares() -> [String: [String: Double]] {
        var shares: [String: [String: Double]] = [:]
        func visit(_ serviceName: String, _ path: String, _ share: Double, _ depth: Int) {
            guard depth < 32, share > 0, let service = service(serviceName) else { return }
            guard let endpoint = service.endpoint(path) ?? service.endpoints.first else { return }
            shares[serviceName, default: [:]][endpoint.path, default: 0] += share
            for call in endpoint.calls { visit(call.target, call.endpoint, share * call.probability, depth + 1) }
        }
        if let entryService = service(entry) {
            let total = entryService.endpoints.reduce(0) { $0 + $1.trafficWeight }
            for endpoint in entryService.endpoints where total > 0 {
                visit(entry, endpoint.path, endpoint.trafficWeight / total, 0)
            }
        }
        for source in sources { visit(source.service, source.endpoint, source.rateShare, 0) }
        return shares
    }

    /// The fewest calls from the entry to each reachable service (the entry is 0).
    public func depths() -> [String: Int] {
        var depths = [entry: 0]
        var frontier = [entry]
        while !frontier.isEmpty {
            var next: [String] = []
            for name in frontier {
                for callee in callees(of: name) where depths[callee] == nil {
                    depths[callee] = depths[name]! + 1
                    next.append(callee)
                }
            }
            frontier = next
        }
        return depths
    }

    /// The services that call `name`, in declaration order.
    public func callers(of name: String) -> [String] {
        services.filter { callees(of: $0.name).contains(name) }.map(\.name)
    }

    /// Services every call to which is optional: when they fail, their callers degrade instead of
    /// failing (a fallback), so users barely notice.
    public var servicesBehindFallbacks: [String] {
        nonEntryServices.filter { name in
            let calls = services.flatMap(\.endpoints).flatMap(\.calls).filter { $0.target == name }
            return !calls.isEmpty && calls.allSatisfy(\.isOptional)
        }
    }

    /// Non-entry services that see fewer than `share` requests per user request.
    public func lowTrafficServices(below share: Double) -> [String] {
        let shares = trafficShares()
        return nonEntryServices.filter { (shares[$0] ?? 0) < share && (shares[$0] ?? 0) > 0 }
    }
}
