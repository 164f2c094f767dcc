import AnalyzerCore
import AnalyzerDashboard
import Foundation
import ServiceLog
import Testing

/// The JSON API against a real server on loopback filled with a recorded incident: every endpoint
/// answers what the CLI's `--json` prints for the same store (compared as parsed JSON values).
@Suite("Dashboard API")
struct DashboardAPITests {
    @Test("GET /api/incidents equals `analyzer incidents --json`, and names the recorded root cause")
    func incidentsMatchCLI() async throws {
        let (store, path) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            let reply = try await server.get("/api/incidents")
            #expect(reply.status == 200)
            #expect(reply.header("content-type").first?.hasPrefix("application/json") == true)
            let api = try #require(try reply.json() as? [[String: Any]])
            let cli = try #require(try CLI.json(["incidents", "--json", "--store", path]) as? [[String: Any]])
            #expect(!cli.isEmpty, "the recorded scenario holds an incident")
            #expect(Set(api.compactMap { $0["id"] as? String }) == Set(cli.compactMap { $0["id"] as? String }))
            // `lifecycle` is the tracking state of whichever server analysed last (several tests share this
            // store): it is checked for presence, the analysis itself must be identical.
            func analysis(_ incident: [String: Any]) -> [String: Any] { incident.filter { $0.key != "lifecycle" } }
            for incident in cli {
                let id = try #require(incident["id"] as? String)
                let served = try #require(api.first { $0["id"] as? String == id })
                #expect(jsonDifference(analysis(served), analysis(incident)) == nil, "incident \(id) differs from the CLI's")
                #expect((served["lifecycle"] as? [String: Any])?["state"] is String, "the server tracks \(id)")
            }
            let top = try #require(api.first?["root_cause"] as? [String: Any])
            #expect(top["service"] as? String == "payments")
            #expect(top["kind"] as? String == "memory_leak")

            // One incident: the same object; unknown IDs are a 404 with a JSON error.
            let id = try #require(cli.first?["id"] as? String)
            let one = try await server.get("/api/incidents/\(id)")
            #expect(one.status == 200)
            #expect(jsonDifference(analysis(try #require(try one.json() as? [String: Any])), analysis(cli[0])) == nil)
            let missing = try await server.get("/api/incidents/inc-nope")
            #expect(missing.status == 404)
            #expect((try missing.json() as? [String: Any])?["error"] is String)
        }
    }

    @Test("GET /api/requests/{id} and /trace equal `analyzer diagnose --json` and `analyzer trace --json`")
    func requestMatchesCLI() async throws {
        let (store, path) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            let incidents = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
            let id = try #require((incidents.first?["correlation_ids"] as? [String])?.first)

            let diagnosis = try await server.get("/api/requests/\(id)")
            #expect(diagnosis.status == 200)
            let cliDiagnosis = try CLI.json(["diagnose", id, "--json", "--store", path])
            #expect(jsonDifference(try diagnosis.json(), cliDiagnosis) == nil)

            let trace = try await server.get("/api/requests/\(id)/trace")
            #expect(trace.status == 200)
            let cliTrace = try CLI.json(["trace", id, "--json", "--store", path])
            #expect(jsonDifference(try trace.json(), cliTrace) == nil)

            // By trace ID too (the search box accepts either).
            let traceID = try #require(((try trace.json() as? [String: Any])?["trace_ids"] as? [String])?.first)
            let byTrace = try await server.get("/api/requests/\(traceID)/trace")
            #expect(byTrace.status == 200)
            #expect((try byTrace.json() as? [String: Any])?["correlation_id"] as? String == id)

            #expect(try await server.get("/api/requests/no-such-request").status == 404)
            #expect(try await server.get("/api/requests/no-such-request/trace").status == 404)
        }
    }

    @Test("GET /api/services?from&until equals `analyzer services --json --since --until`")
    func servicesMatchCLI() async throws {
        let (store, path) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            let from = "2026-11-24T10:02:00Z", until = "2026-11-24T10:08:00Z"
            let reply = try await server.get("/api/services?from=\(from)&until=\(until)")
            #expect(reply.status == 200)
            let cli = try CLI.json(["services", "--json", "--store", path, "--since", from, "--until", until])
            let served = try #require(try reply.json() as? [String: Any])
            #expect(jsonDifference(served, cli) == nil)
            #expect((served["nodes"] as? [Any])?.count == 11)

            #expect(try await server.get("/api/services?from=yesterday").status == 400)
            let recent = try #require(try await server.get("/api/services?window=60").json() as? [String: Any])
            #expect(try #require(recent["window_seconds"] as? Double) <= 61)
        }
    }

    @Test("GET /api/incidents/{id}/timeline covers the incident with buckets for the entry service")
    func timeline() async throws {
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            let incidents = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
            let id = try #require(incidents.first?["id"] as? String)
            let timeline = try #require(try await server.get("/api/incidents/\(id)/timeline").json() as? [String: Any])
            let series = try #require(timeline["series"] as? [[String: Any]])
            let gateway = try #require(series.first { $0["service"] as? String == "gateway" })
            #expect(gateway["role"] as? String == "entry")
            let buckets = try #require(gateway["buckets"] as? [[String: Any]])
            #expect(buckets.count > 10)
            #expect(buckets.contains { ($0["requests"] as? Int ?? 0) > 0 })
            #expect(series.contains { $0["service"] as? String == "payments" && $0["role"] as? String == "candidate" })
        }
    }

    @Test("The diagnosis stream reports every stage, the built-in diagnosis, then why the AI is unavailable")
    func diagnosisStream() async throws {
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            let incidents = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
            let id = try #require((incidents.first?["correlation_ids"] as? [String])?.first)
            let reader = try await EventStreamReader.connect(server.baseURL + "/api/requests/\(id)/diagnosis/stream")
            let done = await reader.wait(within: 120) { $0.name == "done" }
            #expect(done?.data.contains("true") == true)
            let messages = await reader.messages
            let stages = messages.filter { $0.name == "progress" }.compactMap { message in
                (try? JSONSerialization.jsonObject(with: Data(message.data.utf8)) as? [String: Any])?["stage"] as? String
            }
            #expect(stages == ["gathering_data", "analysing_traces", "builtin_ready", "ai_unavailable"])
            let unavailable = messages.last { $0.name == "progress" }?.data ?? ""
            #expect(unavailable.contains("AI unavailable: no LLM configured"))
            let diagnoses = messages.filter { $0.name == "diagnosis" }
            #expect(diagnoses.count == 2)
            #expect(diagnoses.first?.data.contains(#""service":"payments""#) == true)
            await reader.stop()
        }
    }
}
