/// The shop's original texts (``ScenarioMessages``), for services without an ``Ecosystem``; what the
/// classic messages never had (crashes, chronic errors, jobs, deploys) it takes from ``SwiftVoice``,
/// since the shop is a Swift system.
struct ClassicVoice: ServiceVoice {
    private let swift = SwiftVoice()

    func source(_ part: LogPart, service: String, target: String?) -> String {
        switch part {
        case .http: "\(service).http"
        case .handlers: "\(service).handlers"
        case .clients: target.map { "\(service).clients.\($0)" } ?? "\(service).clients"
        case .metrics: "\(service).metrics"
        case .main: "\(service).main"
        case .jobs: "\(service).jobs"
        }
    }

    func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        ScenarioMessages.handlerBug(family: family, service: service, endpoint: endpoint, using: &rng)
    }

    func poolTimeout(waitedMS: Int, poolSize: Int, waiting: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        ScenarioMessages.ErrorText(
            type: "ConnectionPoolError.timeout",
            message: "timed out waiting for connection from pool after \(waitedMS) ms (pool size \(poolSize), \(waiting) waiting)")
    }

    func outOfMemory(heapMB: Int, limitMB: Int, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        ScenarioMessages.outOfMemory(heapMB: heapMB, using: &rng)
    }

    func fatalOutOfMemory(limitMB: Int) -> ScenarioMessages.ErrorText? { swift.fatalOutOfMemory(limitMB: limitMB) }

    func crash(service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText { swift.crash(service: service, using: &rng) }

    func upstream(target: String, endpoint: String, failure: CallFailure, attempts: Int) -> ScenarioMessages.ErrorText {
        ScenarioMessages.upstream(
            target: target, reason: ScenarioMessages.reason(status: failure.status, error: failure.error, timeoutMS: failure.timeoutMS),
            attempts: attempts)
    }

    func degraded(target: String, failure: CallFailure) -> String {
        ScenarioMessages.degraded(
            target: target, reason: ScenarioMessages.reason(status: failure.status, error: failure.error, timeoutMS: failure.timeoutMS))
    }

    func startup(service: String, using rng: inout SplitMix64) -> String { ScenarioMessages.restart(service: service, using: &rng) }

    func shutdown(service: String) -> String { swift.shutdown(service: service) }

    func rateLimited(clientIP: String, limit: Int) -> String { swift.rateLimited(clientIP: clientIP, limit: limit) }

    func chronic(variant: Int, service: String, using rng: inout SplitMix64) -> ScenarioMessages.ErrorText {
        swift.chronic(variant: variant, service: service, using: &rng)
    }

    func job(_ name: String, finishedAfterSeconds: Double?, using rng: inout SplitMix64) -> String {
        swift.job(name, finishedAfterSeconds: finishedAfterSeconds, using: &rng)
    }

    func change(variant: Int, service: String, using rng: inout SplitMix64) -> String {
        swift.change(variant: variant, service: service, using: &rng)
    }
}
