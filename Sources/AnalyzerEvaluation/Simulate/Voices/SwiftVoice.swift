/// Swift on the server: Hummingbird, AsyncHTTPClient, PostgresNIO, swift-log.
struct SwiftVoice: ServiceVoice {
    func source(_ part: LogPart, service: String, target: String?) -> String {
        switch part {
        case .http: "Hummingbird"
        case .handlers: "\(service).handlers"
        case .clients: "AsyncHTTPClient"
        case .metrics: "\(service).metrics"
        case .main: "\(service).main"
        case .jobs: "\(service).jobs"
        }
    }

    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        let module = Names.typeName(service)
        switch family % 3 {
        case 0:
            return .init(
                type: "Swift.DecodingError",
                message:
                    "typeMismatch(Swift.Int, Context(codingPath: [CodingKeys(stringValue: \"\(rng.pick(["amount", "quantity", "version"]))\")], debugDescription: \"Expected to decode Int but found a string instead.\"))",
                stack: "\(module).\(module)Controller.decode(_:) at Sources/\(module)/Controller.swift:\(rng.int(in: 60...64))")
        case 1:
            return .init(
                type: "\(module)Error.invalidState",
                message:
                    "\(rng.pick(["record", "entry", "item"])) \(Names.hex(&rng, 8)) has no \(rng.pick(["owner", "line items", "region"])) (endpoint \(endpoint))",
                stack: "\(module).\(module)Service.apply(_:) at Sources/\(module)/Service.swift:211")
        default:
            return .init(
                type: "PostgresNIO.PSQLError",
                message:
                    "server error 23505: duplicate key value violates unique constraint \"\(service.replacingOccurrences(of: "-", with: "_"))_pkey\" (id \(Names.hex(&rng, 10)))"
            )
        }
    }

    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "PostgresNIO.PSQLError",
            message: "connection request timed out after \(waitedMS) ms: all \(poolSize) connections in use (\(waiting) requests waiting)")
    }

    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "NIOCore.IOError",
            message:
                "allocation of \(rng.int(in: 16...1024) * 1024) bytes failed: Cannot allocate memory (errno: 12), resident \(heapMB) MB of \(limitMB) MB"
        )
    }

    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText? { nil }

    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "Swift.FatalError",
            message: "Fatal error: Unexpectedly found nil while unwrapping an Optional value",
            stack: "#0 \(Names.typeName(service)).Worker.run() at Sources/\(Names.typeName(service))/Worker.swift:\(rng.int(in: 30...90))")
    }

    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText {
        let text: String =
            switch failure.error {
            case "timeout": "HTTPClientError.deadlineExceeded"
            case "connection_refused":
                "NIOConnectionError(host: \"\(target)\", port: 8080, dnsAError: nil, dnsAAAAError: nil, connectionErrors: [connection refused])"
            case "connection_reset": "HTTPClientError.remoteConnectionClosed"
            default: "unexpected status \(failure.status) from \(target)"
            }
        return .init(
            type: "AsyncHTTPClient.HTTPClientError",
            message: "\(target) \(endpoint) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(text)")
    }

    func degraded(target: String, failure: CallFailure) -> String {
        "\(target) did not answer (\(failure.error ?? "status \(failure.status)")); serving without it"
    }

    func startup(service: String, using rng: inout SplitMix64) -> String {
        "Server started and listening on 0.0.0.0:8080 (\(service) 1.\(rng.int(in: 0...30)).\(rng.int(in: 0...9)))"
    }

    func shutdown(service: String) -> String { "Shutting down: received SIGTERM, draining connections" }

    func rateLimited(clientIP: String, limit: Int) -> String { "rate limit exceeded for \(clientIP): \(limit) requests per minute" }

    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        switch variant % 3 {
        case 0:
            .init(
                type: "AsyncHTTPClient.HTTPClientError",
                message: "feature flags refresh failed: HTTPClientError.connectTimeout (http://flags.internal:8080/v1/flags)")
        case 1: .init(type: "StatsdClientError", message: "dropped \(rng.int(in: 1...40)) metrics: statsd buffer full")
        default: .init(type: "NIOSSL.NIOSSLError", message: "handshake failed from \(Names.ip(&rng)): uncleanShutdown")
        }
    }

    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String {
        guard let seconds = finishedAfterSeconds else { return "job \(name) started" }
        return "job \(name) finished in \(Int(seconds)) s (\(rng.int(in: 100...90_000)) items)"
    }

    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String {
        switch variant % 3 {
        case 0: "deployed \(service) 1.\(rng.int(in: 0...30)).\(rng.int(in: 0...9)) (image sha256:\(Names.hex(&rng, 12)))"
        case 1: "configuration reloaded: \(rng.pick(["log_level", "cache_ttl", "max_batch"])) changed"
        default: "feature flag \(rng.pick(["new-checkout", "fast-path", "v2-search"])) set to \(rng.int(in: 5...100))%"
        }
    }
}
