import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// Faults with their real symptoms (the `symptoms` pattern), kind by kind.
@Suite struct SymptomTests {
    @Test func aLeakGrowsMemoryPausesFailsIsKilledAndRestarts() throws {
        // catalog (Spring, two replicas, calls pricing and recommendations) leaks hard for four minutes.
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.memoryLeak, in: "catalog", faultSeconds: 240, intensity: 1))
        let before = 0.0..<150.0
        let fault = 150.0..<390.0
        let baseline = Fixtures.median(Fixtures.samples(scenario, "catalog", in: before).map(\.sample.memoryMB))
        let peak = Fixtures.samples(scenario, "catalog", in: fault).map(\.sample.memoryMB).max() ?? 0
        #expect(peak > 2 * baseline, "peak \(peak) vs baseline \(baseline)")

        // Collector pauses: its own spans spike, and so do its calls as it sees them (pricing's own spans do not).
        let catalogBefore = Fixtures.ends(scenario, "catalog", in: before).map(\.durationMS)
        let catalogDuring = Fixtures.ends(scenario, "catalog", in: fault).map(\.durationMS)
        #expect(catalogDuring.filter { $0 > 500 }.count > 20 * max(1, catalogBefore.filter { $0 > 500 }.count))
        let slowCalls = Fixtures.calls(scenario, to: "pricing", in: fault).filter { $0.durationMS > 200 }.count
        let slowPricing = Fixtures.ends(scenario, "pricing", in: fault).filter { $0.durationMS > 200 }.count
        #expect(slowCalls > 10 * max(1, slowPricing))

        let errors = Fixtures.events(scenario, "catalog", .error, in: fault)
        #expect(errors.contains { $0.message == "Java heap space" })
        let fatal = try #require(errors.first { $0.level == .critical })
        #expect(fatal.message?.hasPrefix("Terminating due to java.lang.OutOfMemoryError") == true)
        // The killed instance is silent for a while, then logs its start with fresh memory.
        let killedAt = Fixtures.second(fatal, in: scenario)
        let sameInstance = scenario.events.filter { $0.instance == fatal.instance && $0.service == "catalog" }
        let next = try #require(sameInstance.first { Fixtures.second($0, in: scenario) > killedAt + 0.01 })
        #expect(Fixtures.second(next, in: scenario) - killedAt > 15)
        #expect(next.message?.hasPrefix("Started CatalogApplication in") == true)
        #expect(
            !Fixtures.calls(scenario, to: "catalog", in: killedAt..<(killedAt + 15)).filter { $0.error == "connection_refused" }.isEmpty)
        let restarted = Fixtures.second(next, in: scenario)
        let firstSample = try #require(
            Fixtures.samples(scenario, "catalog", in: restarted..<(restarted + 30)).first { $0.instance == fatal.instance })
        #expect(firstSample.sample.memoryMB < 1.2 * baseline)
    }

    @Test func aLeakedPoolFillsItsGaugesBeforeRequestsTimeOut() throws {
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.resourceExhaustion, in: "inventory", intensity: 0.8))
        // Gauges are sampled every 10 s: one of them sees the pool three-quarters taken before any
        // request fails, and later ones see it full.
        let samples = Fixtures.events(scenario, "inventory", .resource)
        func pool(_ event: Event) -> Double {
            guard case .resource(let sample) = event.payload, let used = sample.gauges["pool_in_use"], let size = sample.gauges["pool_size"]
            else { return 0 }
            return used / size
        }
        let errors = Fixtures.events(scenario, "inventory", .error)
        let firstError = try #require(errors.first)
        let filling = try #require(samples.first { pool($0) >= 0.75 })
        #expect(filling.timestamp < firstError.timestamp)
        #expect(samples.contains { pool($0) == 1 })
        #expect(errors.allSatisfy { $0.message?.hasPrefix("acquire conn: failed to acquire connection from pool (max 16)") == true })
        #expect(Fixtures.ends(scenario, "inventory").filter { $0.statusCode == 503 }.count > 50)
        // Only the pool: memory stays where it was.
        let memory = Fixtures.samples(scenario, "inventory").map(\.sample.memoryMB)
        #expect((memory.max() ?? 0) < 1.15 * Fixtures.median(memory))
    }

    @Test func cpuSaturationPinsTheCoresWithNormalMemory() {
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.cpuSaturation, in: "fraud", intensity: 0.6))
        let settled = Fixtures.samples(scenario, "fraud", in: 180..<300)
        #expect(!settled.isEmpty && settled.allSatisfy { $0.sample.cpuPercent >= 190 })
        let memory = Fixtures.samples(scenario, "fraud").map(\.sample.memoryMB)
        #expect((memory.max() ?? 0) < 1.15 * Fixtures.median(memory))
    }

    @Test func aCrashedServiceIsSilentAndRefusesConnections() {
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.unavailable, in: "fraud", seed: 8))
        let middle = 170.0..<290.0
        #expect(Fixtures.samples(scenario, "fraud", in: middle).isEmpty)
        // A crash loop's short lives may serve a few requests.
        #expect(Fixtures.ends(scenario, "fraud", in: middle).count * 10 < Fixtures.ends(scenario, "fraud", in: 20..<140).count)
        let calls = Fixtures.calls(scenario, to: "fraud", in: middle)
        #expect(calls.count > 50 && Double(calls.filter { $0.error == "connection_refused" }.count) > 0.9 * Double(calls.count))
        #expect(Fixtures.events(scenario, "fraud", .log, in: 300..<400).contains { $0.message?.contains("Uvicorn running") == true })
    }

    @Test func aBugThrowsInTheServiceWithItsStacksOwnExceptions() {
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.errors, in: "payments", intensity: 0.8))
        let errors = Fixtures.events(scenario, "payments", .error)
        #expect(errors.count > 20)
        let types = Set(
            errors.compactMap { event -> String? in
                guard case .error(let details) = event.payload else { return nil }
                return details.errorType
            })
        #expect(types.allSatisfy { $0.hasPrefix("java.") || $0.hasPrefix("org.") })
        #expect(errors.allSatisfy { Fixtures.second($0, in: scenario) >= 148 })
        #expect(Fixtures.ends(scenario, "payments").contains { $0.statusCode == 500 })
    }

    @Test func aFaultOnOneInstanceLeavesTheOthersServing() {
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.errors, in: "inventory", intensity: 1, instance: 1))
        let failing = Set(Fixtures.events(scenario, "inventory", .error).compactMap(\.instance))
        let serving = Set(Fixtures.events(scenario, "inventory", .requestEnd, in: 150..<300).compactMap(\.instance))
        #expect(failing.count == 1)
        #expect(serving.count == 2)
    }

    @Test func aSlowLinkDelaysMessagesNotTheService() {
        // inventory's network is slow: its callers' calls to it and its own calls to the datastore
        // take longer, while the datastore's spans are as before.
        let scenario = ScenarioGenerator.generate(Fixtures.spec(.latency, in: "inventory", intensity: 0.5, mechanism: .network))
        let before = 0.0..<150.0
        let fault = 160.0..<300.0
        // The datastore behind the slow link serves as fast as ever.
        func datastoreSpans(_ window: Range<Double>) -> Double {
            Fixtures.median(Fixtures.ends(scenario, "datastore", in: window).map(\.durationMS))
        }
        #expect(abs(datastoreSpans(fault) - datastoreSpans(before)) < 0.5 * datastoreSpans(before))
        let callsBefore = Fixtures.median(Fixtures.calls(scenario, to: "inventory", in: before).map(\.durationMS))
        let callsDuring = Fixtures.calls(scenario, to: "inventory", in: fault)
        #expect(Fixtures.median(callsDuring.map(\.durationMS)) > callsBefore + 500)
        #expect(Fixtures.median(Fixtures.calls(scenario, to: "datastore", in: fault).map(\.durationMS)) > 400)
        #expect(!Fixtures.events(scenario, "inventory", .error).contains { Fixtures.second($0, in: scenario) < 150 })
    }
}
