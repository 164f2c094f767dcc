import AnalyzerCore

/// Decides which notifications the incidents of one analysis call for: one per incident state. An
/// incident is announced when it opens (or opens again), when its root cause or kind changes while
/// open, and when it is resolved; seeing it again unchanged sends nothing.
public struct AlertDecider: Sendable {
    /// What was last announced of an incident.
    struct Announced: Sendable, Hashable {
        var open: Bool
        var rootCause: String?
        var kind: FaultKind
    }

    private var announced: [String: Announced] = [:]

    /// A decider that has announced nothing yet.
    public init() {}

    /// Marks `incidents` as announced in their current state, without a notification: incidents an
    /// earlier run of the analyzer already kept (and announced) are not announced again after a
    /// restart.
    public mutating func seed(with incidents: [Incident]) {
        for incident in incidents { announced[incident.id] = Self.state(of: incident) }
    }

    /// The notifications `incidents` (as tracked, with lifecycles) call for, oldest incident first.
    public mutating func changes(in incidents: [Incident], dashboard: String) -> [IncidentAlert] {
        var alerts: [IncidentAlert] = []
        for incident in incidents.sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
            let now = Self.state(of: incident)
            defer { announced[incident.id] = now }
            guard let before = announced[incident.id] else {
                // First seen already resolved (old data at start-up): nothing is going on to tell.
                if now.open { alerts.append(IncidentAlert(.opened, incident: incident, dashboard: dashboard)) }
                continue
            }
            switch (before.open, now.open) {
            case (false, true):
                alerts.append(IncidentAlert(.opened, incident: incident, dashboard: dashboard))
            case (true, false):
                alerts.append(IncidentAlert(.resolved, incident: incident, dashboard: dashboard))
            case (true, true) where before.rootCause != now.rootCause || before.kind != now.kind:
                alerts.append(IncidentAlert(
                    .rootCauseChanged, incident: incident, previousRootCause: before.rootCause, previousKind: before.kind.rawValue,
                    dashboard: dashboard))
            default:
                break
            }
        }
        return alerts
    }

    static func state(of incident: Incident) -> Announced {
        Announced(open: incident.lifecycle?.state != .resolved, rootCause: incident.rootCause.service, kind: incident.rootCause.kind)
    }
}
