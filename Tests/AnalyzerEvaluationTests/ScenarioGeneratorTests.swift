import AnalyzerCore
import AnalyzerEvaluation
import Foundation
import ServiceLog
import Testing
import W3CTraceContext

@Suite struct ScenarioGeneratorTests {
    // MARK: Helpers

    /// A short faulty scenario: 150 s healthy, `faultSeconds` of the fault, 60 s of recovery.
    static func spec(
        _ kind: FaultKind, in service: String, intensity: Double = 0.5, faultSeconds: Double = 120, rate: Double = 6,
        noise: NoiseOptions = .none, seed: UInt64 = 11
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "\(kind.rawValue)-\(service)", seed: seed, durationSeconds: 150 + faultSeconds + 60, requestsPerSecond: rate,
            fault: FaultSpec(service: service, kind: kind, startSecond: 150, durationSeconds: faultSeconds, intensity: intensity),
            noise: noise)
    }

    static let allNoise = NoiseOptions(
        backgroundErrorRate: 0.01, missingCorrelationRate: 0.05, clockSkew: .init(service: "inventory", offsetMS: -250), dropRate: 0.03,
        transientFailureRate: 0.02)

    /// Server-span durations (ms) of `service` that started inside / before `window`.
    static func durations(_ scenario: Scenario, _ service: String, in window: Range<Timestamp>) -> [Double] {
        scenario.events.compactMap { event in
            guard event.service == service, case .requestEnd(let end) = event.payload else { return nil }
            let started = Timestamp(microsecondsSinceEpoch: event.timestamp.microsecondsSinceEpoch - Int64(end.durationMS * 1000))
            return window.contains(started) ? end.durationMS : nil
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func resources(_ scenario: Scenario, _ service: String, in window: Range<Timestamp>) -> [ResourceSample] {
        scenario.events.compactMap { event in
            guard event.service == service, window.contains(event.timestamp), case .resource(let sample) = event.payload else { return nil }
            return sample
        }
    }

    static func windows(_ scenario: Scenario) -> (before: Range<Timestamp>, during: Range<Timestamp>, after: Range<Timestamp>) {
        let label = scenario.label!
        let start = scenario.spec.start
        let end = Timestamp(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(scenario.spec.durationSeconds * 1e6) + 60_000_000)
        return (start..<label.faultStart, label.faultStart..<label.faultEnd, label.faultEnd..<end)
    }

    /// Every way the generated events break the span model; empty for a scenario without noise.
    static func spanModelViolations(_ scenario: Scenario, entry: String = "gateway") -> [String] {
        var servers: [SpanID: (service: String, trace: TraceID?)] = [:]
        var clients: [SpanID: (service: String, target: String, trace: TraceID?)] = [:]
        var starts: [SpanID: Int] = [:]
        var ends: [SpanID: Int] = [:]
        var violations: [String] = []
        for event in scenario.events {
            guard let span = event.spanID else { continue }
            switch event.payload {
            case .requestStart:
                servers[span] = (event.service, event.traceID)
                starts[span, default: 0] += 1
            case .requestEnd:
                servers[span] = (event.service, event.traceID)
                ends[span, default: 0] += 1
            case .serviceCall(let call):
                if clients[span] != nil { violations.append("client span \(span) reused") }
                clients[span] = (event.service, call.targetService, event.traceID)
            default:
                break
            }
        }
        for event in scenario.events {
            switch event.payload {
            case .serviceCall:
                guard let parent = event.parentSpanID, let server = servers[parent], server.service == event.service,
                    server.trace == event.traceID
                else {
                    violations.append("service_call \(event.eventID ?? "?") of \(event.service) has no server parent")
                    continue
                }
            case .requestStart:
                guard let parent = event.parentSpanID else {
                    if event.service != entry { violations.append("\(event.service) request_start without parent") }
                    continue
                }
                guard let client = clients[parent], client.target == event.service, client.trace == event.traceID else {
                    violations.append("request_start \(event.eventID ?? "?") of \(event.service) has no client parent")
                    continue
                }
            case .log, .error:
                if let span = event.spanID, servers[span]?.service != event.service {
                    violations.append("\(event.eventType.rawValue) \(event.eventID ?? "?") outside a server span of its service")
                }
            case .requestEnd, .resource:
                break
            }
        }
        for (span, count) in starts where ends[span] != count { violations.append("server span \(span) has \(count) starts, \(ends[span] ?? 0) ends") }
        for (span, count) in ends where starts[span] == nil { violations.append("server span \(span) has \(count) ends, no start") }
        return violations
    }

    // MARK: Determinism

    @Test func sameSeedGivesIdenticalEvents() {
        let spec = Self.spec(.errors, in: "orders", noise: Self.allNoise)
        let first = ScenarioGenerator.generate(spec)
        let second = ScenarioGenerator.generate(spec)
        #expect(first == second)
        #expect(first.events.count > 1000)
        var other = spec
        other.seed = 12
        #expect(ScenarioGenerator.generate(other).events != first.events)
        #expect(ScenarioGenerator.plan(seed: 5, scenariosPerKind: 2, includeControls: true)
            == ScenarioGenerator.plan(seed: 5, scenariosPerKind: 2, includeControls: true))
    }

    @Test func outputIsPinnedAcrossRuns() {
        // Not just equal within one process: the bytes are a function of the seed alone (no Dictionary
        // order, no system randomness). If the generator changes on purpose, update the digest.
        let scenario = ScenarioGenerator.generate(ScenarioSpec(
            name: "pinned", seed: 2026, durationSeconds: 40, requestsPerSecond: 3,
            fault: FaultSpec(service: "fraud", kind: .latency, startSecond: 20, durationSeconds: 15, intensity: 1),
            noise: NoiseOptions(backgroundErrorRate: 0.05, missingCorrelationRate: 0.05, dropRate: 0.05, transientFailureRate: 0.05)))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for event in scenario.events {
            for byte in event.jsonLine().utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        #expect(scenario.events.count == 1712)
        #expect(String(hash, radix: 16) == "ccadb2993b2f5e")
        
    }

    // MARK: Format

    @Test func everyEventSurvivesTheTextRoundTrip() throws {
        let scenario = ScenarioGenerator.generate(Self.spec(.resourceExhaustion, in: "ledger", noise: Self.allNoise))
        var ids = Set<String>()
        for event in scenario.events {
            let line = event.jsonLine()
            let parsed = try Event(jsonLine: line)
            #expect(parsed == event, "\(line)")
            #expect(event.eventID.map { ids.insert($0).inserted } == true)
        }
        #expect(scenario.events == scenario.events.sorted { $0.timestamp < $1.timestamp })
    }

    @Test func writesNDJSONThatReadsBack() throws {
        let scenario = ScenarioGenerator.generate(ScenarioSpec(name: "tiny", seed: 3, durationSeconds: 20, requestsPerSecond: 5))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UInt64.random(in: 0...UInt64.max)).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ScenarioGenerator.writeNDJSON(scenario, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        #expect(try lines.dropLast().map { try Event(jsonLine: String($0)) } == scenario.events)
        #expect(throws: ScenarioWriteError.self) { try ScenarioGenerator.writeNDJSON(scenario, to: "/nonexistent-dir/x.ndjson") }
    }

    // MARK: Span model

    @Test(arguments: ScenarioGenerator.faultKinds)
    func spanModelHoldsWithoutNoise(kind: FaultKind) {
        let service = kind == .resourceExhaustion ? "inventory" : "payments"
        let scenario = ScenarioGenerator.generate(Self.spec(kind, in: service, faultSeconds: 90, rate: 5))
        let violations = Self.spanModelViolations(scenario)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(Set(scenario.events.map(\.service)).count == 11)
        // Every request-scoped event carries the full trace context.
        for event in scenario.events where event.eventType != .resource && !(event.eventType == .log && event.spanID == nil) {
            #expect(event.correlationID != nil && event.traceID != nil && event.spanID != nil && event.traceFlags == 1)
        }
    }

    @Test func spanModelBreaksOnlyAsMuchAsTheNoise() {
        let scenario = ScenarioGenerator.generate(Self.spec(.latency, in: "fraud", noise: Self.allNoise))
        let violations = Self.spanModelViolations(scenario)
        // Drops (3 %) orphan some children and unpair some server spans; nothing else may break.
        #expect(!violations.isEmpty)
        #expect(Double(violations.count) < Double(scenario.events.count) * 0.08)
        let scoped = scenario.events.filter { $0.eventType == .requestStart || $0.eventType == .serviceCall }
        let missing = scoped.filter { $0.correlationID == nil }
        #expect(!missing.isEmpty && Double(missing.count) < Double(scoped.count) * 0.1)
        #expect(missing.allSatisfy { $0.traceID != nil })
    }

    @Test func droppedEventsAreASubsetOfTheCleanRun() {
        let clean = ScenarioGenerator.generate(Self.spec(.errors, in: "ledger"))
        let lossy = ScenarioGenerator.generate(Self.spec(.errors, in: "ledger", noise: NoiseOptions(dropRate: 0.03)))
        let cleanIDs = Set(clean.events.compactMap(\.eventID))
        #expect(lossy.events.allSatisfy { cleanIDs.contains($0.eventID!) })
        let kept = Double(lossy.events.count) / Double(clean.events.count)
        #expect(kept > 0.95 && kept < 0.99)
    }

    @Test func clockSkewShiftsOneServicesTimestamps() {
        let scenario = ScenarioGenerator.generate(Self.spec(
            .latency, in: "fraud", noise: NoiseOptions(clockSkew: .init(service: "ledger", offsetMS: 200))))
        var callStarts: [SpanID: Int64] = [:]
        for event in scenario.events {
            if case .serviceCall(let call) = event.payload, call.targetService == "ledger" {
                callStarts[event.spanID!] = event.timestamp.microsecondsSinceEpoch - Int64(call.durationMS * 1000)
            }
        }
        let gaps = scenario.events.compactMap { event -> Int64? in
            guard event.service == "ledger", event.eventType == .requestStart, let start = callStarts[event.parentSpanID!] else { return nil }
            return event.timestamp.microsecondsSinceEpoch - start
        }
        #expect(gaps.count > 100)
        #expect(gaps.allSatisfy { $0 > 200_000 && $0 < 210_000 })
    }

    // MARK: Fault signals

    @Test func memoryLeakGrowsMemoryAndSlowsTheService() {
        let scenario = ScenarioGenerator.generate(Self.spec(.memoryLeak, in: "ledger", intensity: 0.5, faultSeconds: 180))
        let (before, during, after) = Self.windows(scenario)
        let baseline = Self.resources(scenario, "ledger", in: before).map(\.memoryMB)
        let leaking = Self.resources(scenario, "ledger", in: during).map(\.memoryMB)
        #expect(leaking.count >= 17)
        #expect(zip(leaking, leaking.dropFirst()).allSatisfy { $0 < $1 })
        #expect(leaking.last! > 3 * Self.median(baseline))
        #expect(Self.resources(scenario, "ledger", in: after).allSatisfy { $0.memoryMB < 1.2 * Self.median(baseline) })
        let lateFault = Timestamp(microsecondsSinceEpoch: during.upperBound.microsecondsSinceEpoch - 40_000_000)..<during.upperBound
        #expect(Self.median(Self.durations(scenario, "ledger", in: lateFault)) > 4 * Self.median(Self.durations(scenario, "ledger", in: before)))
        let oom = scenario.events.filter { $0.service == "ledger" && $0.eventType == .error }
        #expect(!oom.isEmpty && oom.allSatisfy { $0.message!.contains("failed to allocate") && during.contains($0.timestamp) })
    }

    @Test func cpuSaturationPinsCPUAndMultipliesSelfTime() {
        let scenario = ScenarioGenerator.generate(Self.spec(.cpuSaturation, in: "fraud", intensity: 0.5))
        let (before, during, _) = Self.windows(scenario)
        let settled = Timestamp(microsecondsSinceEpoch: during.lowerBound.microsecondsSinceEpoch + 20_000_000)..<during.upperBound
        #expect(Self.resources(scenario, "fraud", in: before).allSatisfy { $0.cpuPercent < 60 })
        let saturated = Self.resources(scenario, "fraud", in: settled)
        #expect(saturated.count >= 9 && saturated.allSatisfy { $0.cpuPercent >= 185 && $0.cpuPercent <= 200 })
        let ratio = Self.median(Self.durations(scenario, "fraud", in: settled)) / Self.median(Self.durations(scenario, "fraud", in: before))
        #expect(ratio > 4 && ratio < 9)
    }

    @Test func latencyFaultSlowsWithoutOwnErrorsAndCallersTimeOut() {
        let scenario = ScenarioGenerator.generate(Self.spec(.latency, in: "recommendations", intensity: 1))
        let (before, during, _) = Self.windows(scenario)
        let ratio = Self.median(Self.durations(scenario, "recommendations", in: during))
            / Self.median(Self.durations(scenario, "recommendations", in: before))
        #expect(ratio > 25)
        let own = scenario.events.filter { $0.service == "recommendations" }
        #expect(!own.contains { $0.eventType == .error })
        #expect(!own.contains { if case .requestEnd(let end) = $0.payload { return end.statusCode >= 500 } else { return false } })
        let baselineMemory = Self.median(Self.resources(scenario, "recommendations", in: before).map(\.memoryMB))
        #expect(Self.resources(scenario, "recommendations", in: during).allSatisfy { abs($0.memoryMB - baselineMemory) < 0.1 * baselineMemory })
        // catalog gives up at its 1 s timeout and retries once (attempts 1 and 2).
        let timeouts = scenario.events.compactMap { event -> ServiceCall? in
            guard case .serviceCall(let call) = event.payload, call.targetService == "recommendations", call.error == "timeout" else { return nil }
            return call
        }
        #expect(timeouts.count > 50)
        #expect(timeouts.allSatisfy { $0.statusCode == 0 && !$0.success && $0.durationMS == 1000 })
        #expect(Set(timeouts.compactMap(\.attempt)) == [1, 2])
        #expect(scenario.events.contains { $0.service == "catalog" && $0.message?.hasPrefix("recommendations unavailable (timeout after 1000 ms)") == true })
    }

    @Test func errorsFaultFailsAShareOfRequests() {
        let scenario = ScenarioGenerator.generate(Self.spec(.errors, in: "inventory", intensity: 0.5))
        let (before, during, _) = Self.windows(scenario)
        func failureShare(_ window: Range<Timestamp>) -> Double {
            let statuses = scenario.events.compactMap { event -> Int? in
                guard event.service == "inventory", window.contains(event.timestamp), case .requestEnd(let end) = event.payload else { return nil }
                return end.statusCode
            }
            return Double(statuses.filter { $0 == 500 }.count) / Double(statuses.count)
        }
        #expect(failureShare(before) == 0)
        #expect(failureShare(during) > 0.3 && failureShare(during) < 0.5)
        let errors = scenario.events.filter { $0.service == "inventory" && $0.eventType == .error }
        #expect(errors.count > 100 && errors.allSatisfy { during.contains($0.timestamp) })
        let templates = TemplateMiner.errorTemplates(
            before: scenario.events.filter { $0.eventType == .error && before.contains($0.timestamp) },
            during: scenario.events.filter { $0.eventType == .error && during.contains($0.timestamp) })
        // The bug's messages fold into a few new templates (one per endpoint at most), all new.
        let bug = templates.filter { $0.service == "inventory" }
        #expect(!bug.isEmpty && bug.count <= 2 && bug.allSatisfy(\.isNew))
        #expect(bug.reduce(0) { $0 + $1.count } == errors.count)
        // Callers answer 502 with an upstream error.
        #expect(scenario.events.contains { $0.service == "orders" && $0.message?.hasPrefix("upstream inventory failed after 1 attempt: status 500") == true })
    }

    @Test func resourceExhaustionPinsThePoolAndTimesOutWaiting() {
        let scenario = ScenarioGenerator.generate(Self.spec(.resourceExhaustion, in: "ledger", intensity: 0.5))
        let (before, during, _) = Self.windows(scenario)
        let pinned = Self.resources(scenario, "ledger", in: during)
        #expect(pinned.count >= 11 && pinned.allSatisfy { $0.gauges["pool_in_use"] == 12 && $0.gauges["pool_size"] == 12 })
        #expect(Self.resources(scenario, "ledger", in: before).allSatisfy { $0.gauges["pool_in_use"]! < 12 && $0.gauges["pool_size"] == 12 })
        let errors = scenario.events.filter { $0.service == "ledger" && $0.eventType == .error }
        #expect(errors.count > 50)
        #expect(errors.allSatisfy { $0.message!.hasPrefix("timed out waiting for connection from pool after 500 ms") })
        #expect(Self.median(Self.durations(scenario, "ledger", in: during)) > 20 * Self.median(Self.durations(scenario, "ledger", in: before)))
        // 503 is retryable: payments tries again (attempt numbers up to 3).
        let retries = scenario.events.compactMap { event -> Int? in
            guard case .serviceCall(let call) = event.payload, call.targetService == "ledger" else { return nil }
            return call.attempt
        }
        #expect(Set(retries) == [1, 2, 3])
    }

    @Test func unavailableServiceIsSilentAndRefusesConnections() {
        let scenario = ScenarioGenerator.generate(Self.spec(.unavailable, in: "fraud"))
        let (before, during, after) = Self.windows(scenario)
        let fraud = scenario.events.filter { $0.service == "fraud" }
        #expect(!fraud.contains { during.contains($0.timestamp) })
        #expect(fraud.contains { before.contains($0.timestamp) } && fraud.contains { after.contains($0.timestamp) })
        #expect(fraud.first { after.contains($0.timestamp) }?.message?.hasPrefix("fraud starting") == true)
        let calls = scenario.events.compactMap { event -> ServiceCall? in
            guard during.contains(event.timestamp), case .serviceCall(let call) = event.payload, call.targetService == "fraud" else { return nil }
            return call
        }
        #expect(calls.count > 50)
        // The one call in flight when the process stopped may see a reset; every later one is refused.
        #expect(calls.filter { $0.error == "connection_refused" }.count >= calls.count - 1)
        #expect(calls.allSatisfy { $0.statusCode == 0 && !$0.success && $0.durationMS < 5 })
        #expect(Set(calls.compactMap(\.attempt)) == [1, 2, 3])
        #expect(scenario.events.contains { $0.service == "payments" && $0.message == "upstream fraud failed after 3 attempts: connection refused" })
    }

    // MARK: Suites

    @Test func suitePlansEveryKindAwayFromTheEntryAndUnlabelledControls() {
        let specs = ScenarioGenerator.plan(seed: 99, scenariosPerKind: 4, includeControls: true)
        #expect(specs.count == 6 * 4 + 4)
        #expect(Set(specs.map(\.name)).count == specs.count)
        let faulty = specs.compactMap(\.fault)
        #expect(faulty.count == 24)
        #expect(faulty.allSatisfy { $0.service != "gateway" })
        #expect(Set(faulty.map(\.kind)) == Set(ScenarioGenerator.faultKinds))
        #expect(faulty.filter { $0.kind == .resourceExhaustion }.allSatisfy { Topology.shop.service($0.service)?.poolSize != nil })
        for kind in ScenarioGenerator.faultKinds {
            #expect(Set(faulty.filter { $0.kind == kind }.map(\.service)).count == 4, "services vary within \(kind)")
        }
        #expect(specs.contains { !$0.noise.isEmpty } && specs.contains { $0.noise.isEmpty })

        let suite = ScenarioGenerator.suite(seed: 99, scenariosPerKind: 1, includeControls: true)
        #expect(suite.count == 6 + 3)
        let controls = suite.filter { $0.label == nil }
        #expect(controls.map(\.name) == ["control-steady-1", "control-wave-2", "control-spike-3"])
        for scenario in suite {
            #expect(scenario.events.count > 20_000 && scenario.events.count < 90_000, "\(scenario.name): \(scenario.events.count)")
            guard let label = scenario.label, let fault = scenario.spec.fault else { continue }
            #expect(label.rootCauseService == fault.service && label.kind == fault.kind)
            #expect(label.faultStart.microsecondsSinceEpoch == scenario.spec.start.microsecondsSinceEpoch + Int64(fault.startSecond * 1e6))
            #expect(label.faultEnd > label.faultStart)
        }
        #expect(ScenarioGenerator.suite(seed: 99, scenariosPerKind: 1, includeControls: false).allSatisfy { $0.label != nil })
    }

    @Test func controlSpikeIsHarmless() {
        let scenario = ScenarioGenerator.generate(ScenarioSpec(
            name: "spike", seed: 8, durationSeconds: 300, requestsPerSecond: 5,
            traffic: .spike(startSecond: 120, durationSeconds: 30, factor: 3)))
        #expect(scenario.label == nil)
        let gateway = scenario.events.filter { $0.service == "gateway" && $0.eventType == .requestStart }
        let start = scenario.spec.start.microsecondsSinceEpoch
        let inSpike = gateway.filter { ($0.timestamp.microsecondsSinceEpoch - start) / 1_000_000 >= 120 && ($0.timestamp.microsecondsSinceEpoch - start) / 1_000_000 < 150 }
        #expect(Double(inSpike.count) / 30 > 2 * 5)
        #expect(!scenario.events.contains { $0.eventType == .error })
        #expect(!scenario.events.contains { if case .serviceCall(let call) = $0.payload { return !call.success } else { return false } })
    }
}
