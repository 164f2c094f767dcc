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
            An incident is a window in which some service's requests or calls failed, slowed or changed \
            shape beyond their own baseline (the normal traffic before the change began), watched per \
            service, instance, endpoint and call edge. Client errors (4xx: rate limiting, refused \
            credentials, unknown resources) are reported beside an incident, never as its cause. For each \
            incident the analyzer ranks the services whose own behaviour changed (self time, own errors, \
            refused connections, silence, slow links, memory, CPU, pools, new errors, request shape), names \
            the likeliest root cause and its kind, shows the path the failure took to the users, and groups \
            the error messages into templates. When no service's own behaviour changed enough, it says so \
            (root cause "not determined", confidence under 0.5) rather than guess. An incident that `analyzer \
            serve` tracks keeps the ID it got when first detected there.

            JSON (--json) is an array of objects with: id, start, end, root_cause {service (null when not \
            determined), kind, confidence}, candidates [{service, score, kind, evidence}], path (root cause \
            first, up to a user-facing service), client_errors [{service, class, before, during, count, \
            summary}], affected_services, correlation_ids, entry_services, affected_requests, \
            total_requests, error_templates, lifecycle {state, detected_at, updated_at, analyses, \
            resolved_at, resolution}.

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
        var incidents = IncidentAnalyzer().incidents(in: observations)
        if !events.isEmpty {
            // An incident `analyzer serve` is tracking keeps the ID (and the lifecycle) it got there; this
            // command reads them and changes nothing.
            incidents = IncidentTracker(incidents: (try? await eventStore.trackedIncidents(limit: 1_000)) ?? []).identify(incidents)
            // Kept for `diagnose`, which then answers without analysing again (an optimisation: never fatal).
            try? await eventStore.save(StoredAnalysis(
                from: observations.first, until: observations.last.addingSaturated(1), observations: observations, incidents: incidents))
        }
        if options.json {
            print(try jsonText(incidents))
            return
        }
        let detector = IncidentDetector()
        if !events.isEmpty, observations.last - observations.first < detector.warmUpMicros(forSpan: observations.last - observations.first) {
            FileHandle.standardError.write(Data("note: only \((observations.last - observations.first) / 1_000_000) s of data: still learning the baseline (no incident can be raised yet)\n".utf8))
        }
        let range = events.isEmpty ? "(no events)" : "in \(events.count) events from \(observations.services.count) services, \(Timestamp(microsecondsSinceEpoch: observations.first)) → \(Timestamp(microsecondsSinceEpoch: observations.last))"
        print(IncidentRenderer(style: options.style).render(incidents, storeSummary: range))
    }
}
