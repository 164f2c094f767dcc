/// How a failure travelled from its root cause to the users: the chain of callers, each of whose
/// calls towards the previous one failed or slowed during the incident, ending at a user-facing
/// service. Where no changed chain reaches one, the shortest chain of callers does.
enum PropagationPath {
    static func find(from root: String, in context: RankingContext) -> [String] {
        let entries = userFacing(context)
        if entries.contains(root) { return [root] }
        let changed = changedEdges(context)
        return breadthFirst(from: root, entries: entries, context: context) { changed.contains($0 + "\u{0}" + $1) }
            ?? breadthFirst(from: root, entries: entries, context: context) { _, _ in true }
            ?? [root]
    }

    /// Services users call: most of their requests come from outside the data, or nothing in the data
    /// calls them. A service with a few root requests of its own (a cron job, a cache refresh) that
    /// mostly serves other services is a step on the path, not its end.
    static func userFacing(_ context: RankingContext) -> Set<String> {
        var total: [String: Int] = [:]
        var fromOutside: [String: Int] = [:]
        for span in context.observations.spans(from: context.baselineStart, until: context.end) {
            total[span.service, default: 0] += 1
            if span.isEntry { fromOutside[span.service, default: 0] += 1 }
        }
        return Set(fromOutside.keys.filter { service in
            (context.graph.callers[service] ?? []).isEmpty || 2 * fromOutside[service]! >= total[service]!
        })
    }

    /// Callers first, from `root` towards an entry service, along edges that `usable(caller, callee)`.
    private static func breadthFirst(
        from root: String, entries: Set<String>, context: RankingContext, usable: (String, String) -> Bool
    ) -> [String]? {
        var previous: [String: String] = [:]
        var queue = [root]
        var seen: Set<String> = [root]
        while !queue.isEmpty {
            let service = queue.removeFirst()
            if entries.contains(service) {
                var path = [service]
                while let back = previous[path.last!] { path.append(back) }
                return path.reversed()
            }
            for caller in (context.graph.callers[service] ?? []).sorted() where !seen.contains(caller) && usable(caller, service) {
                seen.insert(caller)
                previous[caller] = service
                queue.append(caller)
            }
        }
        return nil
    }

    /// Edges whose calls failed more or took clearly longer during the incident than before.
    static func changedEdges(_ context: RankingContext) -> Set<String> {
        struct Tally {
            var calls = 0
            var failures = 0
            var durations: [Double] = []
        }
        var before: [String: Tally] = [:]
        var during: [String: Tally] = [:]
        for call in context.observations.calls(from: context.baselineStart, until: context.end) {
            let key = call.caller + "\u{0}" + call.target
            if call.time < context.start {
                before[key, default: Tally()].calls += 1
                if call.outcome == .failure { before[key]!.failures += 1 }
                before[key]!.durations.append(call.durationMS)
            } else {
                during[key, default: Tally()].calls += 1
                if call.outcome == .failure { during[key]!.failures += 1 }
                during[key]!.durations.append(call.durationMS)
            }
        }
        var result = Set<String>()
        for (key, now) in during where now.calls >= 3 {
            let then = before[key] ?? Tally()
            let failureRise = Double(now.failures) / Double(now.calls) - (then.calls == 0 ? 0 : Double(then.failures) / Double(then.calls))
            let oldP90 = Quantile.of(then.durations, 0.9) ?? 0
            let newP90 = Quantile.of(now.durations, 0.9) ?? 0
            if failureRise >= 0.05 || (newP90 >= 1.5 * oldP90 && newP90 - oldP90 >= 5) { result.insert(key) }
        }
        return result
    }
}
