import Foundation

/// A change in shape is a change too: requests that stop calling what they used to call, that finish
/// far faster than they ever did (an early return, a short-circuit), or log lines that stopped being
/// written. Only requests that succeeded with no failed call are compared, so a caller that skips
/// its next call because the previous one failed is not taken for one that changed.
enum ShapeSignals {
    static func findings(for service: String, in context: RankingContext) -> [Finding] {
        let before = context.before[service]
        let during = context.during[service]
        var result: [Finding] = []
        for (endpoint, old) in before.endpoints.sorted(by: { $0.key < $1.key }) {
            guard let new = during.endpoints[endpoint], old.requests >= 10, new.requests >= 10 else { continue }
            let oldCalls = Double(old.childCalls) / Double(old.requests)
            let newCalls = Double(new.childCalls) / Double(new.requests)
            let distance = totalVariation(old.shapes, old.requests, new.shapes, new.requests)
            if distance >= 0.4, oldCalls >= 0.5, newCalls <= 0.7 * oldCalls {
                result.append(Finding(
                    score: 2 + 2 * distance, hint: .shape,
                    evidence: Evidence(
                        signal: "call_shape",
                        summary: "\(service) \(endpoint) made \(String(format: "%.1f", newCalls)) calls per request, \(String(format: "%.1f", oldCalls)) before: it skips calls it used to make",
                        before: oldCalls, during: newCalls),
                    onset: nil))
            }
            if let b50 = Quantile.of(old.durations, 0.5), let d50 = Quantile.of(new.durations, 0.5), d50 < 0.4 * b50, b50 - d50 >= 5,
                Statistics.rankZ(new.durations, old.durations) >= 3
            {
                result.append(Finding(
                    score: min(4, 1.5 + log2(b50 / max(d50, 0.01)) / 3), hint: .shape,
                    evidence: Evidence(
                        signal: "faster",
                        summary: "\(service) answered \(endpoint) in \(ms(d50)) ms (p50), \(ms(b50)) ms before: it stops short of its usual work",
                        before: b50, during: d50),
                    onset: nil))
            }
        }
        // Logs are compared only where a series changed: mining every service's logs costs more than the rest.
        if context.window.services.contains(service) { result += missingLogs(service, before: before, during: during, context) }
        return result
    }

    /// Info templates a service wrote for most requests before and hardly at all during, per request.
    static func missingLogs(_ service: String, before: ServiceBehaviour, during: ServiceBehaviour, _ context: RankingContext) -> [Finding] {
        guard before.spans >= 20, during.spans >= 10 else { return [] }
        var miner = TemplateMiner()
        var counts: [TemplateID: (before: Int, during: Int)] = [:]
        for message in context.observations.infoMessages(from: context.baselineStart, until: context.end) where message.service == service {
            let id = miner.add(message.text, service: service)
            if message.time < context.start { counts[id, default: (0, 0)].before += 1 } else { counts[id, default: (0, 0)].during += 1 }
        }
        let perRequestScale = Double(during.spans) / Double(before.spans)
        let vanished = counts.filter { _, count in
            let expected = Double(count.before) * perRequestScale
            return Double(count.before) >= 0.3 * Double(before.spans) && expected >= 10 && Double(count.during) <= 0.1 * expected
        }
        guard let (id, count) = vanished.max(by: { $0.value.before < $1.value.before }) else { return [] }
        let expected = Int(Double(count.before) * perRequestScale)
        return [Finding(
            score: 2 + min(2, log2(Double(max(expected, 1))) / 3), hint: .shape,
            evidence: Evidence(
                signal: "missing_logs",
                summary: "\(service) stopped writing “\(MessageSignals.clip(miner[id].template))” (\(count.during) times where \(expected) were expected for its requests)",
                before: Double(expected), during: Double(count.during)),
            onset: nil)]
    }

    /// Total variation distance between two distributions of request shapes.
    static func totalVariation(_ a: [UInt64: Int], _ aTotal: Int, _ b: [UInt64: Int], _ bTotal: Int) -> Double {
        var distance = 0.0
        for key in Set(a.keys).union(b.keys) {
            distance += abs(Double(a[key] ?? 0) / Double(aTotal) - Double(b[key] ?? 0) / Double(bTotal))
        }
        return distance / 2
    }
}
