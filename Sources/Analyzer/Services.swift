import AnalyzerCore
import ArgumentParser
import ServiceLog

/// `analyzer services`: the dependency graph observed in the data.
struct Services: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the service dependency graph with rates, error ratios and latencies.",
        discussion: """
            Per service: requests served, error ratio, p50/p99 latency. Per edge (caller → callee): calls \
            (one per attempt), rate, error ratio with the error kinds, p50/p99 latency; a callee that wrote \
            no event in the window is flagged (down, or not instrumented).

            Example:
              analyzer services --store analyzer.sqlite --since 15m
            """)

    @OptionGroup var options: ReadOptions

    @Option(help: "Only events at or after this time (RFC 3339, or a duration ago such as 15m).")
    var since: TimeBound?

    @Option(help: "Only events before this time.")
    var until: TimeBound?

    @Option(help: "The most events read; a window holding more starts at its newest this many. Windows span at most 31 days.")
    var maxEvents = AnalysisWindow.Limits().maxEvents

    func validate() throws {
        guard maxEvents >= 1 else { throw ValidationError("--max-events must be at least 1") }
    }

    func run() async throws {
        let eventStore = try options.openStore()
        let window = try await options.window(in: eventStore, since: since, until: until, maxEvents: maxEvents)
        var events: [Event] = []
        if let window {
            events = try await eventStore.events(matching: EventQuery(
                from: window.from, until: window.until, eventTypes: [.requestEnd, .serviceCall, .requestStart, .log, .error, .resource]))
        }
        let graph = ServiceGraph.build(from: events)
        if options.json {
            print(try jsonText(graph))
            return
        }
        guard !graph.nodes.isEmpty else {
            print("no events in \(options.store) for that window")
            return
        }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        func percent(_ ratio: Double) -> String { String(format: "%.1f%%", ratio * 100) }
        print("Services (\(String(format: "%.0f", graph.windowSeconds)) s of data)")
        print("  " + ["service", "req/s", "requests", "errors", "p50 ms", "p99 ms"].enumerated().map { index, title in
            index == 0 ? title.padding(toLength: 20, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(0, 10 - title.count)) + title
        }.joined())
        for node in graph.nodes.sorted(by: { $0.errorRatio > $1.errorRatio || ($0.errorRatio == $1.errorRatio && $0.service < $1.service) }) {
            let cells = [String(format: "%.2f", node.rate), "\(node.requests)", percent(node.errorRatio), ms(node.p50MS), ms(node.p99MS)]
            // Names come from events: escaped, so that none can drive the terminal.
            print("  " + TerminalText.escaped(node.service).padding(toLength: 20, withPad: " ", startingAt: 0) + cells.map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined())
        }
        print("\nCalls (caller → callee, one per attempt)")
        for edge in graph.edges.sorted(by: { $0.errorRatio > $1.errorRatio || ($0.errorRatio == $1.errorRatio && $0.caller < $1.caller) }) {
            let kinds = edge.errorKinds.sorted { $0.value > $1.value }.map { "\(TerminalText.escaped($0.key)) \($0.value)" }.joined(separator: ", ")
            var line = "  \(TerminalText.escaped(edge.caller)) → \(TerminalText.escaped(edge.callee))".padding(toLength: 36, withPad: " ", startingAt: 0)
            line += "\(edge.calls) calls  \(String(format: "%.2f", edge.rate))/s  errors \(percent(edge.errorRatio))"
            line += "  p50 \(ms(edge.p50MS)) ms  p99 \(ms(edge.p99MS)) ms"
            if !kinds.isEmpty { line += "  (\(kinds))" }
            if !edge.calleeSeen { line += "  [no events from \(TerminalText.escaped(edge.callee))]" }
            print(line)
        }
    }
}
