/// Ranks the services that could have caused an incident, with the evidence for each.
///
/// Propagation-aware by construction: a service is scored on its *own* behaviour — self time (its
/// duration minus the time it waited on calls and backoff), failures not explained by a failed call
/// of its own, refused connections and silence towards it, and its resource gauges — compared
/// between a baseline window before the incident and the incident itself. A caller that fails
/// because its callee failed shows none of these, so blame lands on the deepest service whose own
/// behaviour changed; when a caller and one of its (transitive) callees both changed, the callee is
/// preferred.
public struct RootCauseRanker: Sendable {
    /// Baseline length: at least this long, and at least `baselineFactor` times the incident.
    public var minimumBaselineSeconds: Int64 = 300
    public var baselineFactor: Int64 = 2

    public init() {}

    public func rank(_ window: IncidentDetector.Window, in observations: Observations) -> [Incident.Candidate] {
        let length = window.end - window.start
        let baselineStart = max(observations.first, window.start - max(minimumBaselineSeconds * 1_000_000, baselineFactor * length))
        let during = (window.start, window.end)
        let before = (baselineStart, window.start)
        var candidates: [Incident.Candidate] = []
        for service in observations.services.sorted() {
            let old = ServiceBehaviour(service, in: observations, from: before.0, until: before.1)
            let new = ServiceBehaviour(service, in: observations, from: during.0, until: during.1)
            var evidence: [(score: Double, evidence: Evidence)] = []
            evidence += selfTimeEvidence(service, old, new)
            evidence += failureEvidence(service, old, new)
            evidence += availabilityEvidence(service, old, new, beforeSeconds: Double(before.1 - before.0) / 1e6, duringSeconds: Double(length) / 1e6)
            evidence += GaugeAnalysis.evidence(for: service, in: observations, before: before, during: during)
            let score = evidence.reduce(0) { $0 + $1.score }
            guard score > 0 else { continue }
            let sorted = evidence.sorted { $0.score > $1.score }
            candidates.append(Incident.Candidate(
                service: service, score: (score * 100).rounded() / 100, kind: Self.kind(of: sorted.map(\.evidence)),
                evidence: sorted.map(\.evidence)))
        }
        return preferDeeper(candidates, graph: CallGraph(observations.calls)).sorted { $0.score > $1.score }
    }

    private func selfTimeEvidence(_ service: String, _ old: ServiceBehaviour, _ new: ServiceBehaviour) -> [(Double, Evidence)] {
        guard old.spans >= 5, new.spans >= 3, let before = old.selfP50, let after = new.selfP50 else { return [] }
        let ratio = after / max(before, 0.5)
        guard ratio >= 2, after - before >= 5 else { return [] }
        let score = min(6, 1.5 * log2(ratio))
        return [(score, Evidence(
            signal: "self_time", summary: "\(service)'s own processing time p50 went from \(ms(before)) ms to \(ms(after)) ms (×\(String(format: "%.1f", ratio)))",
            before: before, during: after, sampleRequests: new.sampleRequests))]
    }

    private func failureEvidence(_ service: String, _ old: ServiceBehaviour, _ new: ServiceBehaviour) -> [(Double, Evidence)] {
        guard new.spans >= 3 else { return [] }
        let increase = new.ownFailureRatio - old.ownFailureRatio
        guard increase >= 0.05, new.ownFailures >= 3 else { return [] }
        let score = min(6, 2 + 10 * increase)
        return [(score, Evidence(
            signal: "own_errors",
            summary: "\(service) failed \(percent(new.ownFailureRatio)) of its requests on its own (no failed call behind them), \(percent(old.ownFailureRatio)) before",
            before: old.ownFailureRatio, during: new.ownFailureRatio, sampleRequests: new.sampleRequests))]
    }

    private func availabilityEvidence(_ service: String, _ old: ServiceBehaviour, _ new: ServiceBehaviour, beforeSeconds: Double, duringSeconds: Double) -> [(Double, Evidence)] {
        var result: [(Double, Evidence)] = []
        if new.refusedIn >= 3, new.refusedRatio - old.refusedRatio >= 0.1 {
            result.append((4 + 4 * new.refusedRatio, Evidence(
                signal: "refused_connections",
                summary: "\(percent(new.refusedRatio)) of calls to \(service) were refused (connection_refused), \(percent(old.refusedRatio)) before",
                before: old.refusedRatio, during: new.refusedRatio, sampleRequests: new.sampleRequests)))
        }
        let expected = Double(old.events) / max(beforeSeconds, 1) * duringSeconds
        if expected >= 20, Double(new.events) < expected * 0.2, new.callsIn >= 3 {
            result.append((4, Evidence(
                signal: "silence",
                summary: "\(service) wrote \(new.events) events during the incident where \(Int(saturating: expected)) were expected, while others kept calling it",
                before: expected, during: Double(new.events))))
        }
        // Timeouts towards a service point at it only when it went quiet or its own work slowed down:
        // otherwise it is waiting on someone else and the timeouts are inherited.
        if new.timeoutsIn >= 3, new.timeoutRatio - old.timeoutRatio >= 0.1 {
            let ownSlowdown = (new.selfP50 ?? 0) >= 2 * max(old.selfP50 ?? 0, 0.5)
            let quiet = new.spans < 3
            if ownSlowdown || quiet {
                result.append((1 + 2 * new.timeoutRatio, Evidence(
                    signal: "timeouts_to",
                    summary: "\(percent(new.timeoutRatio)) of calls to \(service) timed out, \(percent(old.timeoutRatio)) before",
                    before: old.timeoutRatio, during: new.timeoutRatio, sampleRequests: new.sampleRequests)))
            }
        }
        return result
    }

    /// When a caller and one of its transitive callees both stand out, the callee is the likelier cause.
    private func preferDeeper(_ candidates: [Incident.Candidate], graph: CallGraph) -> [Incident.Candidate] {
        candidates.map { candidate in
            var adjusted = candidate
            let downstream = graph.downstream(of: candidate.service)
            if candidates.contains(where: { downstream.contains($0.service) && $0.score >= 0.5 * candidate.score && $0.kind != .unknown }) {
                adjusted.score = (candidate.score * 0.5 * 100).rounded() / 100
            }
            return adjusted
        }
    }

    /// The kind that the strongest evidence points at, in order of specificity.
    static func kind(of evidence: [Evidence]) -> FaultKind {
        let signals = Set(evidence.map(\.signal))
        if signals.contains("refused_connections") || signals.contains("silence") { return .unavailable }
        if signals.contains("pool_saturation") { return .resourceExhaustion }
        if signals.contains("memory_growth") { return .memoryLeak }
        if signals.contains("cpu_saturation") { return .cpuSaturation }
        if signals.contains("own_errors") { return .errors }
        if signals.contains("self_time") || signals.contains("timeouts_to") { return .latency }
        return .unknown
    }
}

/// Who calls whom, from the observed calls.
struct CallGraph {
    var callees: [String: Set<String>] = [:]

    init(_ calls: [Observations.Call]) {
        for call in calls { callees[call.caller, default: []].insert(call.target) }
    }

    /// Every service reachable from `service` by calls.
    func downstream(of service: String) -> Set<String> {
        var seen = Set<String>()
        var stack = Array(callees[service] ?? [])
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += callees[next] ?? []
        }
        seen.remove(service)
        return seen
    }
}

func ms(_ value: Double) -> String { String(format: "%.1f", value) }
func percent(_ ratio: Double) -> String { String(format: "%.0f%%", ratio * 100) }

import Foundation
