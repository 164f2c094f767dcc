import AnalyzerCore
import AnalyzerEvaluation
import Foundation
import ServiceLog
import Testing

/// The scenario families: a stable held-out set, valid systems, every kind and controls, and events
/// the analyzer's parser reads back exactly.
@Suite struct FamilyTests {
    @Test func theHeldOutSetIsFixed() {
        // Changing this list invalidates every held-out figure reported before: do it on purpose only.
        #expect(ScenarioFamily.heldOut.map(\.name) == ["ride-hailing", "iot", "social", "healthcare"])
        #expect(ScenarioFamily.tuning.map(\.name) == ["shop", "banking", "streaming", "logistics"])
        #expect(Set(ScenarioFamily.all.map(\.name)).count == ScenarioFamily.all.count)
        #expect(ScenarioFamily.named("iot")?.isHeldOut == true && ScenarioFamily.named("nope") == nil)
    }

    @Test(arguments: ScenarioFamily.all.map(\.name))
    func everyFamilyPlansEveryKindAwayFromTheEntryAndControls(family name: String) throws {
        let family = try #require(ScenarioFamily.named(name))
        let specs = FamilyPlanner.plan(family: family, seed: 3, scenariosPerKind: 2, controls: 2)
        let faults = specs.compactMap(\.fault)
        #expect(Set(faults.map(\.kind)) == Set(ScenarioGenerator.faultKinds))
        #expect(faults.count == 2 * ScenarioGenerator.faultKinds.count)
        #expect(specs.filter { $0.fault == nil }.count == 2)
        for spec in specs {
            #expect(spec.family == name)
            guard let fault = spec.fault else { continue }
            #expect(fault.service != spec.topology.entry)
            #expect(spec.topology.service(fault.service) != nil)
            if fault.kind == .resourceExhaustion { #expect(spec.topology.service(fault.service)?.poolSize != nil) }
            #expect(fault.startSecond > 300 && fault.startSecond + fault.durationSeconds <= spec.durationSeconds)
        }
    }

    @Test(arguments: ScenarioFamily.all.map(\.name))
    func everyDrawnSystemIsWellFormed(family name: String) throws {
        let family = try #require(ScenarioFamily.named(name))
        for seed in UInt64(1)...6 {
            let topology = family.topology(seed: seed)
            let names = topology.services.map(\.name)
            #expect(Set(names).count == names.count, "unique names")
            #expect(topology.services.count >= 8 && topology.services.count <= 16, "\(name): \(topology.services.count) services")
            for service in topology.services {
                if family.name != "shop" {
                    #expect(Set(service.endpoints.map(\.path)).count == service.endpoints.count, "\(service.name): paths repeat")
                }
                for call in service.endpoints.flatMap(\.calls) {
                    #expect(
                        topology.service(call.target)?.endpoint(call.endpoint) != nil, "\(service.name) -> \(call.target) \(call.endpoint)")
                }
            }
            // Everything is reachable from the entry or a source.
            var reached = Set([topology.entry] + topology.sources.map(\.service))
            var frontier = Array(reached)
            while let next = frontier.popLast() {
                for callee in topology.callees(of: next) where reached.insert(callee).inserted { frontier.append(callee) }
            }
            #expect(reached == Set(names), "\(name) seed \(seed): unreachable \(Set(names).subtracting(reached))")
            // ...and sees requests: no call hangs off an endpoint nobody calls.
            let shares = topology.trafficShares()
            #expect(
                names.allSatisfy { (shares[$0] ?? 0) > 0 }, "\(name) seed \(seed): no traffic to \(names.filter { (shares[$0] ?? 0) == 0 })"
            )
            #expect(topology.services.contains { $0.instances > 1 })
        }
        if family.name != "shop" { #expect(family.topology(seed: 1) != family.topology(seed: 2)) }
    }

    @Test(arguments: ScenarioFamily.all.map(\.name))
    func everyFamilyWritesEventsTheParserReadsBack(family name: String) throws {
        let family = try #require(ScenarioFamily.named(name))
        var spec = try #require(FamilyPlanner.plan(family: family, seed: 2, scenariosPerKind: 1, controls: 0).first)
        // A minute and a half exercises every writer (the parser costs ~0.1 ms a line in debug
        // builds); the fault and the bursts keep their relative positions.
        let scale = 90 / spec.durationSeconds
        spec.durationSeconds = 90
        spec.fault?.startSecond *= scale
        spec.fault?.durationSeconds *= scale
        spec.realism.clientErrors.bursts = spec.realism.clientErrors.bursts.map { burst in
            var burst = burst
            burst.startSecond *= scale
            return burst
        }
        let scenario = ScenarioGenerator.generate(spec)
        #expect(scenario.events.count > 500)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("family-\(name)-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ScenarioGenerator.writeNDJSON(scenario, to: path)
        // The same parser `analyzer ingest` and `analyzer validate` use, line by line.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let parsed = try text.split(separator: "\n").map { try Event(jsonLine: String($0)) }
        #expect(parsed == scenario.events)
        #expect(scenario.events.allSatisfy { $0.eventID != nil && $0.instance != nil && $0.host != nil })
        #expect(Set(scenario.events.map(\.service)).count == spec.topology.services.count)
    }

    @Test func theFamiliesSpeakSeveralStacks() {
        let sources = Set(
            ScenarioFamily.all.flatMap { family in
                (1...3).flatMap { family.topology(seed: UInt64($0)).services.compactMap(\.ecosystem) }
            })
        #expect(sources == Set(Ecosystem.allCases))
    }
}
