import AnalyzerCore
import AnalyzerDashboard
import ServiceLog
import Testing

/// The per-service counters and histograms of `/metrics`, fed directly (no server).
@Suite("Traffic metrics")
struct TrafficMetricsTests {
    static func request(_ service: String, milliseconds: Double, success: Bool = true) -> Event {
        Event(
            timestamp: .now(), level: .info, service: service,
            payload: .requestEnd(RequestEnd(method: "GET", endpoint: "/", statusCode: success ? 200 : 503, durationMS: milliseconds, success: success)))
    }

    static func lines(_ metrics: DashboardMetrics) -> [String] {
        metrics.exposition().split(separator: "\n").map(String.init)
    }

    @Test("past the series cap, new services are counted under __overflow__ and the known ones keep counting")
    func overflowLabel() {
        let metrics = DashboardMetrics(maximumTrafficSeries: 3)
        let services = (1...6).map { "svc-\($0)" }
        let events = services.map { Self.request($0, milliseconds: 12) } + [Self.request("svc-1", milliseconds: 40, success: false)]
        metrics.recordIngest(events, StoreReceipt(inserted: events.count))
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"analyzer_service_requests_total{service="svc-1"} 2"#))
        #expect(lines.contains(#"analyzer_service_request_errors_total{service="svc-1"} 1"#))
        #expect(lines.contains(#"analyzer_service_requests_total{service="svc-2"} 1"#))
        let named = lines.filter { $0.hasPrefix("analyzer_service_requests_total{") && !$0.contains("__overflow__") }
        #expect(named.count == 3, "\(named)")
        #expect(lines.contains(#"analyzer_service_requests_total{service="__overflow__"} 3"#))
        #expect(!lines.contains { $0.contains(#"service="svc-6""#) })
    }

    @Test("durations land in the right buckets; the positions a store reports as duplicates are not counted")
    func bucketsAndDuplicates() {
        let metrics = DashboardMetrics()
        let events = [
            Self.request("api", milliseconds: 0.4), Self.request("api", milliseconds: 30), Self.request("api", milliseconds: 30),
            Self.request("api", milliseconds: 90_000),
        ]
        metrics.recordIngest(events, StoreReceipt(inserted: 3, duplicates: 1, duplicatePositions: [2]))
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"analyzer_service_requests_total{service="api"} 3"#))
        #expect(lines.contains(#"analyzer_service_request_duration_seconds_bucket{service="api",le="0.001"} 1"#))
        #expect(lines.contains(#"analyzer_service_request_duration_seconds_bucket{service="api",le="0.05"} 2"#))
        #expect(lines.contains(#"analyzer_service_request_duration_seconds_bucket{service="api",le="30.0"} 2"#))
        #expect(lines.contains(#"analyzer_service_request_duration_seconds_bucket{service="api",le="+Inf"} 3"#))
        #expect(lines.contains(#"analyzer_service_request_duration_seconds_count{service="api"} 3"#))
    }

    @Test("a receipt with duplicates but no positions leaves the batch's traffic uncounted, not counted twice")
    func duplicatesWithoutPositions() {
        let metrics = DashboardMetrics()
        metrics.recordIngest([Self.request("api", milliseconds: 5), Self.request("api", milliseconds: 5)], StoreReceipt(inserted: 1, duplicates: 1))
        let lines = Self.lines(metrics)
        #expect(lines.contains("analyzer_events_ingested_total 1"))
        #expect(!lines.contains { $0.hasPrefix("analyzer_service_requests_total{") })
    }
}
