import AnalyzerEvaluation
import Foundation
import ServiceLog
import Testing

/// The scorer reads incidents as `analyzer incidents --json` prints them and scores them as an
/// independent evaluator would.
@Suite struct ScorerTests {
    static let label = ScenarioLabel(
        name: "x", file: "x.ndjson", family: "iot", heldOut: true, services: ["api", "db", "worker"], rootCause: "worker",
        kind: "memory_leak",
        faultStart: "2026-11-24T10:10:00.000000Z", faultEnd: "2026-11-24T10:14:00.000000Z", traits: ["one-instance"])
    static let control = ScenarioLabel(
        name: "c", file: "c.ndjson", family: "iot", heldOut: true, services: ["api", "db", "worker"], rootCause: nil, kind: nil,
        faultStart: nil, faultEnd: nil, traits: [])

    static func incident(
        _ start: String, _ end: String, service: String?, kind: String = "memory_leak", confidence: Double, candidates: [String]
    ) -> String {
        let root = service.map { "\"\($0)\"" } ?? "null"
        let list = candidates.map { "{\"service\": \"\($0)\", \"score\": 1, \"kind\": \"\(kind)\", \"evidence\": []}" }.joined(
            separator: ", ")
        return """
            {"id": "inc-1", "start": "2026-11-24T10:\(start)Z", "end": "2026-11-24T10:\(end)Z",
             "root_cause": {"service": \(root), "kind": "\(kind)", "confidence": \(confidence)}, "candidates": [\(list)], "affected_services": []}
            """
    }

    static func outcome(_ label: ScenarioLabel, _ incidents: [String]) throws -> ScenarioOutcome {
        ScenarioOutcome(label: label, answers: try IncidentAnswer.decodeAll(Data("[\(incidents.joined(separator: ","))]".utf8)))
    }

    @Test func theFirstIncidentOverlappingTheFaultAnswers() throws {
        let outcome = try Self.outcome(
            Self.label,
            [
                Self.incident("02:00", "03:00", service: "api", kind: "errors", confidence: 0.9, candidates: ["api"]),
                Self.incident("11:00", "13:00", service: "worker", confidence: 0.85, candidates: ["worker", "db"]),
            ])
        #expect(outcome.hit && outcome.hitInThree && outcome.kindRight && outcome.rank == 1)
        #expect(outcome.incidents == 2 && outcome.overlapping == 1 && outcome.spurious == 1)
        #expect(outcome.confidentAnswers == 2 && outcome.confidentRight == 1)
        #expect(outcome.unknownCandidates.isEmpty)
        let card = Scorecard(name: "t", outcomes: [outcome])
        #expect(card.acAt1 == 1 && card.calibration == 0.5 && card.spuriousIncidents == 1)
    }

    @Test func aNullRootCauseIsNoAnswer() throws {
        let outcome = try Self.outcome(Self.label, [Self.incident("11:00", "13:00", service: nil, confidence: 0.3, candidates: ["worker"])])
        #expect(outcome.abstained && !outcome.hit && !outcome.kindRight && outcome.foundService == nil)
        // The candidates are still shown to the user.
        #expect(outcome.hitInThree)
        // A missing root cause reads the same way.
        let missing = try IncidentAnswer.decodeAll(Data(#"[{"start": "2026-11-24T10:11:00Z", "end": "2026-11-24T10:12:00Z"}]"#.utf8))
        #expect(missing.first?.service == nil && missing.first?.confidence == 0 && missing.first?.candidates == [])
    }

    @Test func aWrongServiceWithTheRightKindCountsForKindOnly() throws {
        let outcome = try Self.outcome(
            Self.label, [Self.incident("13:30", "14:30", service: "db", confidence: 0.6, candidates: ["db", "api", "worker"])])
        #expect(!outcome.hit && outcome.rank == 3 && outcome.hitInThree && outcome.kindRight)
        // Overlap allows a minute after the fault's end, not more.
        let late = try Self.outcome(
            Self.label, [Self.incident("15:30", "16:00", service: "worker", confidence: 0.9, candidates: ["worker"])])
        #expect(late.overlapping == 0 && !late.hit && late.spurious == 1)
    }

    @Test func controlsCountFalseAlarmsOnlyAboveHalfConfidence() throws {
        let quiet = try Self.outcome(Self.control, [Self.incident("11:00", "12:00", service: "api", confidence: 0.4, candidates: ["api"])])
        let alarm = try Self.outcome(Self.control, [Self.incident("11:00", "12:00", service: "api", confidence: 0.51, candidates: ["api"])])
        #expect(!quiet.falseAlarm && alarm.falseAlarm)
        let card = Scorecard(name: "c", outcomes: [quiet, alarm])
        #expect(card.falseAlarms == 1 && card.controlsWithIncidents == 2 && card.faulty == 0)
    }

    @Test func candidatesOutsideTheDataAreCounted() throws {
        let outcome = try Self.outcome(
            Self.label, [Self.incident("11:00", "12:00", service: "unknown", confidence: 0, candidates: ["unknown", "worker"])])
        #expect(outcome.unknownCandidates == ["unknown"])
        #expect(Scorecard(name: "u", outcomes: [outcome]).unknownCandidates == 1)
    }

    @Test func theReportSplitsTuningFromHeldOut() throws {
        var tuning = Self.label
        tuning.family = "shop"
        tuning.heldOut = false
        let answers = [Self.incident("11:00", "12:00", service: "worker", confidence: 0.9, candidates: ["worker"])]
        let report = EvaluationReport(outcomes: [
            try Self.outcome(Self.label, answers), try Self.outcome(tuning, []), try Self.outcome(Self.control, []),
        ])
        #expect(report.families.map(\.name) == ["iot", "shop"])
        #expect(report.sets.map(\.name) == ["tuning", "held-out", "all"])
        #expect(report.sets[0].acAt1 == 0 && report.sets[1].acAt1 == 1 && report.sets[2].acAt1 == 0.5)
        #expect(report.traits.map(\.name) == ["one-instance"])
    }

    @Test func aDumpIsScoredFromItsLabelsAndTheIncidentsFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let labels = LabelsFile(generator: "test", scenarios: [Self.label, Self.control])
        try JSONEncoder().encode(labels).write(to: URL(fileURLWithPath: directory + "/labels.json"))
        let scorer = DumpScorer(directory: directory)
        #expect(throws: DumpScorer.Failure.self) { try scorer.outcomes() }
        try Data("[\(Self.incident("11:00", "12:00", service: "worker", confidence: 0.9, candidates: ["worker"]))]".utf8)
            .write(to: URL(fileURLWithPath: scorer.answersPath(for: Self.label)))
        try Data("[]".utf8).write(to: URL(fileURLWithPath: scorer.answersPath(for: Self.control)))
        let outcomes = try scorer.outcomes()
        #expect(outcomes.map(\.hit) == [true, false] && outcomes[1].isControl)
    }
}
