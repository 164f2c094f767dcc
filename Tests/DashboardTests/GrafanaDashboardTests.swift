import AnalyzerDashboard
import Foundation
import ShipperPipeline
import Testing

/// `Examples/Grafana/analyzer-dashboard.json` queries only metrics the analyzer and logshipper export.
@Suite("Grafana dashboard")
struct GrafanaDashboardTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Grafana/analyzer-dashboard.json").path

    /// Every `analyzer_…` name in the panels' queries (a histogram's `_bucket` series counts as the histogram).
    static func queriedMetrics(prefix: String = "analyzer") throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)))
        let panels = try #require((object as? [String: Any])?["panels"] as? [[String: Any]])
        var names = Set<String>()
        for panel in panels {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let expression = try #require(target["expr"] as? String)
                let regex = try Regex(prefix + #"_[a-z0-9_]+"#)
                for match in expression.matches(of: regex) { names.insert(String(expression[match.range])) }
            }
        }
        return names
    }

    @Test("Every metric the Grafana dashboard queries is exported by /metrics")
    func everyQueriedMetricIsExported() async throws {
        let queried = try Self.queriedMetrics()
        #expect(queried.count >= 10, "the dashboard queries \(queried.sorted())")
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            _ = try await server.get("/api/incidents")
            // Traffic counters exist once traffic arrives; new event IDs so that none is a duplicate.
            let traffic = Recorded.errors.prefix(400).enumerated().map { position, event in
                var event = event
                event.eventID = "grafana-check-\(position)"
                return event
            }
            try await server.ingest(traffic)
            let exposition = try await server.get("/metrics").body
            let exported = Set(exposition.split(separator: "\n").compactMap { line -> String? in
                guard !line.hasPrefix("#"), let end = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return nil }
                return String(line[..<end])
            })
            for name in queried.sorted() {
                #expect(exported.contains(name), "the Grafana dashboard queries \(name), which /metrics does not export")
            }
        }
    }

    @Test("Every logshipper metric the Grafana dashboard queries is one the shipper records")
    func everyQueriedShipperMetricIsRecorded() throws {
        let queried = try Self.queriedMetrics(prefix: "logshipper")
        #expect(queried.count >= 10, "the dashboard's shipper panels query \(queried.sorted())")
        for name in queried.sorted() {
            let family = name.hasSuffix("_bucket") ? String(name.dropLast("_bucket".count)) : name
            #expect(PipelineMetrics.help[family] != nil, "the Grafana dashboard queries \(name), which logshipper does not record")
        }
    }
}
