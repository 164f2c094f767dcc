import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog

/// Short scenarios of the replicated shop and small helpers to look at their events by time.
enum Fixtures {
    /// `healthy` seconds, then `faultSeconds` of the fault (if any), then 60 s of recovery.
    static func spec(
        _ kind: FaultKind?, in service: String = "inventory", realism: Realism = Realism(symptoms: true), healthy: Double = 150,
        faultSeconds: Double = 150, intensity: Double = 0.7, scale: Double = 1, instance: Int? = nil,
        mechanism: FaultSpec.Mechanism = .process,
        rate: Double = 5, noise: NoiseOptions = .none, seed: UInt64 = 7, topology: Topology = .replicatedShop
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "\(kind?.rawValue ?? "control")-\(service)", seed: seed, durationSeconds: healthy + (kind == nil ? 0 : faultSeconds) + 60,
            requestsPerSecond: rate,
            fault: kind.map {
                FaultSpec(
                    service: service, kind: $0, startSecond: healthy, durationSeconds: faultSeconds, intensity: intensity, scale: scale,
                    instance: instance, mechanism: mechanism)
            },
            noise: noise, topology: topology, realism: realism, family: "shop")
    }

    /// Seconds since the scenario's start at which `event` was written.
    static func second(_ event: Event, in scenario: Scenario) -> Double {
        Double(event.timestamp.microsecondsSinceEpoch - scenario.spec.start.microsecondsSinceEpoch) / 1e6
    }

    /// Events of `service` (any when nil) of `type` written in `window` (seconds since the start).
    static func events(_ scenario: Scenario, _ service: String?, _ type: EventType, in window: Range<Double> = 0..<1e9) -> [Event] {
        scenario.events.filter { event in
            (service == nil || event.service == service) && event.eventType == type && window.contains(second(event, in: scenario))
        }
    }

    static func calls(_ scenario: Scenario, to target: String, in window: Range<Double> = 0..<1e9) -> [ServiceCall] {
        events(scenario, nil, .serviceCall, in: window).compactMap { event in
            guard case .serviceCall(let call) = event.payload, call.targetService == target else { return nil }
            return call
        }
    }

    static func ends(_ scenario: Scenario, _ service: String, in window: Range<Double> = 0..<1e9) -> [RequestEnd] {
        events(scenario, service, .requestEnd, in: window).compactMap { event in
            guard case .requestEnd(let end) = event.payload else { return nil }
            return end
        }
    }

    static func samples(_ scenario: Scenario, _ service: String, in window: Range<Double> = 0..<1e9) -> [(
        instance: String, sample: ResourceSample
    )] {
        events(scenario, service, .resource, in: window).compactMap { event in
            guard case .resource(let sample) = event.payload else { return nil }
            return (event.instance ?? "", sample)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// The first planned spec of `family` whose name contains `text`, with `patterns`.
    static func planned(
        _ family: ScenarioFamily, _ text: String, patterns: Set<EvaluationPattern> = EvaluationPattern.all, perKind: Int = 3,
        seed: UInt64 = 1
    ) -> ScenarioSpec? {
        FamilyPlanner.plan(family: family, seed: seed, scenariosPerKind: perKind, controls: perKind, patterns: patterns).first {
            $0.name.contains(text)
        }
    }
}
