import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

/// `analyzer explain --at TIME`: the root cause of a change that began at a given time.
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain what changed at a given time: ranked root causes, as for a detected incident.",
        discussion: """
            For when you already know when things went wrong (an alert from Prometheus or a user's report) \
            and want the analyzer's ranking of why, whether or not it raised an incident there itself. The \
            traffic from --at to --until (default: the newest event) is compared with the traffic before \
            --at (the baseline: --baseline, default the longer of 5 minutes and twice the window), service \
            by service, with the same signals as `analyzer incidents`: self time, own errors, refused \
            connections and silence, slow links, memory, CPU, pools, new or missing log lines, request shape.

            JSON (--json) is one object in the shape of one `analyzer incidents --json` incident (its id \
            starts with exp-).

            Example:
              analyzer explain --at 2026-11-24T10:04:00Z --store analyzer.sqlite
              analyzer explain --at 15m --until 5m --json
            """)

    @OptionGroup var options: ReadOptions

    @Option(help: "When the change began (RFC 3339, or a duration ago such as 15m).")
    var at: TimeBound

    @Option(help: "End of the window to explain (default: the newest event).")
    var until: TimeBound?

    @Option(help: "Baseline length before --at (at least 10s; e.g. 10m; default: max(5m, 2 × the window)).")
    var baseline: BaselineLength?

    func run() async throws {
        let eventStore = try options.openStore()
        let start = at.timestamp.microsecondsSinceEpoch
        guard let range = try await eventStore.timeRange() else { throw AnalyzerError("the store holds no events") }
        let end = until?.timestamp.microsecondsSinceEpoch ?? range.upperBound.microsecondsSinceEpoch.addingSaturated(1)
        guard end > start else { throw ValidationError("--until must be after --at") }
        let length = end - start
        let before = baseline.map { Int64(saturating: $0.seconds * 1_000_000) } ?? max(300_000_000, 2 * length)
        let from = start.subtractingSaturated(min(before, 31 * 86_400_000_000))
        let events = try await eventStore.events(matching: EventQuery(
            from: Timestamp(microsecondsSinceEpoch: from), until: Timestamp(microsecondsSinceEpoch: end), eventTypes: Observations.eventTypes))
        guard events.contains(where: { $0.timestamp.microsecondsSinceEpoch < start }) else {
            throw AnalyzerError("no events before --at \(at.timestamp): nothing to compare with (load the traffic before the change)")
        }
        var analyzer = IncidentAnalyzer()
        analyzer.ranker.minimumBaselineSeconds = max(1, (start - from) / 1_000_000)
        let incident = analyzer.incident(explaining: start, until: end, in: Observations(events: events))
        if options.json {
            print(try jsonText(incident))
            return
        }
        print(IncidentRenderer(style: options.style).render(incident, number: 1).joined(separator: "\n"))
    }
}
