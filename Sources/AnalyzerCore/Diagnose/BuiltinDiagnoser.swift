import ServiceLog

/// The deterministic diagnosis of one request: which service broke it, how, and what to do.
///
/// It looks at the incident the request belongs to (the ranking over all affected requests is more
/// reliable than any single request) and falls back to the request's own trace: the deepest failing
/// span, or the largest self time when nothing failed.
public struct BuiltinDiagnoser: Sendable {
    public var analyzer: IncidentAnalyzer

    public init(analyzer: IncidentAnalyzer = IncidentAnalyzer()) {
        self.analyzer = analyzer
    }

    /// Diagnoses `trace`, using `context` (events around it, from all services) for baselines.
    public func diagnose(_ trace: RequestTrace, context: Observations) -> Diagnosis {
        diagnose(trace, incidents: analyzer.incidents(in: context))
    }

    /// Diagnoses `trace` given the incidents already found around it (callers that also need the
    /// incidents, e.g. for the AI's error templates, compute them once).
    public func diagnose(_ trace: RequestTrace, incidents: [Incident]) -> Diagnosis {
        let time = trace.start
        let incident = incidents.first { window in
            guard let start = Timestamp(rfc3339: window.start)?.microsecondsSinceEpoch,
                let end = Timestamp(rfc3339: window.end)?.microsecondsSinceEpoch
            else { return false }
            return time >= start - 30_000_000 && time <= end + 30_000_000
        }
        let involved = Set(trace.services).union(trace.spans.values.compactMap(\.targetService))
        if let incident, let top = incident.candidates.first(where: { involved.contains($0.service) }) ?? incident.candidates.first {
            let second = incident.candidates.first { $0.service != top.service }?.score ?? 0
            let affected = Array(Set(failingServices(trace)).union([top.service])).sorted()
            return Diagnosis(
                correlationID: trace.correlationID,
                hypothesis: hypothesis(service: top.service, kind: top.kind, evidence: top.evidence, trace: trace, incident: incident),
                recommendedActions: RecommendedActions.for(top.kind, service: top.service),
                confidence: IncidentAnalyzer.confidence(top: top.score, second: second), affectedServices: affected,
                rootCause: .init(service: top.service, kind: top.kind), source: .builtin, evidence: top.evidence)
        }
        return local(trace)
    }

    /// Without an incident: the request's own deepest failure, or its slowest own work.
    func local(_ trace: RequestTrace) -> Diagnosis {
        let spans = trace.flattened().map(\.span)
        var service = trace.services.first ?? "unknown"
        var kind = FaultKind.unknown
        var summary = "No incident around this request and nothing in it failed."
        var confidence = 0.3
        if let deepest = spans.last(where: \.failed) {
            switch (deepest.kind, deepest.errorKind) {
            case (.client, "connection_refused"?):
                (service, kind) = (deepest.targetService ?? service, .unavailable)
                summary = "\(deepest.service)'s call to \(service) was refused: \(service) was not accepting connections."
            case (.client, "timeout"?):
                (service, kind) = (deepest.targetService ?? service, .latency)
                summary = "\(deepest.service)'s call to \(service) timed out after \(Format.ms(deepest.duration(now: trace.end))) ms."
            default:
                (service, kind) = (deepest.service, .errors)
                summary = "\(deepest.service) failed (\(deepest.statusCode ?? 0)) without a failed call of its own behind it."
            }
            confidence = 0.5
        } else if let slowest = spans.filter({ $0.kind == .server }).max(by: { $0.selfTime < $1.selfTime }), trace.duration > 0 {
            service = slowest.service
            let share = Double(slowest.selfTime) / Double(trace.duration)
            if share >= 0.5 {
                kind = .latency
                summary = "\(service)'s own work took \(Format.ms(slowest.selfTime)) ms, \(Int(saturating: share * 100))% of the request."
                confidence = 0.4
            }
        }
        let evidence = Evidence(signal: "request", summary: summary, sampleRequests: [trace.correlationID])
        return Diagnosis(
            correlationID: trace.correlationID, hypothesis: summary, recommendedActions: RecommendedActions.for(kind, service: service),
            confidence: confidence, affectedServices: failingServices(trace).isEmpty ? [service] : failingServices(trace),
            rootCause: .init(service: service, kind: kind), source: .builtin, evidence: [evidence])
    }

    private func failingServices(_ trace: RequestTrace) -> [String] {
        var result: [String] = []
        for span in trace.flattened().map(\.span) where span.failed && !result.contains(span.service) { result.append(span.service) }
        return result
    }

    private func hypothesis(service: String, kind: FaultKind, evidence: [Evidence], trace: RequestTrace, incident: Incident) -> String {
        let what: String = switch kind {
        case .memoryLeak: "is leaking memory and slowing down"
        case .cpuSaturation: "is CPU-saturated"
        case .latency: "got slow in its own processing"
        case .errors: "is failing on its own"
        case .resourceExhaustion: "ran out of a pooled resource"
        case .unavailable: "is unavailable"
        case .unknown: "changed behaviour"
        }
        let victims = incident.affectedServices.filter { $0 != service }
        var text = "\(service) \(what)"
        if let first = evidence.first { text += ": " + first.summary }
        text += "."
        if !victims.isEmpty {
            text += " \(victims.joined(separator: ", ")) failed or slowed because of it"
            text += " (\(incident.affectedRequests) of \(incident.totalRequests) user requests affected during incident \(incident.id))."
        }
        return text
    }
}
