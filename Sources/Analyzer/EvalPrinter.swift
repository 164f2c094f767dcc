import AnalyzerEvaluation
import Foundation

/// The text `analyzer eval` prints: a line per scenario on standard error while it runs, then the
/// tables of the report.
enum EvalPrinter {
    static func progress(index: Int, of total: Int, scenario: Scenario, outcome: ScenarioOutcome) {
        let verdict: String
        if let expected = outcome.expectedService {
            let expectedKind = outcome.expectedKind ?? ""
            let traits = outcome.traits.isEmpty ? "" : " [\(outcome.traits.joined(separator: ","))]"
            if outcome.hit {
                verdict =
                    "ok   \(expected) \(outcome.foundKind ?? "")\(outcome.foundKind == outcome.expectedKind ? "" : " (expected \(expectedKind))")\(traits)"
            } else {
                let found =
                    outcome.overlapping == 0
                    ? "no incident" : outcome.abstained ? "no answer" : "\(outcome.foundService ?? "?") \(outcome.foundKind ?? "")"
                verdict = "MISS expected \(expected) \(expectedKind), got \(found) (rank \(outcome.rank.map(String.init) ?? "-"))\(traits)"
            }
        } else {
            verdict =
                outcome.falseAlarm
                ? "FALSE ALARM (\(outcome.incidents) incidents, confidence \(String(format: "%.2f", outcome.maxConfidence)))"
                : outcome.incidents > 0 ? "ok   \(outcome.incidents) incident(s) under 0.5" : "ok   no incident"
        }
        let name = scenario.name.padding(toLength: 48, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("[\(index + 1)/\(total)] \(name) \(scenario.events.count) events  \(verdict)\n".utf8))
    }

    /// One planned scenario: name, system, fault, traits and what the patterns put in it.
    static func describe(_ spec: ScenarioSpec) -> String {
        let topology = spec.topology
        var parts = [
            spec.name, "\(topology.services.count) services", String(format: "%.1f req/s", spec.requestsPerSecond),
            "\(Int(spec.durationSeconds)) s",
        ]
        if let fault = spec.fault {
            parts.append(
                "fault \(fault.kind.rawValue) in \(fault.service)\(fault.instance.map { "#\($0)" } ?? "") at \(Int(fault.startSecond)) s for \(Int(fault.durationSeconds)) s"
                    + String(format: " (intensity %.2f, scale %.2f, %@)", fault.intensity, fault.scale, fault.mechanism.rawValue)
                    + (fault.traits.isEmpty ? "" : " [\(fault.traits.map(\.rawValue).joined(separator: ","))]"))
        }
        let bursts = spec.realism.clientErrors.bursts.map { "\($0.cause.status)@\(Int($0.startSecond))s" }
        if !bursts.isEmpty { parts.append("bursts " + bursts.joined(separator: " ")) }
        if !spec.realism.surges.isEmpty { parts.append("\(spec.realism.surges.count) surge(s)") }
        if !spec.realism.herrings.isEmpty { parts.append("\(spec.realism.herrings.count) herring(s)") }
        return parts.joined(separator: "  ")
    }

    /// A drawn system: each service with its stack and replicas, each endpoint with its share of the
    /// traffic and its calls.
    static func describe(_ topology: Topology) -> String {
        let shares = topology.endpointShares()
        var lines: [String] = []
        for service in topology.services {
            lines.append(
                "  \(service.name) ×\(service.instances) \(service.ecosystem?.rawValue ?? "classic") \(service.role.rawValue)"
                    + (service.poolSize.map { " pool \($0)" } ?? "") + (service.name == topology.entry ? " (entry)" : ""))
            for endpoint in service.endpoints {
                let share = shares[service.name]?[endpoint.path].map { String(format: "%.3f", $0) } ?? "unused"
                let calls = endpoint.calls.map { "\($0.target)\($0.isOptional ? "?" : "")" }.joined(separator: ", ")
                lines.append("    \(endpoint.method) \(endpoint.path) [\(share)]" + (calls.isEmpty ? "" : " -> \(calls)"))
            }
        }
        for source in topology.sources {
            lines.append("  source -> \(source.service) \(source.endpoint) ×\(String(format: "%.2f", source.rateShare))")
        }
        return lines.joined(separator: "\n")
    }

    static func familyList() -> String {
        var lines = ["families:"]
        for family in ScenarioFamily.all {
            let set = family.isHeldOut ? "held-out" : "tuning  "
            lines.append(
                "  \(family.name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(set)  \(family.trafficShape.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(family.summary)"
            )
        }
        lines.append("patterns (all on by default; --without NAME):")
        for pattern in EvaluationPattern.allCases {
            lines.append("  \(pattern.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(pattern.summary)")
        }
        return lines.joined(separator: "\n")
    }

    static func report(_ report: EvaluationReport, heading: String) -> String {
        var lines = ["", heading, header("")]
        let heldOut = Set(ScenarioFamily.heldOut.map(\.name))
        for card in report.families {
            lines.append(row(card, set: heldOut.contains(card.name) ? "held-out" : card.name == "classic" ? "" : "tuning"))
        }
        lines.append("")
        for card in report.sets { lines.append(row(card, set: "")) }
        if report.kinds.count > 1 {
            lines += ["", header("by kind")]
            for card in report.kinds { lines.append(row(card, set: "")) }
        }
        if !report.traits.isEmpty {
            lines += ["", header("by trait")]
            for card in report.traits { lines.append(row(card, set: "")) }
        }
        lines.append(
            """

            AC@1/AC@3: true root cause first / in the first three candidates of the incident overlapping the fault; \
            kind: answer's kind right over all faulty scenarios (|hit: of the AC@1 hits); FA: controls with an incident \
            of confidence > 0.5 (any: with any incident); unknown: candidates that are no service in the data; \
            conf>=0.8: right / answers given with confidence >= 0.8.
            """)
        return lines.joined(separator: "\n")
    }

    static func header(_ title: String) -> String {
        "\(title.padding(toLength: 20, withPad: " ", startingAt: 0)) set       faults ctrl  AC@1   AC@3   kind   |hit   detected  FA   any  spurious unknown abstain conf>=0.8"
    }

    static func row(_ card: Scorecard, set: String) -> String {
        let calibration = card.calibration.map { String(format: "%d/%d (%.2f)", card.confidentRight, card.confidentAnswers, $0) } ?? "-"
        return [
            card.name.padding(toLength: 20, withPad: " ", startingAt: 0), set.padding(toLength: 9, withPad: " ", startingAt: 0),
            pad(card.faulty, 6), pad(card.controls, 5),
            String(format: "%.3f  %.3f  %.3f  %.3f", card.acAt1, card.acAt3, card.kindAccuracy, card.kindAccuracyOfHits),
            "\(card.detected)/\(card.faulty)".padding(toLength: 8, withPad: " ", startingAt: 0),
            "\(card.falseAlarms)/\(card.controls)".padding(toLength: 4, withPad: " ", startingAt: 0),
            "\(card.controlsWithIncidents)/\(card.controls)".padding(toLength: 4, withPad: " ", startingAt: 0),
            pad(card.spuriousIncidents, 8), pad(card.unknownCandidates, 7),
            pad(card.abstentions, 7), calibration,
        ].joined(separator: " ")
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
