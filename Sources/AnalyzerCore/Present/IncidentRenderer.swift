import ServiceLog

/// Incidents and diagnoses for a tired reader: the verdict first, then impact, then the evidence,
/// then what to do.
public struct IncidentRenderer: Sendable {
    public var style: TerminalStyle

    public init(style: TerminalStyle = TerminalStyle(enabled: false)) {
        self.style = style
    }

    public func render(_ incidents: [Incident], storeSummary: String) -> String {
        guard !incidents.isEmpty else {
            return style.green("No incidents") + " \(storeSummary): user-facing requests stayed within their baseline."
        }
        var lines = [style.bold("\(incidents.count) incident\(incidents.count == 1 ? "" : "s")") + " \(storeSummary), most important first", ""]
        for (index, incident) in incidents.enumerated() {
            lines += render(incident, number: index + 1)
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    public func render(_ incident: Incident, number: Int) -> [String] {
        var lines: [String] = []
        let root = incident.rootCause
        // Names come from events: every one goes through Format.text/sanitized (no terminal control).
        lines.append(style.bold("#\(number) \(Format.text(incident.id))") + "   \(incident.start) → \(incident.end)")
        if let service = root.service {
            lines.append("   " + style.red(style.bold("ROOT CAUSE: \(Format.text(service)) — \(root.kind.rawValue)")) + " (confidence \(String(format: "%.2f", root.confidence)))")
        } else {
            lines.append("   " + style.yellow(style.bold("ROOT CAUSE: not determined"))
                + " — no service's own behaviour changed enough to name one (confidence \(String(format: "%.2f", root.confidence)))")
        }
        let ratio = incident.totalRequests > 0 ? Double(incident.affectedRequests) / Double(incident.totalRequests) : 0
        if incident.entryServices.isEmpty || ratio < 0.05 {
            lines.append("   Impact: users barely felt it (\(incident.affectedRequests) of \(incident.totalRequests) user requests failed or slowed); changed inside: \(Format.text(incident.affectedServices.joined(separator: ", ")))")
        } else {
            lines.append("   Impact: \(incident.affectedRequests) of \(incident.totalRequests) user requests to \(Format.text(incident.entryServices.joined(separator: ", "))) failed or slowed (\(Int(saturating: ratio * 100))%); affected: \(Format.text(incident.affectedServices.joined(separator: ", ")))")
        }
        if incident.path.count > 1 { lines.append("   Path: " + Format.text(incident.path.joined(separator: " → "))) }
        if let top = incident.candidates.first {
            lines.append(root.service == nil ? "   Strongest suspect, \(Format.text(top.service)) (\(String(format: "%.2f", top.score))):" : "   Why:")
            for evidence in top.evidence.prefix(4) { lines.append("     • " + Format.sanitized(evidence.summary, limit: 160)) }
        }
        let others = incident.candidates.dropFirst().prefix(4).map { "\(Format.text($0.service)) \(String(format: "%.2f", $0.score)) (\($0.kind.rawValue))" }
        if !others.isEmpty { lines.append("   Other candidates: " + others.joined(separator: ", ")) }
        if !incident.errorTemplates.isEmpty {
            lines.append("   Errors:")
            for template in incident.errorTemplates.prefix(5) {
                let mark = template.isNew ? style.yellow("NEW ") : "    "
                lines.append("     \(mark)\(Format.pad(String(template.count) + "×", 8, right: true)) \(Format.text(template.service)): \(Format.sanitized(template.template, limit: 120))")
            }
        }
        for change in incident.traffic.prefix(3) {
            lines.append("   Traffic: " + Format.sanitized(change.summary, limit: 200))
        }
        for signal in incident.clientErrors.prefix(3) {
            lines.append("   Also (not the cause): " + Format.sanitized(signal.summary, limit: 200))
        }
        if let sample = incident.correlationIDs.first {
            lines.append("   Sample requests: \(Format.text(incident.correlationIDs.prefix(3).joined(separator: ", ")))  (see: analyzer trace \(Format.text(sample)))")
        }
        if let service = root.service {
            lines.append("   Do now:")
            for (index, action) in RecommendedActions.for(root.kind, service: service).prefix(3).enumerated() {
                lines.append("     \(index + 1). \(Format.sanitized(action, limit: 300))")
            }
        }
        return lines
    }

    public func render(_ diagnosis: Diagnosis) -> String {
        var lines: [String] = []
        lines.append(style.red(style.bold("ROOT CAUSE: \(Format.text(diagnosis.rootCause.service)) — \(diagnosis.rootCause.kind.rawValue)"))
            + " (confidence \(String(format: "%.2f", diagnosis.confidence)), \(diagnosis.source == .llm ? "AI hypothesis" : "built-in analysis"))")
        lines.append("Request \(Format.text(diagnosis.correlationID)); affected: \(Format.text(diagnosis.affectedServices.joined(separator: ", ")))")
        lines.append("")
        lines.append(Format.sanitized(diagnosis.hypothesis, limit: 1_000))
        if !diagnosis.evidence.isEmpty {
            lines.append("")
            lines.append("Evidence:")
            for evidence in diagnosis.evidence.prefix(6) { lines.append("  • " + Format.sanitized(evidence.summary, limit: 200)) }
        }
        lines.append("")
        lines.append("Do now:")
        for (index, action) in diagnosis.recommendedActions.enumerated() { lines.append("  \(index + 1). " + Format.sanitized(action, limit: 300)) }
        if let reason = diagnosis.fallbackReason {
            lines.append("")
            lines.append(style.dim("(\(Format.sanitized(reason, limit: 300)); showing the built-in analysis)"))
        }
        return lines.joined(separator: "\n")
    }
}
