import AnalyzerCore
import Foundation

/// One notification about one incident, as the `webhook` format posts it (documented in
/// `docs/api.md`): what happened to the incident, its root cause with the first evidence lines, the
/// path to the users, the impact, and a link to its dashboard page.
public struct IncidentAlert: Sendable, Hashable, Codable {
    /// What happened to the incident.
    public enum Change: String, Sendable, Hashable, Codable {
        case opened
        /// A later analysis named another root cause (or kind) than the last notification.
        case rootCauseChanged = "root_cause_changed"
        case resolved
    }

    /// The payload's version; fields are only ever added.
    public var version = 1
    public var change: Change
    public var incidentID: String
    /// `open` or `resolved`.
    public var state: String
    public var start: String
    public var end: String
    /// `nil` when the analyzer abstains (no single service stands out).
    public var rootCauseService: String?
    public var kind: String
    public var confidence: Double
    /// The root cause's first evidence lines, best first (at most 3).
    public var evidence: [String]
    public var path: [String]
    public var entryServices: [String]
    public var affectedRequests: Int
    public var totalRequests: Int
    /// The previous root cause and kind, for ``Change/rootCauseChanged``.
    public var previousRootCause: String?
    public var previousKind: String?
    /// Why it was resolved, for ``Change/resolved``.
    public var resolution: String?
    /// The incident's page on the dashboard.
    public var dashboardURL: String

    enum CodingKeys: String, CodingKey {
        case version, change, state, start, end, kind, confidence, evidence, path, resolution
        case incidentID = "incident_id"
        case rootCauseService = "root_cause_service"
        case entryServices = "entry_services"
        case affectedRequests = "affected_requests"
        case totalRequests = "total_requests"
        case previousRootCause = "previous_root_cause"
        case previousKind = "previous_kind"
        case dashboardURL = "dashboard_url"
    }

    /// The notification of `change` for `incident`, linking to `dashboard` (the dashboard's base URL).
    public init(_ change: Change, incident: Incident, previousRootCause: String? = nil, previousKind: String? = nil, dashboard: String) {
        self.change = change
        incidentID = incident.id
        state = incident.lifecycle?.state.rawValue ?? "open"
        start = incident.start
        end = incident.end
        rootCauseService = incident.rootCause.service
        kind = incident.rootCause.kind.rawValue
        confidence = incident.rootCause.confidence
        evidence = (incident.candidates.first { $0.service == incident.rootCause.service }?.evidence ?? []).prefix(3).map(\.summary)
        path = incident.path
        entryServices = incident.entryServices
        affectedRequests = incident.affectedRequests
        totalRequests = incident.totalRequests
        self.previousRootCause = previousRootCause
        self.previousKind = previousKind
        resolution = incident.lifecycle?.resolution
        let base = dashboard.hasSuffix("/") ? String(dashboard.dropLast()) : dashboard
        dashboardURL = base + "/incidents/" + (incident.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? incident.id)
    }

    /// One line for a human: "pricing memory_leak (92%) opened: 41 of 594 user requests to gateway".
    public var headline: String {
        let cause = rootCauseService.map { "\($0) \(kind) (\(Int((confidence * 100).rounded()))%)" } ?? "root cause undetermined"
        switch change {
        case .opened:
            return "Incident opened: \(cause); \(affectedRequests) of \(totalRequests) user requests to \(entryServices.joined(separator: ", ")) failed or slowed"
        case .rootCauseChanged:
            return "Incident root cause now \(cause) (was \(previousRootCause ?? "undetermined"))"
        case .resolved:
            return "Incident resolved: \(cause); \(resolution ?? "back to normal")"
        }
    }
}
