import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// Each pattern switch really changes the data, and turning it off removes what it adds.
@Suite struct PatternSwitchTests {
    static let faultyPlans = ScenarioFamily.all.flatMap { FamilyPlanner.plan(family: $0, seed: 1, scenariosPerKind: 3, controls: 0) }

    static func statuses(_ scenario: Scenario, _ status: Int) -> Int {
        Fixtures.ends(scenario, scenario.spec.topology.entry).filter { $0.statusCode == status }.count
    }

    @Test func clientErrorsAddRateLimitingAndBotsOnlyWhenOn() throws {
        // The first control (shop) whose plan has a rate-limited client.
        let planned = try #require(
            (1...6).lazy.compactMap { index in
                Fixtures.planned(.shop, "control-\(index)", perKind: 6)
            }.first { $0.realism.clientErrors.bursts.contains { $0.cause == .rateLimited } })
        var off = try #require(
            Fixtures.planned(.shop, planned.name, patterns: EvaluationPattern.all.subtracting([.clientErrors]), perKind: 6))
        #expect(off.realism.clientErrors == ClientErrors())
        // Up to the end of the first rate-limited burst is enough.
        let burst = try #require(planned.realism.clientErrors.bursts.first { $0.cause == .rateLimited })
        var on = planned
        on.durationSeconds = min(on.durationSeconds, burst.startSecond + burst.durationSeconds + 20)
        off.durationSeconds = on.durationSeconds
        let withErrors = ScenarioGenerator.generate(on)
        let without = ScenarioGenerator.generate(off)
        #expect(Self.statuses(withErrors, 429) > 100)
        #expect(Self.statuses(withErrors, 401) > 0)
        #expect(Self.statuses(without, 429) == 0 && Self.statuses(without, 401) == 0)
        // The bots say who they are.
        #expect(withErrors.events.contains { $0.attributes["user_agent"] != nil && $0.attributes["client_ip"] != nil })
    }

    @Test func turningClientErrorsOffLeavesEveryOtherRequestAsItWas() {
        // Each request draws from streams of its own: the bots and the entry's rejections change
        // nothing else (a controlled ablation).
        let bursts = [
            ClientErrorBurst(cause: .rateLimited, startSecond: 30, durationSeconds: 60, requestsPerSecond: 20, passShare: 0.1),
            ClientErrorBurst(cause: .scanning, startSecond: 100, durationSeconds: 40, requestsPerSecond: 10),
        ]
        let on = ScenarioGenerator.generate(
            Fixtures.spec(
                nil,
                realism: Realism(symptoms: true, clientErrors: ClientErrors(unauthorizedRate: 0.01, notFoundRate: 0.01, bursts: bursts)),
                healthy: 180))
        let off = ScenarioGenerator.generate(Fixtures.spec(nil, realism: Realism(symptoms: true), healthy: 180))
        func requests(_ scenario: Scenario) -> [String: [String]] {
            var byID: [String: [String]] = [:]
            for var event in scenario.events where event.eventType != .resource {
                guard let id = event.correlationID else { continue }
                event.eventID = nil
                byID[id, default: []].append(event.jsonLine())
            }
            return byID
        }
        let before = requests(off)
        let after = requests(on)
        let changed = before.filter { after[$0.key] != $0.value }.count
        let rejected = Self.statuses(on, 401) + Self.statuses(on, 404)
        #expect(before.count > 500)
        #expect(changed <= rejected, "\(changed) requests changed, \(rejected) answered 401/404 by the entry")
        #expect(after.count > before.count + 1000, "the bots' requests come on top")
    }

    @Test func subtleFaultsAppearOnlyWhenOn() {
        let subtle: Set<FaultTrait> = [.lowIntensity, .oneInstance, .behindFallback, .lowTrafficPath]
        let on = Self.faultyPlans.compactMap(\.fault)
        let off = ScenarioFamily.all.flatMap {
            FamilyPlanner.plan(
                family: $0, seed: 1, scenariosPerKind: 3, controls: 0, patterns: EvaluationPattern.all.subtracting([.subtleFaults]))
        }.compactMap(\.fault)
        let traits = Set(on.flatMap(\.traits)).intersection(subtle)
        #expect(traits == subtle, "every kind of subtlety occurs: \(traits)")
        let share = Double(on.filter { !Set($0.traits).isDisjoint(with: subtle) }.count) / Double(on.count)
        #expect(share > 0.2 && share < 0.5)
        #expect(on.filter { $0.traits.contains(.lowIntensity) }.allSatisfy { $0.scale < 0.4 })
        #expect(on.filter { $0.traits.contains(.oneInstance) }.allSatisfy { $0.instance != nil })
        #expect(off.allSatisfy { Set($0.traits).isDisjoint(with: subtle) && $0.scale == 1 && $0.instance == nil })
    }

    @Test func slowLinksAppearOnlyWhenOn() {
        let latency = Self.faultyPlans.compactMap(\.fault).filter { $0.kind == .latency }
        #expect(latency.contains { $0.mechanism == .network && $0.traits.contains(.slowLink) })
        #expect(latency.contains { $0.mechanism == .process })
        let off = ScenarioFamily.all.flatMap {
            FamilyPlanner.plan(
                family: $0, seed: 1, scenariosPerKind: 3, controls: 0, patterns: EvaluationPattern.all.subtracting([.slowLinks]))
        }
        #expect(off.compactMap(\.fault).allSatisfy { $0.mechanism == .process })
    }

    @Test func symptomsTurnALeakIntoKillsAndRestartsOnlyWhenOn() {
        var spec = Fixtures.spec(.memoryLeak, in: "catalog", faultSeconds: 240, intensity: 1)
        let real = ScenarioGenerator.generate(spec)
        spec.realism.symptoms = false
        let classic = ScenarioGenerator.generate(spec)
        #expect(real.events.contains { $0.service == "catalog" && $0.level == .critical })
        #expect(!Fixtures.calls(real, to: "catalog").filter { $0.error == "connection_refused" }.isEmpty)
        #expect(!classic.events.contains { $0.level == .critical })
        #expect(Fixtures.calls(classic, to: "catalog").allSatisfy { $0.error != "connection_refused" })
    }

    @Test func redHerringsAddHarmlessTroubleOnlyWhenOn() throws {
        // The first planned control (any family) with duplicated lines and a rolling restart.
        let controls = ScenarioFamily.all.flatMap { FamilyPlanner.plan(family: $0, seed: 1, scenariosPerKind: 0, controls: 6) }
        let on = try #require(
            controls.first { spec in
                spec.realism.herrings.contains { if case .duplicates = $0 { true } else { false } }
                    && spec.realism.herrings.contains { if case .rollingRestart = $0 { true } else { false } }
            })
        let family = try #require(ScenarioFamily.named(on.family))
        let offPlans = FamilyPlanner.plan(
            family: family, seed: 1, scenariosPerKind: 0, controls: 6, patterns: EvaluationPattern.all.subtracting([.redHerrings]))
        let off = try #require(offPlans.first { $0.name == on.name })
        #expect(
            off.realism.herrings.isEmpty && off.realism.surges.isEmpty && off.noise.clockSkew == nil
                && off.noise.missingCorrelationRate == 0)
        let withHerrings = ScenarioGenerator.generate(on)
        let without = ScenarioGenerator.generate(off)
        func duplicatedIDs(_ scenario: Scenario) -> Int {
            var seen = Set<String>()
            return scenario.events.filter { !seen.insert($0.eventID ?? "").inserted }.count
        }
        #expect(duplicatedIDs(withHerrings) > 0)
        #expect(duplicatedIDs(without) == 0)
        #expect(withHerrings.events.contains { $0.level == .notice })
        #expect(!without.events.contains { $0.level == .notice })
    }
}
