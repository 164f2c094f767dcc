import Foundation

/// What a service's own requests say about it: its self time, its own failures, and whether those
/// calling it could reach it. A caller that fails or slows only because its callee did shows none of
/// these: its self time excludes the waiting, and its failures come with a failed call.
enum RequestSignals {
    /// Every request-based finding for `service`: for the service as a whole, and for its worst
    /// instance when that one stands out more (a fault on one instance of several).
    static func findings(for service: String, in context: RankingContext) -> [Finding] {
        var result = wholeService(service, context)
        let instances = context.observations.instances(of: service)
        guard instances.count >= 2 else { return result }
        var best: [Finding] = []
        for instance in instances {
            let key = Observations.InstanceKey(service: service, instance: instance)
            let before = context.before.instances[key].flatMap { $0.spans >= 5 ? $0 : nil } ?? context.before[service]
            guard let during = context.during.instances[key] else { continue }
            let found = selfTime(service, before, during, instance: instance, context) + ownErrors(service, before, during, instance: instance)
            if found.map(\.score).reduce(0, +) > best.map(\.score).reduce(0, +) { best = found }
        }
        let wholeScore = result.filter { $0.hint == .latency || $0.hint == .errors }.map(\.score).reduce(0, +)
        if best.map(\.score).reduce(0, +) > wholeScore * 1.2 {
            result.removeAll { $0.hint == .latency || $0.hint == .errors }
            result += best
        }
        return result
    }

    private static func wholeService(_ service: String, _ context: RankingContext) -> [Finding] {
        let before = context.before[service]
        let during = context.during[service]
        return selfTime(service, before, during, instance: nil, context) + ownErrors(service, before, during, instance: nil)
            + availability(service, before, during, context) + timeouts(service, before, during, context)
    }

    static func selfTime(
        _ service: String, _ before: ServiceBehaviour, _ during: ServiceBehaviour, instance: String?, _ context: RankingContext
    ) -> [Finding] {
        guard before.selfTimes.count >= 5, during.selfTimes.count >= 3,
            let b50 = before.selfP50, let d50 = during.selfP50, let b90 = before.selfP90, let d90 = during.selfP90
        else { return [] }
        let r50 = (d50 + 0.5) / (b50 + 0.5)
        let r90 = (d90 + 0.5) / (b90 + 0.5)
        // A change counts beyond what the service varies by on its own: its baseline's two halves
        // differing by ×2 (a busy, noisy service) ask for more than ×2 during.
        let noise = Self.instability(before.selfTimes)
        let median = r50 >= 1.5 * noise.median && d50 - b50 >= 2
        let tail = r90 >= 2 * noise.tail && d90 - b90 >= 5
        // The shift must also be one that chance cannot explain (few requests on either side).
        guard median || tail, Statistics.rankZ(before.selfTimes, during.selfTimes) >= 3 else { return [] }
        // A few milliseconds more inside a request that takes hundreds is not what users feel: the
        // change is weighed by its size against the user-facing requests.
        let relevance = min(1, max(
            median ? (d50 - b50) / max(2, 0.05 * context.userLatencyMS) : 0,
            tail ? (d90 - b90) / max(5, 0.1 * context.userLatencyMS) : 0))
        let strength = max(median ? log2(r50 / noise.median) : 0, tail ? 0.75 * log2(r90 / noise.tail) : 0) * relevance
        let on = instance.map { " on instance \($0)" } ?? ""
        let summary = median
            ? "\(service)'s own processing time p50 went from \(ms(b50)) ms to \(ms(d50)) ms (×\(ratio(r50)))\(on)"
            : "\(service)'s own processing time p90 went from \(ms(b90)) ms to \(ms(d90)) ms (×\(ratio(r90)))\(on)"
        return [Finding(
            score: min(6, 1 + 1.5 * strength), hint: .latency,
            evidence: Evidence(signal: "self_time", summary: summary, before: median ? b50 : b90, during: median ? d50 : d90,
                               sampleRequests: Array(during.failingRequests.prefix(5))),
            onset: context.detectedOnset(of: service))]
    }

    /// How much a baseline varies on its own: the ratio (≥ 1) of the medians, and of the 90th
    /// percentiles, of its first and second halves in time. `1` for a steady service or too little data.
    static func instability(_ values: [Double]) -> (median: Double, tail: Double) {
        guard values.count >= 20 else { return (1, 1) }
        let half = values.count / 2
        let first = Array(values[..<half])
        let second = Array(values[half...])
        func spread(_ q: Double) -> Double {
            guard let a = Quantile.of(first, q), let b = Quantile.of(second, q) else { return 1 }
            let ratio = (a + 0.5) / (b + 0.5)
            return max(ratio, 1 / ratio)
        }
        return (spread(0.5), spread(0.9))
    }

    static func ownErrors(_ service: String, _ before: ServiceBehaviour, _ during: ServiceBehaviour, instance: String?) -> [Finding] {
        guard during.spans >= 3 else { return [] }
        let increase = during.ownFailureRatio - before.ownFailureRatio
        guard increase >= 0.03, during.ownFailures >= 3 else { return [] }
        let on = instance.map { " on instance \($0)" } ?? ""
        // A handful of failures is weak evidence however large its ratio: every system has blips.
        let volume = min(1, Double(during.ownFailures) / 12)
        // A service that already failed often (a flaky cache, a lossy dependency) convinces only when
        // it fails markedly more: 17% to 22% under a surge is its normal behaviour under load, 5% to
        // 30% is a fault. The rise is weighed against what it rose from.
        let severity = min(1, increase / (before.ownFailureRatio + 0.03))
        return [Finding(
            score: min(6, 2 + 10 * increase) * volume * severity, hint: .errors,
            evidence: Evidence(
                signal: "own_errors",
                summary: "\(service) failed \(percent(during.ownFailureRatio)) of its requests on its own (no failed call behind them)\(on), \(percent(before.ownFailureRatio)) before",
                before: before.ownFailureRatio, during: during.ownFailureRatio, sampleRequests: Array(during.failingRequests.prefix(5))),
            onset: nil)]
    }

    static func availability(_ service: String, _ before: ServiceBehaviour, _ during: ServiceBehaviour, _ context: RankingContext) -> [Finding] {
        var result: [Finding] = []
        let samples = Array(during.failingRequests.prefix(5))
        if during.refusedIn >= 3, during.refusedRatio - before.refusedRatio >= 0.1 {
            result.append(Finding(
                score: (4 + 4 * during.refusedRatio) * min(1, Double(during.refusedIn) / 8), hint: .unavailable,
                evidence: Evidence(
                    signal: "refused_connections",
                    summary: "\(percent(during.refusedRatio)) of calls to \(service) were refused (connection_refused), \(percent(before.refusedRatio)) before",
                    before: before.refusedRatio, during: during.refusedRatio, sampleRequests: samples),
                onset: nil))
        }
        if during.resetIn >= 3, during.resetRatio - before.resetRatio >= 0.15 {
            result.append(Finding(
                score: 2 + 3 * during.resetRatio, hint: .unavailable,
                evidence: Evidence(
                    signal: "reset_connections",
                    summary: "\(percent(during.resetRatio)) of calls to \(service) had their connection reset, \(percent(before.resetRatio)) before",
                    before: before.resetRatio, during: during.resetRatio, sampleRequests: samples),
                onset: nil))
        }
        let expected = Double(before.events) / context.beforeSeconds * context.duringSeconds
        if expected >= 20, Double(during.events) < expected * 0.2, during.callsIn >= 3 {
            result.append(Finding(
                score: 4, hint: .unavailable,
                evidence: Evidence(
                    signal: "silence",
                    summary: "\(service) wrote \(during.events) events during the incident where \(Int(expected)) were expected, while others kept calling it",
                    before: expected, during: Double(during.events)),
                onset: nil))
        }
        return result
    }

    /// Timeouts towards a service point at it only when it went quiet or its own work slowed down:
    /// otherwise it is waiting on someone else and the timeouts are inherited (or its links are
    /// slow, which ``LinkSignals`` decides).
    static func timeouts(_ service: String, _ before: ServiceBehaviour, _ during: ServiceBehaviour, _ context: RankingContext) -> [Finding] {
        guard during.timeoutsIn >= 3, during.timeoutRatio - before.timeoutRatio >= 0.1 else { return [] }
        let ownSlowdown = (during.selfP50 ?? 0) >= 2 * max(before.selfP50 ?? 0, 0.5)
            || (during.selfP90 ?? 0) >= 3 * max(before.selfP90 ?? 0, 0.5)
        let quiet = during.spans < 3
        guard ownSlowdown || quiet else { return [] }
        return [Finding(
            score: (1 + 2 * during.timeoutRatio) * min(1, Double(during.timeoutsIn) / 8), hint: quiet ? .unavailable : .latency,
            evidence: Evidence(
                signal: "timeouts_to",
                summary: "\(percent(during.timeoutRatio)) of calls to \(service) timed out, \(percent(before.timeoutRatio)) before",
                before: before.timeoutRatio, during: during.timeoutRatio, sampleRequests: Array(during.failingRequests.prefix(5))),
            onset: nil)]
    }
}

func ms(_ value: Double) -> String { String(format: "%.1f", value) }
func percent(_ ratio: Double) -> String { String(format: "%.0f%%", ratio * 100) }
func ratio(_ value: Double) -> String { String(format: "%.1f", value) }
