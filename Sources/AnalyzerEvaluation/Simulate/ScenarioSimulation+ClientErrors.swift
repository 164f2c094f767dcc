import ServiceLog

extension ScenarioSimulation {
    /// Paths scanners probe for.
    static let scannedPaths = [
        "/.env", "/wp-login.php", "/.git/config", "/phpmyadmin/index.php", "/actuator/env", "/xmlrpc.php", "/admin/config.php",
        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci", "/server-status", "/.aws/credentials",
        "/api/v1/../../etc/passwd",
    ]

    /// One request of a bot's burst at the entry: rejected by the rate limiter (429), not found (404)
    /// or not authorized (401) — or, for a rate-limited client still under its quota, served normally.
    mutating func serveBot(_ burst: ClientErrorBurst, at arrival: Int64) {
        swap(&rng, &botRNG)
        swap(&balancerRNG, &botBalancerRNG)
        defer {
            swap(&rng, &botRNG)
            swap(&balancerRNG, &botBalancerRNG)
        }
        let instance = fleet.pick(entry, at: arrival, using: &balancerRNG)
        let context = RequestContext(traceID: newTraceID(), correlationID: newCorrelationID())
        if burst.cause == .rateLimited, clientRNG.chance(burst.passShare) {
            _ = serve(entry, instance: instance, endpoint: weightedEntryEndpoint(), at: arrival, parent: nil, context: context)
            return
        }
        let trace = TraceFields(context: context, span: newSpanID(), parent: nil)
        let method: String
        let path: String
        let medianMS: Double
        switch burst.cause {
        case .rateLimited:
            let endpoint = weightedEntryEndpoint()
            (method, path, medianMS) = (endpoint.method, endpoint.path, 0.4)
        case .scanning:
            (method, path, medianMS) = (clientRNG.chance(0.8) ? "GET" : "POST", clientRNG.pick(Self.scannedPaths), 1.2)
        case .credentialStuffing:
            // A password check is slow on purpose (bcrypt).
            (method, path, medianMS) = ("POST", "/v1/session", 70)
        }
        let attributes: [String: JSONValue] = ["client_ip": .string(burst.clientIP), "user_agent": .string(burst.userAgent)]
        let http = logSources.http[entry]
        emit(
            entry, instance: instance, at: arrival, level: .info, payload: .requestStart(RequestStart(method: method, endpoint: path)),
            source: http, trace: trace, attributes: attributes)
        let finish = arrival + Self.micros(clientRNG.logNormal(median: medianMS, sigma: 0.35))
        if burst.cause == .rateLimited, clientRNG.chance(0.05) {
            emit(
                entry, instance: instance, at: finish, level: .warning, payload: .log,
                message: voices[entry].rateLimited(clientIP: burst.clientIP, limit: 600), source: logSources.handlers[entry],
                trace: trace)
        }
        emit(
            entry, instance: instance, at: finish, level: .info,
            payload: .requestEnd(
                RequestEnd(
                    method: method, endpoint: path, statusCode: burst.cause.status, durationMS: Self.milliseconds(finish - arrival),
                    success: true)),
            source: http, trace: trace, attributes: attributes)
        requestsPerBucket[fleet.flat(entry, instance)][bucket(arrival)] += 1
    }

    /// One of the entry's endpoints by traffic weight (from the pattern stream).
    mutating func weightedEntryEndpoint() -> Topology.Endpoint {
        let endpoints = services[entry].endpoints
        var pick = clientRNG.unit() * endpoints.reduce(0) { $0 + $1.trafficWeight }
        for endpoint in endpoints {
            pick -= endpoint.trafficWeight
            if pick < 0 { return endpoint }
        }
        return endpoints[0]
    }
}
