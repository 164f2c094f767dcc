/// Node.js with Express, axios, knex and pino.
struct NodeVoice: ServiceVoice {
    func source(_ part: LogPart, service: String, target: String?) -> String {
        switch part {
        case .http: "express"
        case .handlers: "\(service):handlers"
        case .clients: "\(service):http-client"
        case .metrics: "\(service):metrics"
        case .main: "\(service):server"
        case .jobs: "\(service):cron"
        }
    }

    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        let file = "/app/src/routes/\(Names.snake(service)).js"
        let stack =
            "    at \(Names.typeName(service))Controller.handle (\(file):\(rng.int(in: 40...44)):\(rng.int(in: 10...40)))\n    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)"
        switch family % 3 {
        case 0:
            return .init(
                type: "TypeError",
                message: "Cannot read properties of undefined (reading '\(rng.pick(["id", "price", "owner", "items"]))')",
                stack: "TypeError\n" + stack)
        case 1:
            return .init(
                type: "SyntaxError", message: "Unexpected token \(rng.pick(["u", "<", "N"])) in JSON at position \(rng.int(in: 0...80))",
                stack: "SyntaxError\n    at JSON.parse (<anonymous>)\n" + stack)
        default:
            return .init(
                type: "RangeError", message: "Invalid time value for \(rng.pick(["createdAt", "expiresAt", "slot"])) in \(endpoint)",
                stack: "RangeError\n" + stack)
        }
    }

    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "KnexTimeoutError",
            message:
                "Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call? (pool max \(poolSize), pending \(waiting))"
        )
    }

    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(type: "RangeError", message: "Array buffer allocation failed (heapUsed \(heapMB) MB)")
    }

    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText? {
        .init(type: "FatalError", message: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory")
    }

    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "Error", message: "uncaughtException: Cannot find module './handlers/\(rng.pick(["refund", "export", "sync"]))'",
            stack: "Error\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)")
    }

    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText {
        switch failure.error {
        case "timeout": .init(type: "AxiosError", message: "timeout of \(Int(failure.timeoutMS))ms exceeded (\(target) \(endpoint))")
        case "connection_refused": .init(type: "AxiosError", message: "connect ECONNREFUSED \(target):3000")
        case "connection_reset": .init(type: "AxiosError", message: "socket hang up (\(target) \(endpoint))")
        default: .init(type: "AxiosError", message: "Request failed with status code \(failure.status) (\(target) \(endpoint))")
        }
    }

    func degraded(target: String, failure: CallFailure) -> String {
        "\(target) unavailable, serving cached response (\(failure.error ?? "HTTP \(failure.status)"))"
    }

    func startup(service: String, using rng: inout SplitMix64) -> String {
        "\(service) listening on port 3000 (node v20.\(rng.int(in: 9...17)).\(rng.int(in: 0...3)), NODE_ENV=production)"
    }

    func shutdown(service: String) -> String { "SIGTERM received, closing HTTP server" }

    func rateLimited(clientIP: String, limit: Int) -> String {
        "Too many requests from \(clientIP), limit \(limit)/min (express-rate-limit)"
    }

    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        switch variant % 3 {
        case 0: .init(type: "Error", message: "Redis connection to cache:6379 failed - getaddrinfo ENOTFOUND cache (reconnecting)")
        case 1:
            .init(
                type: "DeprecationWarning",
                message:
                    "Buffer() is deprecated due to security and usability issues (from \(rng.pick(["aws-sdk", "request", "legacy-xml"])))")
        default: .init(type: "Error", message: "statsd: send EMSGSIZE for \(rng.int(in: 1...50)) metrics")
        }
    }

    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String {
        guard let seconds = finishedAfterSeconds else { return "cron job \(name) triggered" }
        return "cron job \(name) completed in \(Int(seconds * 1000))ms (\(rng.int(in: 100...90_000)) docs)"
    }

    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String {
        switch variant % 3 {
        case 0: "release \(service)@\(rng.int(in: 1...9)).\(rng.int(in: 0...40)).\(rng.int(in: 0...9)) live (commit \(Names.hex(&rng, 7)))"
        case 1: "config watcher: reloaded \(rng.pick(["limits.json", "routes.json", "features.json"]))"
        default: "unleash: toggle \(rng.pick(["newFeed", "lazyImages", "v2Api"])) updated"
        }
    }
}
