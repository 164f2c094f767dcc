import ServiceLog

/// Draws a request as a terminal waterfall: one row per span with offset, duration, self time,
/// status and a bar on a shared time axis; the critical path drawn solid, failures marked, errors
/// inline under the span that wrote them. Written for a tired reader: the verdict line comes first.
public struct WaterfallRenderer: Sendable {
    /// Width of the timeline bars in characters.
    public var barWidth: Int
    public var style: TerminalStyle

    public init(barWidth: Int = 40, style: TerminalStyle = TerminalStyle(enabled: false)) {
        self.barWidth = max(10, barWidth)
        self.style = style
    }

    public func render(_ trace: RequestTrace) -> String {
        var lines: [String] = []
        let (status, success) = trace.outcome
        let entry = trace.roots.first.flatMap { trace.spans[$0] }
        let verdict: String
        if let entry, entry.inFlight {
            verdict = style.yellow("still in flight")
        } else if success == false {
            verdict = style.red("FAILED \(status.map(String.init) ?? "")")
        } else {
            verdict = style.green("OK \(status.map(String.init) ?? "")")
        }
        // Every name and text from the events goes through Format.text/sanitized: a log line must not
        // drive the terminal.
        lines.append(style.bold("Request \(Format.text(trace.correlationID))") + "  \(entry.map { Format.text("\($0.service) \($0.name)") } ?? "")  \(verdict) in \(Format.ms(trace.duration)) ms")
        lines.append("trace \(trace.traceIDs.joined(separator: ", "))  ·  \(trace.services.count) services, \(trace.spans.count) spans, \(trace.events.count) events")
        let failing = trace.flattened().map(\.span).filter(\.failed)
        if let deepest = failing.last {
            let what = deepest.kind == .client
                ? "\(deepest.service) → \(deepest.targetService ?? "?") \(deepest.errorKind ?? "status \(deepest.statusCode ?? 0)")"
                : "\(deepest.service) answered \(deepest.statusCode ?? 0)"
            lines.append(style.red(Format.text("Deepest failure: \(what) (\(deepest.name))")))
        }
        lines.append("Time went to: " + Format.text(Self.describe(trace.timeSpent(), total: trace.duration)))
        lines.append("")
        lines.append(style.dim(
            Format.pad("offset", 9, right: true) + Format.pad("duration", 10, right: true) + Format.pad("self", 9, right: true)
                + "  " + Format.pad("status", 20) + Format.pad("span", 44) + "timeline (ms)"))
        let total = max(trace.timelineDuration, 1)
        for (span, depth) in trace.flattened() {
            let now = trace.end
            let offset = span.start - trace.start
            let duration = span.duration(now: now)
            var status: String
            if span.inFlight {
                status = "in flight"
            } else if let kind = span.errorKind {
                status = "\(span.statusCode ?? 0) \(kind)"
            } else {
                status = "\(span.statusCode ?? 0)"
            }
            if let attempt = span.attempt, attempt > 1 { status += " #\(attempt)" }
            let indent = String(repeating: "  ", count: depth) + (depth > 0 ? "└ " : "")
            let label = span.kind == .client
                ? "\(span.service) → \(span.targetService ?? "?") \(span.name)"
                : "\(span.service) \(span.name)"
            var row = Format.pad(Format.ms(offset), 9, right: true) + Format.pad(Format.ms(duration), 10, right: true)
                + Format.pad(Format.ms(span.selfTime), 9, right: true) + "  "
            let statusText = Format.pad(Format.sanitized(status, limit: 19), 20)
            row += span.failed ? style.red(statusText) : statusText
            row += Format.pad(Format.sanitized(indent + label, limit: 43), 44)
            row += bar(offset: offset, duration: duration, total: total, critical: span.onCriticalPath, failed: span.failed)
            if span.isOrphan { row += style.dim(" (parent span missing)") }
            if span.skewCorrection != 0 { row += style.dim(" (clock skew \(Format.ms(span.skewCorrection)) ms corrected)") }
            lines.append(row)
            for event in span.events where event.eventType == .error || event.level >= .warning {
                let marker = event.eventType == .error ? "! " : "· "
                let kind: String
                if case .error(let details) = event.payload { kind = details.errorType + ": " } else { kind = "" }
                let text = String(repeating: " ", count: 30) + indent + "  " + marker + Format.sanitized(kind + (event.message ?? ""), limit: 120)
                lines.append(event.eventType == .error ? style.red(text) : style.yellow(text))
            }
        }
        if !trace.looseEvents.isEmpty {
            lines.append("")
            lines.append(style.dim("\(trace.looseEvents.count) events outside any span:"))
            for event in trace.looseEvents.prefix(10) {
                lines.append("  \(event.timestamp) \(Format.text(event.service)) \(event.level.rawValue) \(Format.sanitized(event.message ?? "", limit: 120))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `gateway → pricing (2 attempts, both timeout: 3002.0 ms of 3020.4 ms)`.
    static func describe(_ hops: [RequestTrace.TimeSpentHop], total: Int64) -> String {
        guard let last = hops.last else { return "(no spans)" }
        var text = hops.map(\.service).joined(separator: " → ")
        var details: [String] = []
        if last.attempts > 1 { details.append("\(last.attempts) attempts") }
        if !last.errors.isEmpty {
            let kinds = Array(Set(last.errors)).sorted().joined(separator: ", ")
            details.append(last.errors.count == last.attempts && last.attempts > 1 ? "all \(kinds)" : kinds)
        }
        details.append("\(Format.ms(last.micros)) ms of \(Format.ms(total)) ms")
        text += " (" + details.joined(separator: ", ") + ")"
        return text
    }

    private func bar(offset: Int64, duration: Int64, total: Int64, critical: Bool, failed: Bool) -> String {
        let startColumn = Int(saturating: Double(offset) / Double(total) * Double(barWidth))
        let length = max(1, Int(saturating: (Double(duration) / Double(total) * Double(barWidth)).rounded()))
        let clampedStart = min(max(0, startColumn), barWidth - 1)
        let clampedLength = min(length, barWidth - clampedStart)
        let fill = String(repeating: critical ? "█" : "░", count: clampedLength)
        let body = String(repeating: " ", count: clampedStart) + (failed ? style.red(fill) : fill)
            + String(repeating: " ", count: barWidth - clampedStart - clampedLength)
        return "|" + body + "|"
    }
}
