import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// An incident as an on-call engineer lives it: nothing during the healthy warm-up, then one incident
/// that keeps its ID and its kind while the fault goes on for many minutes and the analysis window
/// slides, then resolved (and still listed) after recovery.
@Suite struct IncidentLifecycleTests {
    @Test func aLongLeakKeepsOneIDAndItsKindThenResolves() throws {
        let spec = ScenarioSpec(
            name: "long-leak", seed: 41, durationSeconds: 26 * 60, requestsPerSecond: 4,
            fault: FaultSpec(service: "pricing", kind: .memoryLeak, startSecond: 6 * 60, durationSeconds: 14 * 60, intensity: 0.3))
        let scenario = ScenarioGenerator.generate(spec)
        let label = try #require(scenario.label)
        let events = scenario.events
        let start = events.first!.timestamp.microsecondsSinceEpoch
        let faultStart = label.faultStart.microsecondsSinceEpoch
        var tracker = IncidentTracker()
        var seenIDs = Set<String>()
        var kinds: [FaultKind] = []
        var states: [IncidentLifecycle.State] = []
        var end = 0
        // Analyse every minute of data, as `analyzer serve` does as events arrive (a 15-minute window,
        // reaching back to an open incident's onset).
        for minute in 1...26 {
            let until = start + Int64(minute) * 60_000_000
            let from = tracker.analysisStart(from: until - 15 * 60_000_000, until: until, earliest: start, maximumMicros: 60 * 60_000_000)
            while end < events.count && events[end].timestamp.microsecondsSinceEpoch < until { end += 1 }
            let window = events[..<end].filter { $0.timestamp.microsecondsSinceEpoch >= from }
            let found = IncidentAnalyzer().incidents(in: Observations(events: Array(window)))
            let changes = tracker.update(with: found, analysedFrom: max(start, from), analysedUntil: until)
            if until <= faultStart {
                #expect(changes.found.isEmpty, "minute \(minute): no incident before the fault, found \(changes.found.map(\.id))")
            }
            for incident in changes.found where incident.rootCause.service != nil {
                seenIDs.insert(incident.id)
                if incident.rootCause.service == label.rootCauseService { kinds.append(incident.rootCause.kind) }
            }
            if let state = tracker.incidents.first?.lifecycle?.state { states.append(state) }
        }
        #expect(seenIDs.count == 1, "one incident for one fault, saw \(seenIDs.sorted())")
        #expect(kinds.count >= 8, "the leak is seen in most minutes of the fault: \(kinds.count)")
        #expect(kinds.allSatisfy { $0 == .memoryLeak }, "the kind holds: \(kinds.map(\.rawValue))")
        let last = try #require(tracker.incidents.first)
        #expect(last.lifecycle?.state == .resolved, "resolved after the recovery: \(String(describing: last.lifecycle))")
        #expect(last.lifecycle?.resolution?.isEmpty == false)
        // Once resolved it stays resolved: the recovery seen against a baseline inside the fault is
        // not a new change.
        let resolvedAt = try #require(states.firstIndex(of: .resolved))
        #expect(states[resolvedAt...].allSatisfy { $0 == .resolved }, "reopened after resolution: \(states.map(\.rawValue))")
    }
}
