/// Java with Spring Boot: Logback logger names, `java.lang` exceptions, HikariCP, RestTemplate.
struct SpringVoice: ServiceVoice {
    func source(_ part: LogPart, service: String, target: String?) -> String {
        let package = "com.acme.\(Names.snake(service))"
        return switch part {
        case .http: "\(package).web.RequestLoggingFilter"
        case .handlers: "\(package).service.\(Names.typeName(service))Service"
        case .clients: "org.springframework.web.client.RestTemplate"
        case .metrics: "io.micrometer.core.instrument.MeterRegistry"
        case .main: "\(package).\(Names.typeName(service))Application"
        case .jobs: "org.springframework.scheduling.support.TaskUtils"
        }
    }

    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        let type = Names.typeName(service)
        let frames =
            "\tat com.acme.\(Names.snake(service)).web.\(type)Controller.handle(\(type)Controller.java:\(rng.int(in: 50...55)))\n\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)"
        switch family % 3 {
        case 0:
            let field = rng.pick(["Customer", "Address", "Currency", "Region"])
            return .init(
                type: "java.lang.NullPointerException",
                message:
                    "Cannot invoke \"com.acme.\(Names.snake(service)).model.\(field).getId()\" because the return value of \"\(type)Repository.find(String)\" is null",
                stack:
                    "java.lang.NullPointerException\n\tat com.acme.\(Names.snake(service)).service.\(type)Service.load(\(type)Service.java:142)\n"
                    + frames)
        case 1:
            let count = rng.int(in: 1...6)
            return .init(
                type: "java.lang.IndexOutOfBoundsException", message: "Index \(count) out of bounds for length \(count)",
                stack: "java.lang.IndexOutOfBoundsException\n\tat java.base/java.util.ArrayList.get(ArrayList.java:427)\n" + frames)
        default:
            return .init(
                type: "org.springframework.dao.DataIntegrityViolationException",
                message: "could not execute statement; SQL [n/a]; constraint [fk_\(Names.snake(service))_owner]; id=\(Names.hex(&rng, 8))",
                stack: "org.hibernate.exception.ConstraintViolationException\n" + frames)
        }
    }

    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "java.sql.SQLTransientConnectionException",
            message:
                "HikariPool-1 - Connection is not available, request timed out after \(waitedMS)ms (total=\(poolSize), active=\(poolSize), idle=0, waiting=\(waiting))",
            stack: "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)")
    }

    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "java.lang.OutOfMemoryError", message: "Java heap space",
            stack:
                "java.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:\(rng.int(in: 3480...3540)))"
        )
    }

    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText? {
        .init(type: "java.lang.OutOfMemoryError", message: "Terminating due to java.lang.OutOfMemoryError: Java heap space")
    }

    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        .init(
            type: "java.lang.StackOverflowError",
            message: "Exception in thread \"http-nio-8080-exec-\(rng.int(in: 1...200))\" java.lang.StackOverflowError",
            stack: "\tat com.acme.\(Names.snake(service)).model.Node.resolve(Node.java:77)")
    }

    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText {
        let url = "http://\(target):8080\(endpoint)"
        return switch failure.error {
        case "timeout":
            .init(
                type: "org.springframework.web.client.ResourceAccessException",
                message: "I/O error on GET request for \"\(url)\": Read timed out")
        case "connection_refused":
            .init(
                type: "org.springframework.web.client.ResourceAccessException",
                message: "I/O error on GET request for \"\(url)\": Connection refused")
        case "connection_reset":
            .init(
                type: "org.springframework.web.client.ResourceAccessException",
                message: "I/O error on GET request for \"\(url)\": Connection reset")
        default:
            .init(
                type: "org.springframework.web.client.HttpServerErrorException",
                message: "\(failure.status) Server Error on GET request for \"\(url)\": [no body]")
        }
    }

    func degraded(target: String, failure: CallFailure) -> String {
        "Fallback for \(target) used after \(failure.error ?? "status \(failure.status)") (circuit breaker \(target)-cb)"
    }

    func startup(service: String, using rng: inout SplitMix64) -> String {
        "Started \(Names.typeName(service))Application in \(rng.int(in: 6...24)).\(rng.int(in: 100...999)) seconds (process running for \(rng.int(in: 7...26)).\(rng.int(in: 1...9)))"
    }

    func shutdown(service: String) -> String { "Commencing graceful shutdown. Waiting for active requests to complete" }

    func rateLimited(clientIP: String, limit: Int) -> String {
        "Rate limit exceeded for client \(clientIP) (bucket4j: \(limit) tokens/min)"
    }

    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        switch variant % 3 {
        case 0:
            .init(
                type: "org.springframework.cloud.config.client.ConfigServerException",
                message:
                    "Could not locate PropertySource: I/O error on GET request for \"http://config-server:8888/\(service)/prod\": Connection refused"
            )
        case 1:
            .init(
                type: "io.lettuce.core.RedisCommandTimeoutException",
                message: "Command timed out after \(rng.int(in: 1...3)) second(s) (cache warmer, key \(service):hot:\(rng.int(in: 1...60)))"
            )
        default:
            .init(type: "javax.net.ssl.SSLHandshakeException", message: "Received fatal alert: certificate_unknown from /\(Names.ip(&rng))")
        }
    }

    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String {
        guard let seconds = finishedAfterSeconds else { return "Scheduled task '\(name)' started" }
        return "Scheduled task '\(name)' completed in \(Int(seconds * 1000)) ms, processed \(rng.int(in: 100...90_000)) rows"
    }

    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String {
        switch variant % 3 {
        case 0: "Deployed \(service) version 3.\(rng.int(in: 0...40)).\(rng.int(in: 0...9)) (build \(Names.hex(&rng, 7)))"
        case 1: "Refreshing keys: [\(rng.pick(["app.cache.ttl", "logging.level.root", "app.batch.size"]))]"
        default: "Feature toggle '\(rng.pick(["newPricing", "asyncAudit", "v2Search"]))' switched to \(rng.pick(["ON", "OFF"]))"
        }
    }
}
