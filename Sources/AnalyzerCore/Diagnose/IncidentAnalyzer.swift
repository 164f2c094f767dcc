import ServiceLog

/// Detects incidents in a window of events and explains each one: ranked root-cause candidates with
/// evidence, the kind of fault, the path it took to the users, the affected services and requests,
/// the error templates, and the client errors that rose alongside (told, never blamed).
public struct IncidentAnalyzer: Sendable {
    public var detector: IncidentDetector
    public var ranker: RootCauseRanker
    /// Groups error messages before and during an incident into templates.
    public var templates: @Sendable (_ before: [Observations.Message], _ during: [Observations.Message]) -> [ErrorTemplateCount]

    public init(
        detector: IncidentDetector = IncidentDetector(), ranker: RootCauseRanker = RootCauseRanker(),
        templates: @escaping @Sendable ([Observations.Message], [Observations.Message]) -> [ErrorTemplateCount] = ErrorTemplates.summarize
    ) {
        self.detector = detector
        self.ranker = ranker
        self.templates = templates
    }

    /// Incidents in the observations, most important first (most affected requests, then the most
    /// confident, then newest).
    ///
    /// A window in which no service's own behaviour changed enough to name it and less than
    /// `unexplainedImpactFloor` of the user requests were affected is dropped: it is the tail of
    /// normal variation, and paging someone for it with "root cause: unknown" would teach them to
    /// ignore the tool.
    public func incidents(in observations: Observations) -> [Incident] {
        detector.detect(observations).compactMap { window -> Incident? in
            guard !isBlip(window) else { return nil }
            let incident = incident(for: window, in: observations)
            let share = Double(incident.affectedRequests) / Double(max(incident.totalRequests, 1))
            guard incident.rootCause.service != nil || (share >= unexplainedImpactFloor && incident.affectedRequests >= 20) else { return nil }
            return incident
        }.sorted {
            ($0.affectedRequests, $0.rootCause.confidence, $0.start) > ($1.affectedRequests, $1.rootCause.confidence, $1.start)
        }
    }

    /// The share of affected user requests above which an incident is reported even without a root cause.
    public var unexplainedImpactFloor = 0.3

    /// A change shorter than this that users did not feel is a blip (a burst of a few errors), not an
    /// incident. Faults that matter inside a system without reaching users last longer.
    public var minimumUnfeltSeconds: Int64 = 90

    /// Whether a window is too short and too unfelt to page anyone for.
    func isBlip(_ window: IncidentDetector.Window) -> Bool {
        let minimum = min(minimumUnfeltSeconds * 1_000_000, 9 * window.bucketMicros)
        let felt = window.affected.count >= 10 && Double(window.affected.count) >= 0.05 * Double(max(window.total, 1))
        return window.end - window.start < minimum && !felt
    }

    /// Explains one detected window.
    public func incident(for window: IncidentDetector.Window, in observations: Observations) -> Incident {
        let ranking = ranker.rank(window, in: observations)
        let top = ranking.namesRootCause ? ranking.candidates.first : nil
        var affected = Set(window.entryServices)
        for candidate in ranking.candidates.prefix(3) { affected.insert(candidate.service) }
        for call in observations.calls(from: window.start, until: window.end) where call.outcome == .failure {
            affected.insert(call.caller)
        }
        affected.formUnion(ranking.path)
        let baselineStart = ranker.baselineStart(for: window, in: observations)
        let before = MessageSignals.deduplicated(observations.errorMessages(from: baselineStart, until: window.start))
        let during = MessageSignals.deduplicated(observations.errorMessages(from: window.start, until: window.end))
        let start = Timestamp(microsecondsSinceEpoch: window.start).description
        let idService = top?.service ?? window.entryServices.sorted().first ?? window.services.sorted().first ?? "unknown"
        return Incident(
            id: "inc-" + Self.compact(start) + "-" + idService,
            start: start, end: Timestamp(microsecondsSinceEpoch: window.end).description,
            rootCause: Incident.RootCause(service: top?.service, kind: top?.kind ?? .unknown, confidence: ranking.confidence),
            candidates: ranking.candidates, affectedServices: affected.sorted(),
            correlationIDs: Self.sampleRequests(window, ranking: ranking), entryServices: window.entryServices.sorted(),
            affectedRequests: window.affected.count, totalRequests: window.total,
            errorTemplates: Self.rootFirst(templates(before, during), root: top?.service), path: ranking.path,
            clientErrors: ranking.clientErrors, traffic: ranking.traffic)
    }

    /// The root cause's own templates first, then new ones, then the most frequent: the reader sees
    /// the cause before its echoes.
    static func rootFirst(_ templates: [ErrorTemplateCount], root: String?) -> [ErrorTemplateCount] {
        Array(templates.enumerated().sorted { a, b in
            let left = (a.element.service == root ? 1 : 0, a.element.isNew ? 1 : 0, a.element.count, -a.offset)
            let right = (b.element.service == root ? 1 : 0, b.element.isNew ? 1 : 0, b.element.count, -b.offset)
            return left > right
        }.map(\.element).prefix(20))
    }

    /// The incident that began at `start`, as an on-call engineer asks when another system alerted
    /// ("what changed at 10:04?"): the change from the traffic before `start` to `[start, end)` is
    /// explained with the same ranking as a detected incident, whether or not the detector found one
    /// there. Every service is looked at, not only those whose series the detector saw move.
    public func incident(explaining start: Int64, until end: Int64, in observations: Observations) -> Incident {
        let grid = detector.grid(for: observations)
        let detected = detector.detect(observations).filter { $0.start < end && $0.end > start }
        let (affected, total, entries) = detector.impact(observations, start: start, end: end, services: observations.services)
        let window = IncidentDetector.Window(
            entryServices: entries, start: start, end: max(end, start + grid.bucketMicros), affected: affected, total: total,
            services: observations.services, anomalies: detected.flatMap(\.anomalies), bucketMicros: grid.bucketMicros)
        var incident = incident(for: window, in: observations)
        incident.id = "exp-" + Self.compact(incident.start) + "-" + (incident.rootCause.service ?? "undetermined")
        return incident
    }

    /// Failing requests that went through the root cause first, then other affected ones.
    static func sampleRequests(_ window: IncidentDetector.Window, ranking: RootCauseRanker.Ranking) -> [String] {
        var ids: [String] = []
        for id in ranking.candidates.first?.evidence.flatMap(\.sampleRequests) ?? [] where !ids.contains(id) {
            ids.append(id)
            if ids.count == 10 { break }
        }
        let failing = window.affected.filter { $0.outcome == .failure } + window.affected.filter { $0.outcome != .failure }
        for span in failing {
            guard ids.count < 20 else { break }
            if let id = span.correlationID, !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// High when the best candidate is both strong and well ahead of the next one.
    static func confidence(top: Double, second: Double) -> Double {
        (Confidence.value(top: top, second: second) * 100).rounded() / 100
    }

    static func compact(_ timestamp: String) -> String {
        String(timestamp.prefix(19).filter { $0 != "-" && $0 != ":" })
    }
}

/// Error-template summaries of an incident: Drain-style templates of the error and warning messages.
public enum ErrorTemplates {
    /// The templates of `during`, most frequent first, flagged new when no `before` message matched.
    public static func summarize(before: [Observations.Message], during: [Observations.Message]) -> [ErrorTemplateCount] {
        TemplateMiner.errorTemplates(before: before, during: during, service: \.service, text: \.text)
    }
}
