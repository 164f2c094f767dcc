import AnalyzerCore
import AnalyzerDashboard
import Foundation
import NIOCore
import AsyncHTTPClient
import ServiceLog
import Testing
import TestSupport

/// Live updates and metrics: events posted to `/v1/events` reach open streams, a new incident is
/// found without anyone asking, and `/metrics` reflects ingest and analysis.
@Suite("Dashboard live updates and metrics")
struct DashboardLiveTests {
    @Test("A new incident ingested through POST /v1/events is announced on /api/stream")
    func newIncidentArrivesLive() async throws {
        let (store, _) = try await Recorded.store(with: Recorded.memoryLeak)
        let log = CapturedLog()
        try await withDashboard(store: store, log: log) { server in
            let before = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
            let reader = try await EventStreamReader.connect(server.baseURL + "/api/stream")
            #expect(await reader.wait(within: 30) { $0.name == "hello" } != nil)

            try await server.ingest(Recorded.errors)

            let ingest = await reader.wait(within: 60) { $0.name == "ingest" }
            #expect(ingest?.data.contains(#""accepted":"#) == true)
            let progress = await reader.wait(within: 60) { $0.name == "progress" && $0.data.contains("analysing_traces") }
            #expect(progress != nil, "the analysis reports its stages")
            let newIDs = await Self.newIncidentIDs(from: reader, within: 120)
            let seen = await reader.messages.map { "\($0.name): \($0.data.prefix(120))" }.joined(separator: "\n")
            try #require(!newIDs.isEmpty, "no incidents event with a new incident; got:\n\(seen)")

            // Batches arrive one by one, so early analyses may see part of the new incident; wait for
            // the list to settle on the whole of it (a deadline, not a timing assertion).
            var after: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(120)
            repeat {
                after = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
                if after.first.flatMap({ ($0["root_cause"] as? [String: Any])?["service"] as? String }) == "fraud" { break }
                try await Task.sleep(for: .milliseconds(200))
            } while ContinuousClock.now < deadline
            // Newest first: the new incident (two hours later) leads the list; the recorded one is kept.
            let fresh = try #require(after.first)
            #expect((fresh["root_cause"] as? [String: Any])?["service"] as? String == "fraud")
            #expect(after.contains { $0["id"] as? String == before.first?["id"] as? String })
            #expect(after.count == before.count + 1)
            // ...and it was announced on the stream.
            let freshID = try #require(fresh["id"] as? String)
            let announced = await Self.newIncidentIDs(from: reader, within: 60, containing: freshID)
            #expect(announced.contains(freshID), "the stream never announced \(freshID)")
            await reader.stop()

            // The analyzer's own log says so too, once per incident opened, with typed values.
            let opened = log.lines().filter { $0["message"] as? String == "incident opened" }
            let line = try #require(opened.first { $0["incident_id"] as? String == freshID }, "no 'incident opened' line for \(freshID): \(opened)")
            #expect(line["level"] as? String == "notice")
            #expect(line["root_cause"] as? String == "fraud")
            #expect(line["confidence"] is Double || line["confidence"] is Int, "confidence is written as a number: \(line)")
            #expect((line["affected_services"] as? [String])?.contains("fraud") == true)
            #expect(opened.filter { $0["incident_id"] as? String == freshID }.count == 1, "opened once, however many analyses followed")
            #expect(opened.contains { $0["incident_id"] as? String == before.first?["id"] as? String }, "the recorded incident was logged when first found")
        }
    }

    /// The `new_ids` of the first `incidents` event that has some, waiting up to `seconds` (a deadline).
    /// With `containing`, waits until that ID was announced and returns every ID announced so far.
    static func newIncidentIDs(from reader: EventStreamReader, within seconds: Double, containing id: String? = nil) async -> [String] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        repeat {
            let announced = await reader.messages.filter { $0.name == "incidents" }.flatMap(newIDs)
            if let id {
                if announced.contains(id) { return announced }
            } else if !announced.isEmpty {
                return announced
            }
            try? await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return []
    }

    /// The `new_ids` of an `incidents` event.
    static func newIDs(_ message: EventStreamReader.Message) -> [String] {
        let object = try? JSONSerialization.jsonObject(with: Data(message.data.utf8)) as? [String: Any]
        return object?["new_ids"] as? [String] ?? []
    }

    @Test("/metrics exports ingest, incidents and per-service counters and histograms in Prometheus text format")
    func metrics() async throws {
        let (store, _) = try await Recorded.store(with: Recorded.memoryLeak)
        try await withDashboard(store: store) { server in
            _ = try await server.get("/api/incidents")  // waits for the first analysis
            let batch = Array(Recorded.errors.prefix(500))
            try await server.ingest(batch)
            let reply = try await server.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("content-type").first?.hasPrefix("text/plain") == true)
            let lines = reply.body.split(separator: "\n").map(String.init)
            #expect(lines.contains("analyzer_events_ingested_total \(batch.count)"))
            #expect(lines.contains("analyzer_ingest_batches_total 1"))
            #expect(lines.contains("# TYPE analyzer_incidents_open gauge"))
            #expect(lines.contains { $0.hasPrefix("analyzer_incidents_known ") && !$0.hasSuffix(" 0.0") })
            // Traffic as counters and histograms of what was ingested, counted once: a batch mixing 100
            // resent events with 200 new ones counts only the new ones.
            let fresh = Array(Recorded.errors.dropFirst(500).prefix(200))
            let counted = batch + fresh
            let requests = counted.filter { if case .requestEnd = $0.payload { $0.service == "payments" } else { false } }
            let failed = requests.filter { if case .requestEnd(let end) = $0.payload { !end.success } else { false } }
            let calls = counted.filter { if case .serviceCall(let call) = $0.payload { $0.service == "orders" && call.targetService == "payments" } else { false } }
            #expect(!requests.isEmpty && !failed.isEmpty && !calls.isEmpty, "the recording has payments requests, failures and calls to it")
            try await server.ingest(Array(batch.prefix(100)) + fresh)
            var refused = HTTPClientRequest(url: server.baseURL + "/v1/events")
            refused.method = .POST
            refused.headers.add(name: "Content-Type", value: "application/x-ndjson")
            refused.body = .bytes(ByteBuffer(string: "not an event\n"))
            #expect(try await server.send(refused).status == 400)
            var probe = HTTPClientRequest(url: server.baseURL + "/v1/admin-\(UUID().uuidString)")
            probe.method = .POST
            #expect(try await server.send(probe).status == 404)
            let again = try await server.get("/metrics").body.split(separator: "\n").map(String.init)
            #expect(again.contains(#"analyzer_service_requests_total{service="payments"} \#(requests.count)"#))
            #expect(again.contains(#"analyzer_service_request_errors_total{service="payments"} \#(failed.count)"#))
            #expect(again.contains(#"analyzer_service_request_duration_seconds_count{service="payments"} \#(requests.count)"#))
            #expect(again.contains(#"analyzer_edge_calls_total{caller="orders",callee="payments"} \#(calls.count)"#))
            #expect(again.contains { $0.hasPrefix(#"analyzer_edge_call_duration_seconds_bucket{caller="orders",callee="payments",le="+Inf"} "#) })
            #expect(again.contains("analyzer_events_duplicate_total 100"))
            #expect(again.contains(#"analyzer_ingest_requests_total{path="/v1/events",code="200"} 2"#), "\(again.filter { $0.contains("requests_total") })")
            #expect(again.contains(#"analyzer_ingest_requests_total{path="/v1/events",code="400"} 1"#))
            #expect(again.contains(#"analyzer_ingest_requests_total{path="/v1/events",code="413"} 0"#), "present at 0 from the start")
            #expect(!again.contains { $0.contains("admin-") }, "a probed path does not become a series")
            #expect(again.contains("analyzer_ingest_batch_events_count 2"))
            #expect(!lines.contains { $0.contains("per_second") || $0.contains("_p99_") }, "no precomputed rates or quantiles")
            for name in DashboardMetrics.names {
                #expect(lines.contains { $0.hasPrefix("# TYPE \(name) ") }, "\(name) is not exported")
                let help = try #require(DashboardMetrics.help[name], "\(name) has no help text")
                #expect(lines.contains("# HELP \(name) \(help)"), "\(name) is exported without its # HELP line")
            }
            #expect(lines.contains { $0.hasPrefix(#"analyzer_build_info{version=""#) && $0.hasSuffix("} 1.0") })
            let check = try PrometheusExpositionCheck.run(reply.body)
            #expect(check.status == 0, "prometheus-client's parser (scripts/setup.sh installs it): \(check.report)")
        }
    }
}
