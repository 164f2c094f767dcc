/// Go with net/http, pgx and zap: panics recovered by the HTTP server, `context deadline exceeded`.
struct GoVoice: ServiceVoice {
    func source(_ part: LogPart, service: String, target: String?) -> String {
        switch part {
        case .http: "\(service)/internal/httpserver"
        case .handlers: "\(service)/internal/\(Names.snake(service))"
        case .clients: "\(service)/internal/clients"
        case .metrics: "\(service)/internal/telemetry"
        case .main: "main"
        case .jobs: "\(service)/internal/cron"
        }
    }

    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        let frame =
            "goroutine \(rng.int(in: 100...99_999)) [running]:\n\(service)/internal/\(Names.snake(service)).(*Handler).ServeHTTP(...)\n\t/app/internal/\(Names.snake(service))/handler.go:\(rng.int(in: 80...84)) +0x1c4"
        switch family % 3 {
        case 0:
            return .init(
                type: "runtime.Error",
                message:
                    "http: panic serving \(Names.ip(&rng)):\(rng.int(in: 30_000...60_999)): runtime error: invalid memory address or nil pointer dereference",
                stack: frame)
        case 1:
            return .init(
                type: "*json.UnmarshalTypeError",
                message:
                    "decode request: json: cannot unmarshal string into Go struct field \(Names.typeName(service))Request.\(rng.pick(["amount", "count", "ttl"])) of type int64"
            )
        default:
            let length = rng.int(in: 1...6)
            return .init(
                type: "runtime.Error",
                message:
                    "http: panic serving \(Names.ip(&rng)):\(rng.int(in: 30_000...60_999)): runtime error: index out of range [\(length)] with length \(length)",
                stack: frame)
        }
    }

    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "*errors.errorString",
            message: "acquire conn: failed to acquire connection from pool (max \(poolSize)): context deadline exceeded after \(waitedMS)ms"
        )
    }

    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "runtime.Error",
            message:
                "runtime: memory limit \(limitMB)MiB reached, GC running continuously (heap \(heapMB)MiB, \(rng.int(in: 90...99))% CPU in GC)"
        )
    }

    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText? {
        .init(
            type: "runtime.Error", message: "fatal error: runtime: out of memory",
            stack: "runtime stack:\nruntime.throw({0x9f3b2e?, 0x2000?})\n\t/usr/local/go/src/runtime/panic.go:1023 +0x5c")
    }

    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "runtime.Error", message: "panic: runtime error: slice bounds out of range [:\(rng.int(in: 9...64))] with capacity 8",
            stack: "goroutine 1 [running]:\nmain.main()\n\t/app/cmd/\(service)/main.go:\(rng.int(in: 40...120)) +0x2d8")
    }

    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText {
        let url = "http://\(target):8080\(endpoint)"
        return switch failure.error {
        case "timeout":
            .init(type: "*url.Error", message: "Get \"\(url)\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
        case "connection_refused":
            .init(type: "*url.Error", message: "Get \"\(url)\": dial tcp \(target):8080: connect: connection refused")
        case "connection_reset": .init(type: "*url.Error", message: "Get \"\(url)\": read: connection reset by peer")
        default: .init(type: "*errors.errorString", message: "\(target): unexpected status \(failure.status) after \(attempts) attempt(s)")
        }
    }

    func degraded(target: String, failure: CallFailure) -> String {
        "\(target) call failed, using fallback: \(failure.error ?? "status \(failure.status)")"
    }

    func startup(service: String, using rng: inout SplitMix64) -> String {
        "starting \(service) v1.\(rng.int(in: 0...40)).\(rng.int(in: 0...9)) (go1.22.\(rng.int(in: 1...6))), listening on :8080"
    }

    func shutdown(service: String) -> String { "received terminated, shutting down server gracefully" }

    func rateLimited(clientIP: String, limit: Int) -> String { "ratelimit: rejecting \(clientIP): over \(limit) req/min" }

    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        switch variant % 3 {
        case 0: .init(type: "*net.OpError", message: "consul watch failed: dial tcp 10.0.0.2:8500: i/o timeout; retrying")
        case 1:
            .init(
                type: "*errors.errorString",
                message: "kafka: producer flush: \(rng.int(in: 1...30)) messages not delivered (broker not available)")
        default:
            .init(
                type: "*tls.permanentError",
                message: "http: TLS handshake error from \(Names.ip(&rng)):\(rng.int(in: 30_000...60_999)): EOF")
        }
    }

    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String {
        guard let seconds = finishedAfterSeconds else { return "cron: running \(name)" }
        return "cron: \(name) done in \(String(format1: seconds))s, \(rng.int(in: 100...90_000)) records"
    }

    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String {
        switch variant % 3 {
        case 0: "\(service) build v1.\(rng.int(in: 0...40)).\(rng.int(in: 0...9))-\(Names.hex(&rng, 7)) rolled out"
        case 1: "config: reloaded /etc/\(service)/config.yaml (\(rng.int(in: 1...5)) keys changed)"
        default: "flags: \(rng.pick(["batch-writes", "new-router", "compression"])) enabled for \(rng.int(in: 5...100))% of traffic"
        }
    }
}

extension String {
    /// One decimal, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
