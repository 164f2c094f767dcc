import Foundation

/// What the services wrote: errors that a service originates (not ones it only passes on from a
/// failed call) and that are new or far more frequent than before, and the words in them that name a
/// kind (an out-of-memory error, a pool timeout). Templates that were as frequent before the incident
/// (a chronically noisy logger) say nothing.
enum MessageSignals {
    /// Per service: the template counts of its own errors and warnings before and during.
    struct TemplateCounts: Sendable {
        var template: String
        var example: String
        var before = 0
        var during = 0
        var inheritedDuring = 0
        /// Whether the messages are errors (not only warnings).
        var isError = false
        /// The requests (correlation IDs) that wrote it during the incident, not inherited.
        var requestsDuring: Set<String> = []
    }

    /// Own error templates per service, with counts before and during the incident.
    static func templates(in context: RankingContext) -> [String: [TemplateCounts]] {
        var miner = TemplateMiner()
        var counts: [String: [TemplateID: TemplateCounts]] = [:]
        for message in deduplicated(context.observations.errorMessages(from: context.baselineStart, until: context.end)) {
            guard !message.text.isEmpty else { continue }
            let id = miner.add(message.text, service: message.service)
            var entry = counts[message.service, default: [:]][id] ?? TemplateCounts(template: "", example: message.text)
            if message.isError { entry.isError = true }
            if message.time < context.start {
                if !message.inherited { entry.before += 1 }
            } else if message.inherited {
                entry.inheritedDuring += 1
            } else {
                entry.during += 1
                if let request = message.correlationID { entry.requestsDuring.insert(request) }
            }
            counts[message.service, default: [:]][id] = entry
        }
        var result: [String: [TemplateCounts]] = [:]
        for (service, templates) in counts {
            result[service] = templates.map { id, entry in
                var entry = entry
                entry.template = miner[id].template
                return entry
            }
        }
        return result
    }

    /// Within one request's span, an error that repeats (or wraps) one written just before is the
    /// same error told twice (an application error and the HTTP layer's wrapper of it): kept once.
    static func deduplicated(_ messages: some Collection<Observations.Message>) -> [Observations.Message] {
        var lastBySpan: [UInt64: String] = [:]
        var result: [Observations.Message] = []
        result.reserveCapacity(messages.count)
        for message in messages {
            if message.spanKey != 0 {
                if let previous = lastBySpan[message.spanKey], message.text.contains(previous) || previous.contains(message.text) { continue }
                lastBySpan[message.spanKey] = message.text
            }
            result.append(message)
        }
        return result
    }

    /// Findings for a service from its own new (or much more frequent) error templates.
    static func findings(for service: String, templates: [TemplateCounts], in context: RankingContext) -> [Finding] {
        let scale = context.beforeSeconds / context.duringSeconds
        let risen = templates.filter { entry in
            entry.during >= 3 && (entry.before == 0 || Double(entry.during) * scale >= 5 * Double(entry.before))
        }.sorted { $0.during > $1.during }
        guard let top = risen.first else { return [] }
        var result: [Finding] = []
        let total = risen.map(\.during).reduce(0, +)
        // Errors a service originates, far more than before, are its own failing, whatever its spans
        // say (some systems record no status on them); warnings only support.
        let errors = risen.filter(\.isError).map(\.during).reduce(0, +)
        // A low-traffic service that now fails most of its requests with an error it never wrote is
        // failing as surely as a busy one writing hundreds: the share of its requests counts, not
        // only the number of lines.
        // Both counts are of the service's own requests in the window (by correlation ID), so errors
        // of background work or of requests that began earlier cannot make a share above what it is.
        let errorRequests = risen.filter(\.isError).reduce(into: Set<String>()) { $0.formUnion($1.requestsDuring) }
        var served = Set<String>()
        if !errorRequests.isEmpty {
            for span in context.observations.spans(from: context.start, until: context.end) where span.service == service {
                if let id = span.correlationID { served.insert(id) }
            }
        }
        let failingRequests = errorRequests.intersection(served).count
        let requests = served.count
        let share = requests > 0 ? Double(failingRequests) / Double(requests) : 0
        let mostRequestsFail = requests >= 4 && failingRequests >= 4 && share >= 0.5
        var score = errors >= 10 ? min(4, 1 + log2(Double(1 + errors)) / 3) : min(2.5, 1 + log2(Double(1 + total)) / 4)
        if mostRequestsFail { score = max(score, 2.5 + share) }
        let sharePhrase = mostRequestsFail ? ", in \(failingRequests) of its \(requests) requests" : ""
        result.append(Finding(
            score: score,
            hint: errors >= 10 || mostRequestsFail ? .errors : .generic,
            evidence: Evidence(
                signal: "error_template",
                summary: "\(service) wrote \(total) errors of its own it did not write before\(sharePhrase), most often “\(clip(top.example))” (×\(top.during))",
                before: Double(top.before), during: Double(top.during)),
            onset: nil))
        for (hint, words) in kindWords {
            guard let match = risen.first(where: { entry in words.contains { entry.example.lowercased().contains($0) } }) else { continue }
            result.append(Finding(
                score: 2, hint: hint,
                evidence: Evidence(
                    signal: hint == .memory ? "out_of_memory_errors" : "pool_errors",
                    summary: "\(service) reports “\(clip(match.example))” (×\(match.during), \(match.before) before)",
                    before: Double(match.before), during: Double(match.during)),
                onset: nil))
        }
        return result
    }

    /// Words that name a kind in the errors of Java, Go, Node, Python, .NET and Swift services.
    static let kindWords: [(Finding.Hint, [String])] = [
        (.memory, ["outofmemory", "out of memory", "heap space", "heap usage", "gc overhead", "memory limit", "cannot allocate",
                   "allocation failed", "oomkill", "oom-kill", "oom kill", "memoryerror", "insufficient memory", "heap out of memory"]),
        (.pool, ["connection pool", "pool exhausted", "pool timeout", "poolTimeout".lowercased(), "connectionpooltimeout",
                 "too many connections", "no available connection", "waiting for connection", "waiting for a connection",
                 "hikaripool", "queuepool limit", "pool is exhausted", "acquire connection", "could not obtain connection",
                 "max connections", "resource pool", "pool_timeout", "connection is not available"]),
    ]

    static func clip(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 120 ? String(flat.prefix(117)) + "…" : flat
    }
}
