import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// The accuracy floor CI keeps on systems other than the shop: one scenario per fault kind in each
/// tuning family, with every real-system pattern on (client errors, subtle faults, slow links,
/// symptoms, red herrings), on seed 11, which no tuning looked at. The held-out families are not
/// used here so that a failing floor is never fixed by tuning on them; `analyzer eval --held-out`
/// reports them.
@Suite struct FamilyAccuracyFloorTests {
    @Test func theEngineKeepsItsFloorOnUnseenSeedsOfOtherDomains() async throws {
        let suite = EvaluationSuite(families: ScenarioFamily.tuning, seed: 11, scenariosPerKind: 1, controlsPerFamily: 1)
        var outcomes: [ScenarioOutcome] = []
        for spec in suite.specs() {
            outcomes.append(try await InProcessIncidents().outcome(for: ScenarioGenerator.generate(spec)))
        }
        let card = Scorecard(name: "floor", outcomes: outcomes)
        let misses = outcomes.filter { !$0.isControl && !$0.hit }.map { "\($0.scenario) -> \($0.foundService ?? "none")" }
        #expect(card.faulty == 24 && card.controls == 4)
        #expect(card.acAt1 >= 0.85, "AC@1 \(card.acAt1); misses: \(misses)")
        #expect(card.kindAccuracy >= 0.8, "kind \(card.kindAccuracy)")
        #expect(card.falseAlarms == 0, "false alarms: \(outcomes.filter(\.falseAlarm).map(\.scenario))")
        #expect(card.unknownCandidates == 0)
    }
}
