import AnalyzerCore
import Logging

/// The analyzer's own log of incident lifecycle: one line when an incident opens (or reopens), when its
/// root cause (service or kind) changes, and when it resolves, so that the analyzer's log alone tells what it
/// concluded and when. An analysis that only extends an incident logs at debug (one per refresh).
///
/// Values are typed (confidence a number, services a list) so a log pipeline can filter on them.
enum IncidentLog {
    /// Logs the `changes` of one analysis; `previous` is the incident list before it, `current` after.
    static func record(_ changes: IncidentTracker.Changes, previous: [Incident], current: [Incident], logger: Logger) {
        let before = Dictionary(previous.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in changes.opened {
            guard let incident = after[id] else { continue }
            logger.notice("incident opened", metadata: metadata(incident))
        }
        for id in changes.updated {
            guard let incident = after[id] else { continue }
            if let earlier = before[id], earlier.lifecycle?.state == .resolved {
                logger.notice("incident reopened", metadata: metadata(incident))
            } else if let earlier = before[id], earlier.rootCause.service != incident.rootCause.service || earlier.rootCause.kind != incident.rootCause.kind {
                var fields = metadata(incident)
                fields["previous_root_cause"] = .string(earlier.rootCause.service ?? "unknown")
                fields["previous_kind"] = .string(earlier.rootCause.kind.rawValue)
                logger.notice("incident root cause changed", metadata: fields)
            } else {
                logger.debug("incident updated", metadata: metadata(incident))
            }
        }
        for id in changes.resolved {
            guard let incident = after[id] else { continue }
            var fields = metadata(incident)
            fields["resolution"] = .string(incident.lifecycle?.resolution ?? "")
            logger.notice("incident resolved", metadata: fields)
        }
    }

    private static func metadata(_ incident: Incident) -> Logger.Metadata {
        [
            "incident_id": .string(incident.id),
            "root_cause": .string(incident.rootCause.service ?? "unknown"),
            "kind": .string(incident.rootCause.kind.rawValue),
            "confidence": .stringConvertible(incident.rootCause.confidence),
            "affected_services": .array(incident.affectedServices.map { .string($0) }),
            "incident_start": .string(incident.start),
            "incident_end": .string(incident.end),
        ]
    }
}
