import AnalyzerDashboard
import Foundation
import ShipperPipeline
import Testing
import TestSupport

/// `Examples/Prometheus/alerts.yml`: valid for Prometheus (its own `promtool`), firing as its unit
/// tests say (`alerts-test.yml`: series labelled as the binaries label them), and every metric it
/// alerts on is one the analyzer or logshipper exports (an alert on a misspelt name never fires).
@Suite("Prometheus alerting rules")
struct AlertRulesTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Prometheus/alerts.yml").path
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs promtool with `arguments` in the rules' folder; its exit status and everything it printed.
    static func promtool(_ arguments: [String]) throws -> (status: Int32, report: String) {
        // Relative paths in the rule tests start from the rules' folder.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let outcome = try ChildProcess.run(try #require(promtool), arguments, directory: folder)
        return (outcome.status, outcome.output)
    }

    @Test("promtool check rules accepts the file",
          .enabled(if: promtool != nil, "needs promtool (Debian's prometheus package, installed by scripts/setup.sh)"))
    func promtoolAcceptsTheRules() throws {
        let run = try Self.promtool(["check", "rules", Self.path])
        #expect(run.status == 0, "promtool: \(run.report)")
        #expect(run.report.contains("SUCCESS"))
    }

    @Test("promtool test rules: the alerts fire on the series the binaries export, with their labels",
          .enabled(if: promtool != nil, "needs promtool (Debian's prometheus package, installed by scripts/setup.sh)"))
    func promtoolUnitTestsPass() throws {
        let run = try Self.promtool(["test", "rules", "alerts-test.yml"])
        #expect(run.status == 0, "promtool test rules (Examples/Prometheus/alerts-test.yml): \(run.report)")
        #expect(run.report.contains("SUCCESS"))
    }

    @Test("Every metric the rules use is exported by the analyzer or logshipper")
    func everyMetricExists() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        let rules = lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- alert:") }
        #expect(rules.count >= 8, "only \(rules.count) rules")
        // Expressions may span lines (`expr: >-`); names outside them (summaries) must exist too.
        let expressions = lines
        let known = Set(DashboardMetrics.names).union(PipelineMetrics.help.keys)
        let regex = try Regex(#"(analyzer|logshipper)_[a-z0-9_]+"#)
        var used = Set<String>()
        for expression in expressions {
            for match in expression.matches(of: regex) { used.insert(String(expression[match.range])) }
        }
        #expect(used.count >= 8, "the rules use \(used.sorted())")
        for name in used.sorted() {
            let family = name.hasSuffix("_bucket") ? String(name.dropLast("_bucket".count)) : name
            #expect(known.contains(family), "an alert uses \(name), which neither binary exports")
        }
    }
}
