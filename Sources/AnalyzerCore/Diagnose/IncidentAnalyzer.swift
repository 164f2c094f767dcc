import ServiceLog

/// Detects incidents in a window of events and explains each one: ranked root-cause candidates with
/// evidence, the kind of fault, the affected services and requests, and the error templates.
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

    /// Incidents in the observations, most important first (most affected requests, then newest).
    ///
    /// A window in which no service's own behaviour changed and less than `unexplainedImpactFloor` of
    /// the user requests were affected is dropped: it is the tail of normal variation, and paging
    /// someone for it with "root cause: unknown" would teach them to ignore the tool.
    public func incidents(in observations: Observations) -> [Incident] {
        detector.detect(observations).map { incident(for: $0, in: observations) }.filter { incident in
            !incident.candidates.isEmpty
                || Double(incident.affectedRequests) >= unexplainedImpactFloor * Double(max(incident.totalRequests, 1))
        }.sorted {
            ($0.affectedRequests, $0.start) > ($1.affectedRequests, $1.start)
        }
    }

    /// The share of affected user requests above which an incident is reported even without a candidate.
    public var unexplainedImpactFloor = 0.3

    /// Explains one detected window.
    public func incident(for window: IncidentDetector.Window, in observations: Observations) -> Incident {
        let candidates = ranker.rank(window, in: observations)
        let top = candidates.first
        let second = candidates.dropFirst().first?.score ?? 0
        let confidence = top.map { Self.confidence(top: $0.score, second: second) } ?? 0
        var affected = Set(window.entryServices)
        for candidate in candidates.prefix(3) { affected.insert(candidate.service) }
        for call in observations.calls where call.time >= window.start && call.time < window.end && !call.success {
            affected.insert(call.caller)
        }
        var correlationIDs: [String] = []
        for span in window.affected {
            if let id = span.correlationID, !correlationIDs.contains(id) { correlationIDs.append(id) }
            if correlationIDs.count == 20 { break }
        }
        let before = observations.errorMessages.filter { $0.time < window.start }
        let during = observations.errorMessages.filter { $0.time >= window.start && $0.time < window.end }
        let start = Timestamp(microsecondsSinceEpoch: window.start).description
        return Incident(
            id: "inc-" + Self.compact(start) + "-" + window.entryServices.sorted().joined(separator: "+"),
            start: start, end: Timestamp(microsecondsSinceEpoch: window.end).description,
            rootCause: Incident.RootCause(service: top?.service ?? "unknown", kind: top?.kind ?? .unknown, confidence: confidence),
            candidates: candidates, affectedServices: affected.sorted(), correlationIDs: correlationIDs,
            entryServices: window.entryServices.sorted(), affectedRequests: window.affected.count, totalRequests: window.total,
            errorTemplates: Array(templates(before, during).prefix(20)))
    }

    /// High when the best candidate is both strong and well ahead of the next one.
    static func confidence(top: Double, second: Double) -> Double {
        guard top > 0 else { return 0 }
        let separation = top / (top + second)
        let strength = min(1, top / 6)
        return (min(0.99, max(0.05, separation * (0.4 + 0.6 * strength))) * 100).rounded() / 100
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
