import Foundation

/// Slow links, not slow services: when the time callers wait on a service grows while the service
/// itself records no more time for those requests, the difference was spent on the wire or in queues
/// in front of it. The service that every such edge touches is the one whose network is at fault.
enum LinkSignals {
    /// One edge's time on the wire (caller's duration minus the callee's own), before and during.
    struct EdgeDelay: Sendable {
        var caller: String
        var target: String
        var beforeP50: Double
        var duringP50: Double
        var duringP90: Double
        var beforeP90: Double
        var samples: [String]

        var added: Double { duringP50 - beforeP50 }
    }

    /// Findings for the services whose links slowed, keyed by service.
    static func findings(in context: RankingContext) -> [String: [Finding]] {
        let delayed = delayedEdges(context)
        guard !delayed.isEmpty else { return [:] }
        // Edges each service takes part in during the incident (with calls on them).
        var edgesOf: [String: Set<String>] = [:]
        for call in context.observations.calls(from: context.start, until: context.end) {
            let edge = call.caller + "→" + call.target
            edgesOf[call.caller, default: []].insert(edge)
            edgesOf[call.target, default: []].insert(edge)
        }
        var covered: [String: [EdgeDelay]] = [:]
        for edge in delayed {
            covered[edge.caller, default: []].append(edge)
            covered[edge.target, default: []].append(edge)
        }
        // The service touching the most slowed edges; among equals, the one with the larger share of its
        // edges slowed, then the callee (a single slowed edge is blamed on the one it leads to).
        func rank(_ service: String) -> (Int, Double, Int) {
            let count = covered[service]?.count ?? 0
            let share = Double(count) / Double(max(1, edgesOf[service]?.count ?? count))
            let asTarget = delayed.filter { $0.target == service }.count
            return (count, share, asTarget)
        }
        guard let best = covered.keys.max(by: { rank($0) < rank($1) || (rank($0) == rank($1) && $0 > $1) }) else { return [:] }
        let (count, share, _) = rank(best)
        let edges = covered[best] ?? []
        let added = edges.map(\.added).max() ?? 0
        let worst = edges.max { $0.added < $1.added }!
        let summary = "calls to and from \(best) spent \(ms(worst.beforeP50)) → \(ms(worst.duringP50)) ms (p50) outside the services themselves "
            + "on \(count) of its \(max(count, edgesOf[best]?.count ?? count)) links (worst \(worst.caller) → \(worst.target)): its network or the path to it"
        return [best: [Finding(
            score: min(7, 3 + 2 * share + min(2, added / 100)), hint: .network,
            evidence: Evidence(
                signal: "link_latency", summary: summary, before: worst.beforeP50, during: worst.duringP50,
                sampleRequests: Array(worst.samples.prefix(5)), edge: "\(worst.caller) → \(worst.target)"),
            onset: nil)]]
    }

    /// Edges whose time on the wire grew clearly.
    static func delayedEdges(_ context: RankingContext) -> [EdgeDelay] {
        var before: [String: [Double]] = [:]
        var during: [String: [Double]] = [:]
        var samples: [String: [String]] = [:]
        for call in context.observations.calls(from: context.baselineStart, until: context.end) {
            guard let callee = call.calleeDurationMS else { continue }
            let key = call.caller + "\u{0}" + call.target
            let gap = max(0, call.durationMS - callee)
            if call.time < context.start {
                before[key, default: []].append(gap)
            } else {
                during[key, default: []].append(gap)
                if gap > 10, (samples[key]?.count ?? 0) < 5, let id = call.correlationID { samples[key, default: []].append(id) }
            }
        }
        var result: [EdgeDelay] = []
        for (key, gaps) in during where gaps.count >= 5 {
            guard let old = before[key], old.count >= 5,
                let b50 = Quantile.of(old, 0.5), let d50 = Quantile.of(gaps, 0.5),
                let b90 = Quantile.of(old, 0.9), let d90 = Quantile.of(gaps, 0.9)
            else { continue }
            let median = d50 - b50 >= max(5, b50)
            let tail = d90 - b90 >= max(20, 2 * b90) && d50 - b50 >= 2
            guard median || tail else { continue }
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            result.append(EdgeDelay(
                caller: parts[0], target: parts.count > 1 ? parts[1] : "", beforeP50: b50, duringP50: d50, duringP90: d90, beforeP90: b90,
                samples: samples[key] ?? []))
        }
        return result.sorted { ($0.caller, $0.target) < ($1.caller, $1.target) }
    }
}
