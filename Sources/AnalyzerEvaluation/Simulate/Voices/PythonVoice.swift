/// Python with FastAPI, uvicorn/gunicorn, httpx and SQLAlchemy.
struct PythonVoice: ServiceVoice {
    func source(_ part: LogPart, service: String, target: String?) -> String {
        switch part {
        case .http: "uvicorn.access"
        case .handlers: "\(Names.snake(service)).api"
        case .clients: "httpx"
        case .metrics: "\(Names.snake(service)).metrics"
        case .main: "uvicorn.error"
        case .jobs: "celery.beat"
        }
    }

    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        let module = Names.snake(service)
        let head = "Traceback (most recent call last):\n  File \"/app/\(module)/api/routes.py\", line \(rng.int(in: 88...92)), in handle\n"
        switch family % 3 {
        case 0:
            let key = rng.pick(["amount", "currency", "owner_id", "region"])
            return .init(type: "KeyError", message: "'\(key)'", stack: head + "    value = payload[\"\(key)\"]\nKeyError: '\(key)'")
        case 1:
            let attribute = rng.pick(["currency", "id", "tenant"])
            return .init(
                type: "AttributeError", message: "'NoneType' object has no attribute '\(attribute)'",
                stack: head + "AttributeError: 'NoneType' object has no attribute '\(attribute)'")
        default:
            return .init(
                type: "ValueError", message: "invalid literal for int() with base 10: '\(Names.hex(&rng, 4))'", stack: head + "ValueError")
        }
    }

    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        let seconds = Double(waitedMS) / 1000
        return .init(
            type: "sqlalchemy.exc.TimeoutError",
            message:
                "QueuePool limit of size \(poolSize) overflow 0 reached, connection timed out, timeout \(String(format1: seconds))0 (Background on this error at: https://sqlalche.me/e/20/3o7r)"
        )
    }

    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "MemoryError", message: "MemoryError",
            stack: "Traceback (most recent call last):\n  File \"/app/worker.py\", line \(rng.int(in: 20...80)), in process\nMemoryError")
    }

    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText? {
        .init(type: "WorkerKilled", message: "Worker (pid:\(limitMB % 97 + 7)) was sent SIGKILL! Perhaps out of memory?")
    }

    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "SystemExit",
            message:
                "Worker failed to boot: ImportError: cannot import name '\(rng.pick(["settings", "Session", "router"]))' from partially initialized module"
        )
    }

    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText {
        let url = "http://\(target):8000\(endpoint)"
        return switch failure.error {
        case "timeout": .init(type: "httpx.ReadTimeout", message: "timed out (\(url))")
        case "connection_refused": .init(type: "httpx.ConnectError", message: "[Errno 111] Connection refused (\(url))")
        case "connection_reset":
            .init(type: "httpx.RemoteProtocolError", message: "Server disconnected without sending a response. (\(url))")
        default: .init(type: "httpx.HTTPStatusError", message: "Server error '\(failure.status)' for url '\(url)'")
        }
    }

    func degraded(target: String, failure: CallFailure) -> String {
        "falling back: \(target) failed (\(failure.error ?? "HTTP \(failure.status)"))"
    }

    func startup(service: String, using rng: inout SplitMix64) -> String {
        "Application startup complete. Uvicorn running on http://0.0.0.0:8000 (\(service) \(rng.int(in: 1...9)).\(rng.int(in: 0...30)))"
    }

    func shutdown(service: String) -> String { "Shutting down. Waiting for application shutdown." }

    func rateLimited(clientIP: String, limit: Int) -> String { "ratelimit exceeded: \(limit) per 1 minute for \(clientIP)" }

    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        switch variant % 3 {
        case 0:
            .init(
                type: "redis.exceptions.ConnectionError",
                message: "Error 111 connecting to sessions-cache:6379. Connection refused. (session sweeper)")
        case 1:
            .init(
                type: "botocore.exceptions.ClientError",
                message:
                    "An error occurred (ThrottlingException) when calling the PutMetricData operation (reached max retries: \(rng.int(in: 2...4)))"
            )
        default:
            .init(
                type: "UserWarning",
                message: "Pydantic serializer warnings: Expected `int` but got `str` - serialized value may not be as expected")
        }
    }

    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String {
        guard let seconds = finishedAfterSeconds else { return "Scheduler: Sending due task \(name)" }
        return "Task \(name) succeeded in \(String(format1: seconds))s: \(rng.int(in: 100...90_000)) rows"
    }

    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String {
        switch variant % 3 {
        case 0: "Deployed \(service) \(rng.int(in: 1...9)).\(rng.int(in: 0...40)).\(rng.int(in: 0...9)) (git \(Names.hex(&rng, 7)))"
        case 1: "settings reloaded from environment: \(rng.pick(["WORKERS", "CACHE_TTL", "LOG_LEVEL"])) changed"
        default: "flag '\(rng.pick(["async_export", "new_matcher", "bulk_api"]))' rollout now \(rng.int(in: 5...100))%"
        }
    }
}
