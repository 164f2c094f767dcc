import AnalyzerCore
import AnalyzerEvaluation
import ArgumentParser
import Foundation
import ServiceLog

/// `analyzer eval`: how often the built-in engine names the true root cause on labelled scenarios.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure root-cause accuracy on generated, labelled fault scenarios.",
        discussion: """
            Generates scenarios of a 12-service shop (every fault kind in non-entry services, with noise: \
            background errors, missing correlation IDs, clock skew, dropped events, retries) plus fault-free \
            controls, runs incident detection and ranking on each, and reports AC@1 / AC@3 (the true root \
            cause first / in the first three), kind accuracy, detection and false alarms on the controls.
            Deterministic for a seed: keep one seed for tuning and judge on others.

            Example:
              analyzer eval --seed 7 --per-kind 4
            """)

    @Option(help: "Seed of the scenario suite.")
    var seed: UInt64 = 1

    @Option(name: .customLong("per-kind"), help: "Scenarios per fault kind.")
    var perKind = 3

    @Flag(inversion: .prefixedNo, help: "Include fault-free control scenarios.")
    var controls = true

    @Flag(help: "Print the summary and every outcome as JSON.")
    var json = false

    @Option(help: "Exit 1 if AC@1 falls below this (for CI).")
    var minAc1: Double?

    @Option(help: "Also write each scenario's events to DIR/NAME.ndjson (to inspect with ingest, trace, incidents).")
    var dump: String?

    @Option(help: "Only scenarios whose name contains this text.")
    var only: String?

    @Option(help: "Stretch each scenario to this many minutes (the fault keeps its relative position); for load tests with --dump.")
    var durationMinutes: Double?

    @Option(help: "User requests per second (default: the suite's 3.5-5.5).")
    var rate: Double?

    func run() throws {
        let specs = ScenarioGenerator.plan(seed: seed, scenariosPerKind: perKind, includeControls: controls)
            .filter { only == nil || $0.name.contains(only!) }
            .map { spec in
                var spec = spec
                if let minutes = durationMinutes {
                    let scale = minutes * 60 / spec.durationSeconds
                    spec.durationSeconds = minutes * 60
                    spec.fault?.startSecond *= scale
                    spec.fault?.durationSeconds *= scale
                }
                if let rate { spec.requestsPerSecond = rate }
                return spec
            }
        if let dump { try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true) }
        let evaluation = Evaluation()
        var outcomes: [Evaluation.Outcome] = []
        for (index, spec) in specs.enumerated() {
            let scenario = ScenarioGenerator.generate(spec)
            if let dump { try ScenarioGenerator.writeNDJSON(scenario, to: "\(dump)/\(scenario.name).ndjson") }
            let label = scenario.label.map { ($0.rootCauseService, $0.kind, $0.faultStart, $0.faultEnd) }
            let outcome = evaluation.evaluate(name: scenario.name, events: scenario.events, label: label)
            outcomes.append(outcome)
            if !json {
                let verdict: String
                if let expected = outcome.expectedService {
                    verdict = outcome.rank == 1
                        ? "ok   \(expected) \(outcome.foundKind ?? "")\(outcome.foundKind == outcome.expectedKind ? "" : " (expected \(outcome.expectedKind ?? ""))")"
                        : "MISS expected \(expected) \(outcome.expectedKind ?? ""), got \(outcome.foundService ?? "no incident") \(outcome.foundKind ?? "") (rank \(outcome.rank.map(String.init) ?? "-"))"
                } else {
                    verdict = outcome.falseAlarm ? "FALSE ALARM (\(outcome.incidents) incidents)" : "ok   no incident"
                }
                FileHandle.standardError.write(Data("[\(index + 1)/\(specs.count)] \(scenario.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(scenario.events.count) events  \(verdict)\n".utf8))
            }
        }
        let summary = Evaluation.summarize(outcomes)
        if json {
            print(try jsonText(summary))
        } else {
            print("""

                seed \(seed): \(summary.faultyScenarios) fault scenarios, \(summary.controlScenarios) controls
                AC@1 \(String(format: "%.3f", summary.acAt1))   AC@3 \(String(format: "%.3f", summary.acAt3))   \
                kind accuracy \(String(format: "%.3f", summary.kindAccuracy))   detected \(summary.detected)/\(summary.faultyScenarios)   \
                false alarms \(summary.falseAlarms)/\(summary.controlScenarios)
                """)
        }
        if let minAc1, summary.acAt1 < minAc1 { throw ExitCode.failure }
    }
}
