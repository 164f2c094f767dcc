import Foundation

/// The request body one notification becomes for each ``AlertTarget/Format``.
enum AlertPayload {
    static func body(_ alert: IncidentAlert, format: AlertTarget.Format, now: Date = Date()) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data?
        switch format {
        case .webhook: data = try? encoder.encode(alert)
        case .slack: data = try? encoder.encode(["text": slackText(alert)])
        case .alertmanager: data = try? encoder.encode(alertmanagerAlerts(alert, now: now))
        }
        // Encoding strings and numbers of a value type cannot fail; an empty body would be refused visibly.
        return Array(data ?? Data())
    }

    /// Alertmanager's `postableAlert` list: labels identify the alert (and route it), annotations
    /// carry the text. A changed root cause ends the alert under the old labels and fires the new.
    static func alertmanagerAlerts(_ alert: IncidentAlert, now: Date) -> [AlertmanagerAlert] {
        let nowText = ISO8601DateFormatter().string(from: now)
        var current = AlertmanagerAlert(
            labels: labels(alert, service: alert.rootCauseService, kind: alert.kind),
            annotations: [
                "summary": alert.headline,
                "description": alert.evidence.joined(separator: "\n"),
                "path": alert.path.joined(separator: " → "),
                "dashboard_url": alert.dashboardURL,
            ].filter { !$0.value.isEmpty },
            startsAt: alert.start, endsAt: nil, generatorURL: alert.dashboardURL)
        if alert.change == .resolved { current.endsAt = nowText }
        guard alert.change == .rootCauseChanged else { return [current] }
        var ended = current
        ended.labels = labels(alert, service: alert.previousRootCause, kind: alert.previousKind ?? alert.kind)
        ended.endsAt = nowText
        return [ended, current]
    }

    private static func labels(_ alert: IncidentAlert, service: String?, kind: String) -> [String: String] {
        [
            "alertname": "AnalyzerIncident", "incident_id": alert.incidentID, "service": service ?? "undetermined", "kind": kind,
            "severity": alert.confidence >= 0.8 ? "critical" : "warning",
        ]
    }

    /// Slack mrkdwn: `&`, `<` and `>` escaped as Slack asks, so that log text can never become a link
    /// or a mention.
    static func slackText(_ alert: IncidentAlert) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let mark = alert.change == .resolved ? ":white_check_mark:" : ":rotating_light:"
        var lines = ["\(mark) *\(escaped(alert.headline))*"]
        lines += alert.evidence.map { "• " + escaped($0) }
        if alert.path.count > 1 { lines.append("Path: " + escaped(alert.path.joined(separator: " → "))) }
        lines.append("<\(alert.dashboardURL)|Open \(escaped(alert.incidentID)) in the dashboard>")
        return lines.joined(separator: "\n")
    }
}

/// One alert as Alertmanager's API v2 takes it.
struct AlertmanagerAlert: Sendable, Hashable, Codable {
    var labels: [String: String]
    var annotations: [String: String]
    var startsAt: String
    var endsAt: String?
    var generatorURL: String
}
