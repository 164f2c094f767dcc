import Foundation

/// Request rates that rose sharply during an incident: at user-facing services (a surge of users or
/// bots) and along edges (one caller multiplying its calls).
enum TrafficNotes {
    /// Rises of at least `factor` with enough traffic to mean something.
    static func changes(in context: RankingContext, factor: Double = 2) -> [TrafficChange] {
        var result: [TrafficChange] = []
        let entries = Set(context.observations.spans(from: context.baselineStart, until: context.end).lazy.filter(\.isEntry).map(\.service))
        for service in entries.sorted() {
            let before = Double(context.before[service].spans) / context.beforeSeconds
            let during = Double(context.during[service].spans) / context.duringSeconds
            guard during >= factor * before, Double(context.during[service].spans) >= 50 else { continue }
            result.append(TrafficChange(
                caller: nil, service: service, before: before, during: during,
                summary: "requests to \(service) rose ×\(ratio(during / max(before, 1e-9))) (\(rate(before)) → \(rate(during)) per second)"))
        }
        var before: [String: Int] = [:]
        var during: [String: Int] = [:]
        for call in context.observations.calls(from: context.baselineStart, until: context.end) {
            let key = call.caller + "\u{0}" + call.target
            if call.time < context.start { before[key, default: 0] += 1 } else { during[key, default: 0] += 1 }
        }
        for (key, count) in during.sorted(by: { $0.key < $1.key }) where count >= 50 {
            let old = Double(before[key] ?? 0) / context.beforeSeconds
            let new = Double(count) / context.duringSeconds
            guard new >= max(factor, 3) * old, old > 0 else { continue }
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            result.append(TrafficChange(
                caller: parts[0], service: parts[1], before: old, during: new,
                summary: "\(parts[0]) called \(parts[1]) ×\(ratio(new / old)) more often (\(rate(old)) → \(rate(new)) per second)"))
        }
        return result
    }

    static func rate(_ value: Double) -> String { String(format: value >= 10 ? "%.0f" : "%.1f", value) }
}
