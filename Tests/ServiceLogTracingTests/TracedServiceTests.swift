import AnalyzerCore
import AsyncHTTPClient
import Foundation
import ServiceLog
import Testing

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// `Examples/TracedService` run as two real processes (Hummingbird's `TracingMiddleware` and
/// AsyncHTTPClient's request spans, nothing of ServiceLog's own request helpers), over loopback; then
/// the analyzer's CLI reads what they wrote, as a user would.
@Suite("A service traced with swift-distributed-tracing, end to end", .serialized)
struct TracedServiceTests {
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let service = binaries.appendingPathComponent("traced-service").path
    static let analyzer = binaries.appendingPathComponent("analyzer").path
    static var built: Bool {
        FileManager.default.isExecutableFile(atPath: service) && FileManager.default.isExecutableFile(atPath: analyzer)
    }

    @Test(
        "checkout calls inventory through AsyncHTTPClient; both write one request tree; analyzer trace shows it across both",
        .enabled(if: built, "needs the traced-service and analyzer executables (`swift build --build-tests` builds them)"))
    func twoServices() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traced-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let statuses = try await Self.runPair(in: directory, extraArguments: [])
        #expect(statuses == [1: 502, 2: 200, 3: 502, 4: 200, 5: 502, 6: 200])

        let checkoutEvents = try Self.events(directory.appendingPathComponent("checkout.ndjson"))
        let inventoryEvents = try Self.events(directory.appendingPathComponent("inventory.ndjson"))
        let calls = checkoutEvents.filter { $0["event_type"] as? String == "service_call" }
        let served = inventoryEvents.filter { $0["event_type"] as? String == "request_start" && $0["endpoint"] as? String == "/stock/{id}" }
        #expect(calls.count == 6 && served.count == 6)
        #expect(calls.allSatisfy { $0["target_service"] as? String == "inventory" }, "named by the peer-service mapping, not by address")
        for call in calls {
            // The callee's server span is the child of the caller's client span, in the same request.
            let child = served.first { $0["parent_span_id"] as? String == call["span_id"] as? String }
            #expect(child?["trace_id"] as? String == call["trace_id"] as? String)
            #expect(child?["correlation_id"] as? String == call["correlation_id"] as? String)
        }
        let ends = checkoutEvents.filter { $0["event_type"] as? String == "request_end" && $0["endpoint"] as? String != "/health" }
        #expect(ends.count == 6 && ends.allSatisfy { $0["endpoint"] as? String == "/checkout/{id}" })
        #expect(ends.filter { $0["success"] as? Bool == false }.map { $0["status_code"] as? Int } == [502, 502, 502])
        #expect(inventoryEvents.filter { $0["event_type"] as? String == "error" }.count == 3, "one error event per failed request")
        let failing = try #require(calls.first { $0["success"] as? Bool == false }?["trace_id"] as? String)

        let store = directory.appendingPathComponent("events.sqlite").path
        let ingest = try Self.run(Self.analyzer, ["ingest", "--store", store, directory.appendingPathComponent("checkout.ndjson").path,
                                                  directory.appendingPathComponent("inventory.ndjson").path])
        #expect(ingest.status == 0, "\(ingest.output)")
        let trace = try Self.run(Self.analyzer, ["trace", failing, "--store", store, "--no-color"])
        #expect(trace.status == 0, "\(trace.output)")
        #expect(trace.output.contains("2 services"), "\(trace.output)")
        #expect(trace.output.contains("inventory answered 500"), "\(trace.output)")
    }

    @Test(
        "the same code with swift-otel as the backend exports OTLP/HTTP to analyzer serve; trace shows the request across both",
        .enabled(if: built, "needs the traced-service and analyzer executables (`swift build --build-tests` builds them)"))
    func swiftOTelExport() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traced-otel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("events.sqlite").path
        let analyzerPort = Self.freePort()
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: Self.analyzer)
        serve.arguments = ["serve", "--store", store, "--port", "\(analyzerPort)"]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.standardError
        try serve.run()
        defer {
            serve.terminate()
            serve.waitUntilExit()
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        try await Self.waitUntilHealthy(client, port: analyzerPort, path: "/healthz")
        try await client.shutdown()

        let statuses = try await Self.runPair(
            in: directory, extraArguments: ["--export", "otlp", "--otlp-endpoint", "http://127.0.0.1:\(analyzerPort)"])
        #expect(statuses == [1: 502, 2: 200, 3: 502, 4: 200, 5: 502, 6: 200])
        // swift-otel exports on shutdown; the analyzer answers only after its store commit.
        let events = try await SQLiteEventStore(path: store).events(matching: EventQuery())
        let calls = events.filter { $0.eventType == .serviceCall }
        func endpoint(_ event: Event) -> String? {
            switch event.payload {
            case .requestStart(let start): start.endpoint
            case .requestEnd(let end): end.endpoint
            default: nil
            }
        }
        let served = events.filter { $0.eventType == .requestStart && endpoint($0) == "/stock/{id}" }
        #expect(calls.count == 6 && served.count == 6)
        #expect(events.filter { $0.eventType == .requestEnd && endpoint($0) == "/checkout/{id}" }.count == 6)
        for call in calls {
            #expect(served.contains { $0.parentSpanID == call.spanID && $0.traceID == call.traceID })
        }
        let failing = try #require(calls.first { if case .serviceCall(let c) = $0.payload { !c.success } else { false } }?.traceID)
        let trace = try Self.run(Self.analyzer, ["trace", failing.description, "--store", store, "--no-color"])
        #expect(trace.status == 0, "\(trace.output)")
        #expect(trace.output.contains("2 services"), "\(trace.output)")
        #expect(trace.output.contains("Deepest failure: inventory answered 500"), "\(trace.output)")
        // swift-otel's client spans name only 127.0.0.1: the callee's own span names the call.
        #expect(trace.output.contains("checkout → inventory"), "\(trace.output)")
    }

    /// Starts inventory (failing odd IDs) and checkout calling it, sends /checkout/1...6, stops both
    /// gracefully (Hummingbird's service lifecycle flushes what is buffered) and returns the statuses.
    static func runPair(in directory: URL, extraArguments: [String]) async throws -> [Int: UInt] {
        let (inventoryPort, checkoutPort) = (freePort(), freePort())
        let inventory = try start(
            ["--service", "inventory", "--port", "\(inventoryPort)", "--fail-odd"] + extraArguments,
            output: directory.appendingPathComponent("inventory.ndjson"))
        let checkout = try start(
            ["--service", "checkout", "--port", "\(checkoutPort)", "--downstream", "inventory=http://127.0.0.1:\(inventoryPort)"] + extraArguments,
            output: directory.appendingPathComponent("checkout.ndjson"))
        var statuses: [Int: UInt] = [:]
        do {
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            try await waitUntilHealthy(client, port: inventoryPort)
            try await waitUntilHealthy(client, port: checkoutPort)
            for id in 1...6 {
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(checkoutPort)/checkout/\(id)"), timeout: .seconds(5))
                statuses[id] = response.status.code
            }
            try await client.shutdown()
        } catch {
            kill(checkout.processIdentifier, SIGKILL)
            kill(inventory.processIdentifier, SIGKILL)
            throw error
        }
        for process in [checkout, inventory] {
            process.terminate()
            process.waitUntilExit()
        }
        return statuses
    }

    static func start(_ arguments: [String], output: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: service)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.standardError
        try process.run()
        return process
    }

    static func waitUntilHealthy(_ client: HTTPClient, port: Int, path: String = "/health") async throws {
        for _ in 0..<100 {
            if let response = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "traced-service on port \(port) never answered /health"])
    }

    static func events(_ file: URL) throws -> [[String: Any]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(executable, arguments)
    }

    /// A port nothing listens on right now.
    static func freePort() -> Int {
        LoopbackPort.free()
    }
}
