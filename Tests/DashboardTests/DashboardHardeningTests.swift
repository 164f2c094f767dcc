import AnalyzerCore
import AnalyzerEvaluation
import AnalyzerDashboard
import Foundation
import ServiceLog
import Testing
import W3CTraceContext

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// The cases of the hardening issue that reach the dashboard and the commands: extreme values already in
/// a store (written by an older version, or through the library) go through every command and
/// endpoint without stopping anything; query and path parameters are bounded values or a 400; one
/// event dated 9999-12-31 does not move the analysis window; no log text drives the terminal.
@Suite("Dashboard and commands against bad data")
struct DashboardHardeningTests {
    static let traceID = HexID.traceID("4bf92f3577b34da6a3ce929d0e0e4736")!
    static func span(_ hex: String) -> SpanID { HexID.spanID(hex)! }

    /// One request whose every number is extreme, with control characters in its texts, inside the
    /// recorded incident's time, plus resource samples and events at the ends of time.
    static func extremeEvents(correlationID: String) -> [Event] {
        let base = ScenarioSpec.defaultStart.microsecondsSinceEpoch + 300_000_000
        func at(_ offset: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: base + offset) }
        let server = span("00f067aa0ba902b7"), client = span("b7ad6b7169203331"), callee = span("5fb397be34d26b51")
        var events: [Event] = [
            Event(timestamp: at(0), level: .info, service: "gateway\u{1B}[2J", payload: .requestStart(RequestStart(method: "GET", endpoint: "/x\u{07}")),
                  correlationID: correlationID, traceID: traceID, spanID: server),
            Event(timestamp: at(1_000), level: .error, service: "payments", payload: .serviceCall(ServiceCall(
                targetService: "db\u{1B}]0;title\u{07}", method: "POST", endpoint: "/q", durationMS: 1e300, statusCode: Int.max, success: false,
                error: "timeout\u{1B}[31m", attempt: Int.max)), correlationID: correlationID, traceID: traceID, spanID: client, parentSpanID: callee),
            Event(timestamp: at(1_500), level: .error, service: "payments", payload: .serviceCall(ServiceCall(
                targetService: "db", method: "POST", endpoint: "/q", durationMS: -1e300, statusCode: Int.min, success: false)),
                  correlationID: correlationID, traceID: traceID, spanID: span("a1a1a1a1a1a1a1a1"), parentSpanID: callee),
            Event(timestamp: at(2_000), level: .error, service: "payments", payload: .error(ErrorDetails(errorType: "Boom\u{1B}[5m")),
                  message: "evil \u{1B}[2J\u{1B}[31mcleared\u{07}\u{9B}31m", correlationID: correlationID, traceID: traceID, spanID: callee),
            Event(timestamp: at(3_000), level: .info, service: "payments", payload: .requestEnd(RequestEnd(
                method: "POST", endpoint: "/charge", statusCode: Int.min, durationMS: 9.3e15, success: false)),
                  correlationID: correlationID, traceID: traceID, spanID: callee, parentSpanID: server),
            Event(timestamp: at(4_000), level: .info, service: "gateway\u{1B}[2J", payload: .requestEnd(RequestEnd(
                method: "GET", endpoint: "/x\u{07}", statusCode: Int.max, durationMS: 1e300, success: true)),
                  correlationID: correlationID, traceID: traceID, spanID: server),
        ]
        for index in 0..<5 {
            events.append(Event(timestamp: at(Int64(index) * 10_000_000), level: .info, service: "payments", payload: .resource(ResourceSample(
                memoryMB: index.isMultiple(of: 2) ? 1e300 : -1e300, cpuPercent: 1e300, threads: Int.max, openFDs: Int.min,
                gauges: ["pool_in_use": 1e300, "pool_size": -1e300]))))
        }
        // The ends of time: a far past and a far future event (what an older analyzer accepted).
        events.append(Event(timestamp: Timestamp(rfc3339: "0001-01-01T00:00:00Z")!, level: .error, service: "payments", payload: .log, message: "past"))
        events.append(Event(timestamp: Timestamp(rfc3339: "9999-12-31T23:59:59Z")!, level: .error, service: "payments", payload: .log, message: "future"))
        return events
    }

    @Test("Extreme values go through every command and endpoint without stopping anything")
    func extremeValuesThroughEveryCommandAndEndpoint() async throws {
        let id = "extreme-1"
        let (store, path) = try await Recorded.store(with: Recorded.memoryLeak + Self.extremeEvents(correlationID: id))
        // Every command, as a user runs it: each must exit normally (a trap is a signal, not an exit).
        for arguments in [
            ["incidents"], ["incidents", "--json"], ["services"], ["services", "--json"], ["trace", id], ["trace", id, "--json"],
            ["diagnose", id], ["diagnose", id, "--json"], ["trace", Self.traceID.description],
        ] {
            let run = try CLI.capture(arguments + ["--store", path])
            #expect(run.exitedNormally, "analyzer \(arguments.joined(separator: " ")) was killed by signal \(run.status)")
            #expect(run.status == 0, "analyzer \(arguments.joined(separator: " ")) exited \(run.status): \(run.errors.prefix(300))")
        }
        // Every endpoint, on a server that analyses the same store.
        try await withDashboard(store: store) { server in
            let incidents = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
            #expect(incidents.contains { ($0["root_cause"] as? [String: Any])?["service"] as? String == "payments" })
            var paths = ["/api/status", "/api/services", "/api/services?window=2678400", "/api/services?from=0001-01-01T00:00:00Z&until=9999-12-31T23:59:59Z",
                         "/api/requests/\(id)", "/api/requests/\(id)/trace", "/api/requests/\(Self.traceID)/trace", "/metrics"]
            for incident in incidents.compactMap({ $0["id"] as? String }) {
                paths += ["/api/incidents/\(incident)", "/api/incidents/\(incident)/timeline"]
            }
            for path in paths {
                let reply = try await server.get(path)
                #expect(reply.status == 200, "\(path) answered \(reply.status): \(reply.body.prefix(200))")
            }
            let reader = try await EventStreamReader.connect(server.baseURL + "/api/requests/\(id)/diagnosis/stream?ai=false")
            #expect(await reader.wait(within: 120) { $0.name == "done" }?.data.contains("true") == true)
            await reader.stop()
            #expect(try await server.get("/healthz").status == 200, "the server is still up")
        }
    }

    @Test("No log text reaches the terminal as control characters: trace, diagnose, services, incidents")
    func controlCharactersAreEscapedInEveryTerminalView() async throws {
        let id = "evil-\u{1B}]0;owned\u{07}"
        let (_, path) = try await Recorded.store(with: Recorded.memoryLeak + Self.extremeEvents(correlationID: id))
        for arguments in [["trace", id], ["diagnose", id], ["services"], ["incidents"]] {
            let run = try CLI.capture(arguments + ["--store", path])
            #expect(run.status == 0, "\(arguments): \(run.errors.prefix(200))")
            let raw = run.output.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) }
            #expect(raw.isEmpty, "analyzer \(arguments[0]) printed raw control characters: \(raw.map { String($0.value, radix: 16) })")
        }
        let trace = try CLI.capture(["trace", id, "--store", path]).output
        #expect(trace.contains(#"Request evil-\e]0;owned\a"#))
        #expect(trace.contains(#"evil \e[2J\e[31mcleared\a\u{9b}31m"#))
        #expect(try CLI.capture(["services", "--store", path]).output.contains(#"gateway\e[2J"#))
    }

    @Test("Query parameters outside their bounds get 400 with the reason, and the server keeps running")
    func boundedQueryParameters() async throws {
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            // The issue's crashes first: a window whose microseconds overflow 64 bits.
            for window in ["1e300", "inf", "-inf", "nan", "9.3e12", "2678401", "0", "-5", "ten"] {
                let reply = try await server.get("/api/services?window=\(window)")
                #expect(reply.status == 400, "window=\(window) answered \(reply.status)")
                #expect((try reply.json() as? [String: Any])?["error"] as? String == "'window' must be a number of seconds above 0 and at most 2678400 (31 days), not '\(window)'")
            }
            // A far `until` with the largest window is fine (and empty).
            #expect(try await server.get("/api/services?until=9999-12-31T00:00:00Z&window=2678400").status == 200)
            let backwards = try await server.get("/api/services?from=2026-11-24T11:00:00Z&until=2026-11-24T10:00:00Z")
            #expect(backwards.status == 400)
            #expect(backwards.body.contains("must be before"))
            for ai in ["maybe", "2", "tru"] {
                let reply = try await server.get("/api/requests/anything?ai=\(ai)")
                #expect(reply.status == 400)
                #expect(reply.body.contains("'ai' must be true or false"))
            }
            let tooLong = try await server.get("/api/requests/" + String(repeating: "x", count: 300))
            #expect(tooLong.status == 400)
            // Broken percent-encoding (sent raw: HTTP clients repair it before sending).
            for broken in ["%zz", "%C3%28"] {
                let reply = try rawGet(server.baseURL, "/api/requests/\(broken)/trace")
                #expect(reply.hasPrefix("HTTP/1.1 400"), "\(broken): \(reply.prefix(80))")
                #expect(reply.contains("'id' is not valid percent-encoding: \(broken)"))
            }
            #expect(try await server.get("/api/status").status == 200, "the server survived every request")
        }
    }

    @Test("IDs with : + / = are found through the dashboard's own percent-encoded links")
    func pathParametersArePercentDecoded() async throws {
        let id = "ord:1+2/3=4"
        let events = [
            Event(timestamp: ScenarioSpec.defaultStart, level: .info, service: "shop", payload: .requestStart(RequestStart(method: "GET", endpoint: "/")),
                  correlationID: id, traceID: Self.traceID, spanID: Self.span("00f067aa0ba902b7")),
            Event(timestamp: ScenarioSpec.defaultStart.adding(microseconds: 1000), level: .info, service: "shop", payload: .requestEnd(RequestEnd(
                method: "GET", endpoint: "/", statusCode: 200, durationMS: 1, success: true)), correlationID: id, traceID: Self.traceID,
                  spanID: Self.span("00f067aa0ba902b7")),
        ]
        let (store, _) = try await Recorded.store(with: events)
        try await withDashboard(store: store) { server in
            // What `encodeURIComponent` makes of the ID (the pages' links and fetches).
            let encoded = "ord%3A1%2B2%2F3%3D4"
            let trace = try await server.get("/api/requests/\(encoded)/trace")
            #expect(trace.status == 200, "\(trace.body.prefix(200))")
            #expect((try trace.json() as? [String: Any])?["correlation_id"] as? String == id)
            #expect(try await server.get("/api/requests/\(encoded)").status == 200)
            #expect(try await server.get("/requests/\(encoded)").status == 200)
        }
    }

    @Test("One event dated 9999-12-31 does not move the dashboard's analysis window")
    func farFutureEventDoesNotMoveTheWindow() async throws {
        let future = Event(timestamp: Timestamp(rfc3339: "9999-12-31T23:59:59Z")!, level: .error, service: "payments", payload: .log, message: "from the future")
        let (store, _) = try await Recorded.store(with: Recorded.memoryLeak + [future])
        try await withDashboard(store: store) { server in
            let incidents = try #require(try await server.get("/api/incidents").json() as? [[String: Any]])
            #expect(incidents.contains { ($0["root_cause"] as? [String: Any])?["kind"] as? String == "memory_leak" },
                    "the incidents page went empty: the window moved to the future event")
            let status = try #require(try await server.get("/api/status").json() as? [String: Any])
            let analysis = try #require(status["last_analysis"] as? [String: Any])
            let until = try #require(analysis["until"] as? String)
            #expect(until.hasPrefix("2026-11-24"), "the window ends at \(until)")
            #expect((analysis["note"] as? String)?.contains("ahead of this machine's clock and were not analysed") == true)
        }
    }

    @Test("An analysis window holding more events than the cap starts at the newest ones, and says so")
    func analysisMemoryIsBoundedByAnEventCap() async throws {
        let (store, _) = try await Recorded.sharedStore()
        let dashboard = DashboardConfiguration(ingestDebounce: .milliseconds(200), minimumRefreshInterval: .milliseconds(200), maxAnalysisEvents: 2000)
        try await withDashboard(store: store, dashboard: dashboard) { server in
            _ = try await server.get("/api/incidents")
            let status = try #require(try await server.get("/api/status").json() as? [String: Any])
            let analysis = try #require(status["last_analysis"] as? [String: Any])
            #expect(try #require(analysis["events"] as? Int) <= 2000)
            #expect((analysis["note"] as? String)?.contains("shortened to its newest 2000 events") == true)
        }
    }
}

/// `GET path` written byte for byte on a plain socket; the whole response as text.
func rawGet(_ baseURL: String, _ path: String) throws -> String {
    let port = UInt16(baseURL.split(separator: ":").last!)!
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    _ = send(fd, request, request.count, Int32(MSG_NOSIGNAL))
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response += buffer[0..<count]
    }
    return String(decoding: response, as: UTF8.self)
}

extension CLI {
    /// Runs `analyzer ARGS` and keeps everything, whatever the outcome.
    static func capture(_ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(path, arguments, errors: .separate)
    }
}
