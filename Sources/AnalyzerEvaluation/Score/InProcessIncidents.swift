import AnalyzerCore
import Foundation
import ServiceLog

/// The analyzer's answers computed in this process, exactly as `analyzer ingest` followed by
/// `analyzer incidents --json` would give them: duplicates by `event_id` kept once (the store's
/// unique index), only the event types `incidents` reads, oldest first with ties in file order, and
/// the same JSON encoder settings. `InProcessEquivalenceTests` holds it to the CLI's bytes.
public struct InProcessIncidents: IncidentSource {
    public var analyzer: IncidentAnalyzer

    public init(analyzer: IncidentAnalyzer = IncidentAnalyzer()) {
        self.analyzer = analyzer
    }

    /// The events `analyzer incidents` would read back from a store `events` were ingested into.
    public static func storedView(of events: [Event]) -> [Event] {
        var seen = Set<String>()
        let stored = events.filter { event in event.eventID.map { seen.insert($0).inserted } ?? true }
        let types = Observations.eventTypes
        let kept = stored.enumerated().filter { types.contains($0.element.eventType) }
        return kept.sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
    }

    /// The incidents' JSON, as the CLI prints it (without its final newline).
    public func incidentsJSON(for scenario: Scenario) async throws -> Data {
        let incidents = analyzer.incidents(in: Observations(events: Self.storedView(of: scenario.events)))
        return try Self.encoder.encode(incidents)
    }

    /// `analyzer`'s JSON settings (`jsonText` in the command): pretty, sorted keys, slashes unescaped.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
