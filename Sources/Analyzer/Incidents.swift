import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

#if canImport(Glibc)
import Glibc
#endif

/// `analyzer incidents`: windows where user-facing requests failed or slowed, with root causes.
struct Incidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List incidents with their ranked root causes, evidence and what to do.",
        discussion: """
            An incident is a window in which requests of entry (user-facing) services failed or slowed \
            beyond their baseline. For each one the analyzer ranks the services whose own behaviour changed \
            (self time, own errors, refused connections, silence, memory, CPU, pools), names the likeliest \
            root cause and its kind, and groups the error messages into templates.

            JSON (--json) is an array of objects with: id, start, end, root_cause {service, kind, confidence}, \
            candidates [{service, score, kind, evidence}], affected_services, correlation_ids, entry_services, \
            affected_requests, total_requests, error_templates.

            Example:
              analyzer incidents --store analyzer.sqlite --since 1h
            """)

    @OptionGroup var options: ReadOptions

    @Option(help: "Only events at or after this time (RFC 3339, or a duration ago such as 1h).")
    var since: TimeBound?

    @Option(help: "Only events before this time.")
    var until: TimeBound?

    @Option(help: "The most events analysed (memory: ~0.6 KB each); a window holding more starts at its newest this many. Windows span at most 31 days.")
    var maxEvents = AnalysisWindow.Limits().maxEvents

    func validate() throws {
        guard maxEvents >= 1 else { throw ValidationError("--max-events must be at least 1") }
    }

    func run() async throws {
        let eventStore = try options.openStore()
        let window = try await options.window(in: eventStore, since: since, until: until, maxEvents: maxEvents)
        var events: [Event] = []
        if let window {
            events = try await eventStore.events(matching: EventQuery(from: window.from, until: window.until, eventTypes: Observations.eventTypes))
        }
        let observations = Observations(events: events)
        let incidents = IncidentAnalyzer().incidents(in: observations)
        if !events.isEmpty {
            // Kept for `diagnose`, which then answers without analysing again (an optimisation: never fatal).
            try? await eventStore.save(StoredAnalysis(
                from: observations.first, until: observations.last.addingSaturated(1), observations: observations, incidents: incidents))
        }
        if options.json {
            print(try jsonText(incidents))
            return
        }
        let range = events.isEmpty ? "(no events)" : "in \(events.count) events from \(observations.services.count) services, \(Timestamp(microsecondsSinceEpoch: observations.first)) → \(Timestamp(microsecondsSinceEpoch: observations.last))"
        print(IncidentRenderer(style: options.style).render(incidents, storeSummary: range))
    }
}
