import ServiceLog

/// Ranks the services that could have caused an incident, with the evidence for each, the kind of
/// fault, and how the failure travelled.
///
/// Propagation-aware by construction: a service is scored on its *own* behaviour — self time (its
/// duration minus the time it waited on calls and backoff), failures not explained by a failed call
/// of its own, refused connections and silence towards it, its links, its resource gauges, the
/// errors it originates and the shape of its requests — compared between a baseline before the
/// incident's onset and the incident itself. A caller that fails because its callee failed shows
/// none of these, so blame lands on the deepest service whose own behaviour changed; when a caller
/// and one of its (transitive) callees both changed, the callee is preferred.
public struct RootCauseRanker: Sendable {
    /// Baseline length: at least this long, and at least `baselineFactor` times the incident.
    public var minimumBaselineSeconds: Int64 = 300
    public var baselineFactor: Int64 = 2
    /// A service needs this much evidence to be a candidate at all.
    public var minimumCandidateScore = 1.5
    /// The best candidate needs this much to be named; below it the analysis abstains.
    public var minimumRootCauseScore = 2.5

    public init() {}

    /// What the ranking found for one window.
    public struct Ranking: Sendable {
        /// Best first.
        public var candidates: [Incident.Candidate]
        /// Root cause first, up to an entry service.
        public var path: [String]
        public var clientErrors: [ClientErrorSignal]
        public var traffic: [TrafficChange]
        /// Whether the best candidate is strong enough to be named.
        public var namesRootCause: Bool
        public var confidence: Double
    }

    /// The start of the baseline for a window (before its onset, never before the data).
    public func baselineStart(for window: IncidentDetector.Window, in observations: Observations) -> Int64 {
        let length = window.end - window.start
        return max(observations.first, window.start - max(minimumBaselineSeconds * 1_000_000, baselineFactor * length))
    }

    public func rank(_ window: IncidentDetector.Window, in observations: Observations) -> Ranking {
        let baselineStart = baselineStart(for: window, in: observations)
        let context = RankingContext(
            observations: observations, window: window, baselineStart: baselineStart,
            before: BehaviourTable(observations, from: baselineStart, until: window.start),
            during: BehaviourTable(observations, from: window.start, until: window.end), graph: CallGraph(observations.calls),
            userLatencyMS: Quantile.of(observations.spans(from: baselineStart, until: window.start).filter(\.isEntry).map(\.durationMS), 0.5) ?? 0)
        let links = LinkSignals.findings(in: context)
        let templates = MessageSignals.templates(in: context)
        var scored: [(candidate: Incident.Candidate, findings: [Finding])] = []
        for service in observations.services.sorted() {
            var findings = RequestSignals.findings(for: service, in: context)
            findings += GaugeSignals.findings(for: service, in: context)
            findings += MessageSignals.findings(for: service, templates: templates[service] ?? [], in: context)
            findings += ShapeSignals.findings(for: service, in: context)
            findings += links[service] ?? []
            findings += Self.silentInstances(of: service, in: window)
            var score = Self.score(findings)
            // Gauges alone, on a service not connected to the incident (none of its requests or calls
            // changed, and it calls or serves no service that did), support but never name it: a cache
            // warming up, a pod restarted elsewhere.
            let connected = window.services.contains(service) || window.services.contains { context.graph.adjacent($0, service) }
            if !connected, findings.allSatisfy({ [.memory, .cpu, .pool].contains($0.hint) }) {
                score = min(score, 2)
            }
            guard score >= minimumCandidateScore else { continue }
            let ordered = findings.sorted { $0.score > $1.score }
            scored.append((Incident.Candidate(
                service: service, score: (score * 100).rounded() / 100, kind: FaultKindDecision.kind(of: ordered, context: context),
                evidence: ordered.map(\.evidence)), ordered))
        }
        let candidates = Self.preferDeeper(scored, graph: context.graph).sorted { ($0.score, $1.service) > ($1.score, $0.service) }
        let top = candidates.first
        let traffic = TrafficNotes.changes(in: context)
        let named = (top?.score ?? 0) >= minimumRootCauseScore
        var confidence = Confidence.of(candidates, named: named)
        if let top, Self.explainedByLoad(top, scored: scored, traffic: traffic) { confidence = min(confidence, 0.45) }
        let path = top.flatMap { named ? PropagationPath.find(from: $0.service, in: context) : nil } ?? []
        return Ranking(
            candidates: candidates, path: path, clientErrors: ClientErrorNotes.notes(in: context), traffic: traffic,
            namesRootCause: named, confidence: confidence)
    }

    /// A candidate that only got slower while the requests it serves surged may just be loaded, not
    /// faulty: the answer stays, but not with confidence.
    static func explainedByLoad(_ top: Incident.Candidate, scored: [(candidate: Incident.Candidate, findings: [Finding])], traffic: [TrafficChange]) -> Bool {
        guard let findings = scored.first(where: { $0.candidate.service == top.service })?.findings else { return false }
        let onlySlower = findings.allSatisfy { $0.hint == .latency || $0.hint == .cpu || $0.hint == .generic }
        let surged = traffic.contains { $0.service == top.service || $0.caller == nil }
        return onlySlower && surged
    }

    /// Instances of `service` that went silent while their peers went on (found by the detector).
    static func silentInstances(of service: String, in window: IncidentDetector.Window) -> [Finding] {
        window.anomalies.filter { $0.metric == .silent && $0.key.service == service }.prefix(1).compactMap { anomaly -> Finding? in
            guard case .instance(_, let instance) = anomaly.key else { return nil }
            let seconds = (anomaly.endTime - anomaly.startTime) / 1_000_000
            return Finding(
                score: 4.5, hint: .unavailable,
                evidence: Evidence(
                    signal: "instance_silent",
                    summary: "instance \(instance) of \(service) wrote nothing for \(seconds) s from \(Timestamp(microsecondsSinceEpoch: anomaly.startTime)) while the others went on, and no instance replaced it"),
                onset: anomaly.startTime)
        }
    }

    /// The sum of the findings, with the weak, unspecific kinds capped so that they support a
    /// candidate rather than make one.
    static func score(_ findings: [Finding]) -> Double {
        var byHint: [Finding.Hint: Double] = [:]
        for finding in findings { byHint[finding.hint, default: 0] += finding.score }
        byHint[.generic] = min(byHint[.generic] ?? 0, 2.5)
        byHint[.shape] = min(byHint[.shape] ?? 0, 6)
        return byHint.values.reduce(0, +)
    }

    /// When a caller and one of its transitive callees both stand out, the callee is the likelier
    /// cause: the caller's own changes are most often consequences (retries, queued work).
    static func preferDeeper(_ scored: [(candidate: Incident.Candidate, findings: [Finding])], graph: CallGraph) -> [Incident.Candidate] {
        scored.map { entry in
            var adjusted = entry.candidate
            let downstream = graph.downstream(of: entry.candidate.service)
            // A deeper candidate counts when something specific changed in it (its requests' shape
            // included: an exception deep down shows as skipped work there and errors above).
            let deeper = scored.contains { other in
                downstream.contains(other.candidate.service) && other.candidate.score >= 0.5 * entry.candidate.score
                    && other.findings.contains { $0.hint != .generic }
            }
            if deeper { adjusted.score = (entry.candidate.score * 0.5 * 100).rounded() / 100 }
            return adjusted
        }
    }
}
