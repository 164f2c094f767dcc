import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// A seed gives the same scenarios, byte for byte, on every run and machine.
@Suite struct DeterminismTests {
    static func digest(_ scenario: Scenario) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for event in scenario.events {
            for byte in event.jsonLine().utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return String(hash, radix: 16)
    }

    @Test func theSameSpecGivesTheSameBytes() throws {
        var spec = try #require(Fixtures.planned(.rideHailing, "memory_leak", perKind: 1))
        spec.fault?.startSecond = 100
        spec.durationSeconds = 200
        let first = ScenarioGenerator.generate(spec)
        let second = ScenarioGenerator.generate(spec)
        #expect(first.events.map { $0.jsonLine() } == second.events.map { $0.jsonLine() })
        var other = spec
        other.seed &+= 1
        #expect(ScenarioGenerator.generate(other).events != first.events)
    }

    @Test func plansAndSystemsAreFunctionsOfTheSeed() {
        for family in ScenarioFamily.all {
            #expect(
                FamilyPlanner.plan(family: family, seed: 4, scenariosPerKind: 2, controls: 2)
                    == FamilyPlanner.plan(family: family, seed: 4, scenariosPerKind: 2, controls: 2))
            #expect(family.topology(seed: 9) == family.topology(seed: 9))
        }
        // A family's scenarios do not depend on which other families run, nor on how many per kind.
        let alone = FamilyPlanner.plan(family: .iot, seed: 4, scenariosPerKind: 2, controls: 1)
        let inSuite = EvaluationSuite(seed: 4, scenariosPerKind: 2, controlsPerFamily: 1).specs().filter { $0.family == "iot" }
        #expect(alone == inSuite)
        let more = FamilyPlanner.plan(family: .iot, seed: 4, scenariosPerKind: 3, controls: 1)
        #expect(alone.allSatisfy { spec in more.contains(spec) })
    }

    @Test func outputIsPinnedAcrossRuns() {
        // Not just equal within one process: the bytes are a function of the seed alone (no Dictionary
        // order, no system randomness). If the generator changes on purpose, update the digest.
        let realism = Realism(
            symptoms: true,
            clientErrors: ClientErrors(
                unauthorizedRate: 0.01, notFoundRate: 0.01,
                bursts: [
                    ClientErrorBurst(cause: .rateLimited, startSecond: 10, durationSeconds: 20, requestsPerSecond: 10, passShare: 0.1)
                ]),
            surges: [Surge(source: 0, startSecond: 50, durationSeconds: 20, factor: 4)],
            herrings: [
                .rollingRestart(service: "gateway", instances: [0], startSecond: 30, gapSeconds: 30, downSeconds: 5),
                .noisyLogger(service: "orders", everySeconds: 5, variant: 1, inRequests: false),
                .cronJob(service: "fraud", job: "reindex", firstSecond: 20, periodSeconds: 60, runSeconds: 15, cpuPercent: 80),
                .cacheGrowth(service: "pricing", mbPerMinute: 5, capMB: 100), .deployLine(service: "ledger", atSecond: 25, variant: 2),
                .sampledLogging(service: "datastore", slowerThanMS: 10, sampleShare: 0.02), .duplicates(rate: 0.02, sameIDShare: 0.5),
            ])
        let scenario = ScenarioGenerator.generate(
            Fixtures.spec(
                .memoryLeak, in: "catalog", realism: realism, healthy: 40, faultSeconds: 40, intensity: 1, rate: 3,
                noise: NoiseOptions(
                    missingCorrelationRate: 0.02, clockSkew: .init(service: "orders", offsetMS: 300, instance: 1), dropRate: 0.01)))
        #expect(scenario.events.count == 8739)
        #expect(Self.digest(scenario) == "21e3c0101a42f87")
    }
}
