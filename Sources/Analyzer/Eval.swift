import AnalyzerCore
import AnalyzerEvaluation
import ArgumentParser
import Foundation
import ServiceLog

/// `analyzer eval`: how often the built-in engine names the true root cause on labelled scenarios.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure root-cause accuracy on generated, labelled fault scenarios.",
        discussion: """
            Generates scenarios in eight families of systems (other domains, sizes, depths and traffic \
            shapes; a new topology per scenario), every fault kind in non-entry services plus fault-free \
            controls, with the patterns of real systems on (turn one off with --without): \
            \(EvaluationPattern.allCases.map(\.rawValue).joined(separator: ", ")). Each scenario is \
            scored from the incidents JSON the analyzer prints (in this process, identical to \
            `analyzer incidents --json`, or with --through-cli by running ingest and incidents): AC@1 / \
            AC@3, kind accuracy, detection, false alarms on controls (an incident with confidence \
            above 0.5), candidates that are not a service in the data, and calibration (how many answers \
            given with confidence >= 0.8 were right), per family and for the tuning and held-out sets.

            Held-out families (never tune on them): \(ScenarioFamily.heldOut.map(\.name).joined(separator: ", ")).
            Tuning families: \(ScenarioFamily.tuning.map(\.name).joined(separator: ", ")).

            Examples:
              analyzer eval --held-out                    # the figures to report
              analyzer eval --tuning --without red-herrings
              analyzer eval --family iot --dump /tmp/iot --dump-only
                  # then per file: ingest into a fresh store, incidents --json > NAME.incidents.json
              analyzer eval --score /tmp/iot              # score those (Benchmarks/eval-cli/run.sh)
              analyzer eval --story                       # the article's story
              analyzer eval --classic --seed 2 --per-kind 4   # the shop suite before issue 12
            """)

    @Option(help: "Seed of the scenario suite.")
    var seed: UInt64 = 1

    @Option(name: .customLong("per-kind"), help: "Scenarios per fault kind and family (classic: per kind).")
    var perKind: Int?

    @Option(name: .customLong("controls-per-family"), help: "Fault-free controls per family.")
    var controlsPerFamily = 2

    @Flag(inversion: .prefixedNo, help: "Include fault-free control scenarios.")
    var controls = true

    @Option(name: .customLong("family"), help: "Only this family (repeatable); see --list-families.")
    var familyNames: [String] = []

    @Flag(name: .customLong("held-out"), help: "Only the held-out families.")
    var heldOut = false

    @Flag(help: "Only the tuning families.")
    var tuning = false

    @Flag(name: .customLong("list-families"), help: "List the families, which are held out, and the patterns, then exit.")
    var listFamilies = false

    @Flag(
        name: .customLong("list-scenarios"), help: "List the selected scenarios (fault, traits, patterns' settings) without running them.")
    var listScenarios = false

    @Flag(name: .customLong("topology"), help: "With --list-scenarios: also print each scenario's system.")
    var showTopology = false

    @Option(
        name: .customLong("without"),
        help: "Turn a pattern off (repeatable): \(EvaluationPattern.allCases.map(\.rawValue).joined(separator: ", ")), or all.")
    var withoutPatterns: [String] = []

    @Flag(help: "Only the story: a low-intensity leak two hops down, exposed by another caller's surge, with a 429 burst at the entry.")
    var story = false

    @Flag(help: "The classic suite from before issue 12: the shop only, no patterns (for older figures and the benchmarks).")
    var classic = false

    @Flag(name: .customLong("through-cli"), help: "Score through `analyzer ingest` + `analyzer incidents --json` run as processes.")
    var throughCLI = false

    @Option(help: "The analyzer binary for --through-cli (default: this one).")
    var analyzer: String?

    @Option(help: ArgumentHelp("Score DIR/NAME.incidents.json against DIR/labels.json instead of generating.", valueName: "dir"))
    var score: String?

    @Flag(help: "Print the report and every outcome as JSON.")
    var json = false

    @Option(help: "Exit 1 if AC@1 (on everything run) falls below this (for CI).")
    var minAc1: Double?

    @Option(help: "Also write each scenario's events to DIR/NAME.ndjson and the truth to DIR/labels.json.")
    var dump: String?

    @Flag(
        name: .customLong("dump-only"),
        help: "With --dump: write the scenarios and labels.json, score nothing (to score with the CLI and --score).")
    var dumpOnly = false

    @Option(help: "Only scenarios whose name contains this text.")
    var only: String?

    @Option(help: "Stretch each scenario to this many minutes (the fault keeps its relative position); for load tests with --dump.")
    var durationMinutes: Double?

    @Option(help: "User requests per second (default: each family's own range).")
    var rate: Double?

    func run() async throws {
        if listFamilies {
            print(EvalPrinter.familyList())
            return
        }
        if let score {
            try finish(EvaluationReport(outcomes: try DumpScorer(directory: score).outcomes()))
            return
        }
        if dumpOnly, dump == nil { throw ValidationError("--dump-only needs --dump DIR") }
        let specs = try selectedSpecs()
        guard !specs.isEmpty else { throw ValidationError("no scenario matches; see --list-families and --only") }
        if listScenarios {
            for spec in specs {
                print(EvalPrinter.describe(spec))
                if showTopology { print(EvalPrinter.describe(spec.topology)) }
            }
            return
        }
        if let dump { try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true) }
        let source: any IncidentSource =
            throughCLI
            ? CLIIncidents(analyzerPath: analyzer ?? Self.ownExecutable())
            : InProcessIncidents()
        var outcomes: [ScenarioOutcome] = []
        var labels: [ScenarioLabel] = []
        for (index, spec) in specs.enumerated() {
            let started = ContinuousClock.now
            let scenario = ScenarioGenerator.generate(spec)
            let generated = ContinuousClock.now - started
            if let dump { try ScenarioGenerator.writeNDJSON(scenario, to: "\(dump)/\(scenario.name).ndjson") }
            labels.append(ScenarioLabel(scenario))
            if dumpOnly {
                if !json {
                    FileHandle.standardError.write(
                        Data(
                            "[\(index + 1)/\(specs.count)] \(scenario.name) \(scenario.events.count) events, generated in \(generated)\n"
                                .utf8))
                }
                continue
            }
            let outcome = try await source.outcome(for: scenario)
            outcomes.append(outcome)
            if !json { EvalPrinter.progress(index: index, of: specs.count, scenario: scenario, outcome: outcome) }
        }
        if let dump {
            let file = LabelsFile(generator: "analyzer " + CommandLine.arguments.dropFirst().joined(separator: " "), scenarios: labels)
            try Data((try jsonText(file) + "\n").utf8).write(to: URL(fileURLWithPath: "\(dump)/labels.json"))
        }
        if dumpOnly { return }
        try finish(EvaluationReport(outcomes: outcomes))
    }

    func finish(_ report: EvaluationReport) throws {
        if json {
            print(try jsonText(report))
        } else {
            print(EvalPrinter.report(report, heading: heading()))
        }
        if let minAc1, let all = report.sets.last, all.acAt1 < minAc1 { throw ExitCode.failure }
    }

    /// The specs the options select.
    func selectedSpecs() throws -> [ScenarioSpec] {
        var specs: [ScenarioSpec]
        if classic {
            specs = ScenarioGenerator.plan(seed: seed, scenariosPerKind: perKind ?? 3, includeControls: controls).map { spec in
                var spec = spec
                spec.family = "classic"
                return spec
            }
        } else if story {
            specs = [StoryScenario.spec(seed: seed)]
        } else {
            let suite = EvaluationSuite(
                families: try families(), seed: seed, scenariosPerKind: perKind ?? 2, controlsPerFamily: controls ? controlsPerFamily : 0,
                patterns: try patterns())
            specs = suite.specs()
        }
        return specs.filter { only == nil || $0.name.contains(only!) }.map { spec in
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
    }

    func families() throws -> [ScenarioFamily] {
        var chosen: [ScenarioFamily] = []
        for name in familyNames {
            guard let family = ScenarioFamily.named(name) else {
                throw ValidationError(
                    "unknown family '\(name)'; the families are: \(ScenarioFamily.all.map(\.name).joined(separator: ", "))")
            }
            chosen.append(family)
        }
        if heldOut { chosen += ScenarioFamily.heldOut }
        if tuning { chosen += ScenarioFamily.tuning }
        return chosen.isEmpty ? ScenarioFamily.all : ScenarioFamily.all.filter { family in chosen.contains { $0.name == family.name } }
    }

    func patterns() throws -> Set<EvaluationPattern> {
        var patterns = EvaluationPattern.all
        for name in withoutPatterns {
            if name == "all" {
                patterns = []
            } else if let pattern = EvaluationPattern(rawValue: name) {
                patterns.remove(pattern)
            } else {
                throw ValidationError(
                    "unknown pattern '\(name)'; the patterns are: \(EvaluationPattern.allCases.map(\.rawValue).joined(separator: ", ")), all"
                )
            }
        }
        return patterns
    }

    func heading() -> String {
        if classic { return "classic suite, seed \(seed)" }
        if story { return "the story, seed \(seed)" }
        let patterns = (try? patterns()) ?? []
        let off = EvaluationPattern.allCases.filter { !patterns.contains($0) }
        return "seed \(seed), \(perKind ?? 2) per kind and family, \(controls ? controlsPerFamily : 0) controls per family; patterns "
            + (off.isEmpty ? "all on" : "off: " + off.map(\.rawValue).joined(separator: ", "))
    }

    /// This executable's path, for running its own `ingest` and `incidents`.
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
