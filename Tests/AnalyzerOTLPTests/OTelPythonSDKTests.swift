import AnalyzerCore
import Foundation
import ServiceLog
import Testing
import TestSupport

/// The OpenTelemetry Python SDK (a client nobody here wrote) exporting to `analyzer serve`, then the
/// analyzer's own CLI reading what arrived, as a user would.
@Suite("OpenTelemetry Python SDK into the analyzer", .serialized)
struct OTelPythonSDKTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sdkPresent = (try? run("/usr/bin/env", ["python3", "-c", "import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http"]).status) == 0
    static let analyzer = BuiltExecutable.path("analyzer")

    static func run(_ executable: String, _ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(executable, arguments, errors: .separate)
    }

    @Test(
        "two Python services' traces, logs and metrics arrive; trace shows the request across both; incidents names the callee",
        .enabled(if: sdkPresent, "needs Python's opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http (scripts/setup.sh installs them)"))
    func twoServices() async throws {
        try await OTLPTestServer.with { server in
            let script = Self.root.appendingPathComponent("tests/otel/two_services.py").path
            let sent = try Self.run("/usr/bin/env", ["python3", script, "--endpoint", server.baseURL])
            #expect(sent.status == 0, "the SDK script failed: \(sent.errors.suffix(2000))")
            // The SDK logs every export it could not deliver; there must be none.
            #expect(!sent.errors.contains("Failed to export"), "\(sent.errors.suffix(2000))")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(sent.output.utf8)) as? [String: Any])
            let requests = try #require(summary["requests"] as? Int)
            let failed = try #require(summary["failed"] as? Int)
            let failingTrace = try #require(summary["failing_trace_id"] as? String)

            // Every span, record and sample is stored: 2 server spans (start + end) and a call per
            // request, a log per request and one more per failure, an exception per failure, and
            // one sample per service.
            let expected = requests * 5 + requests + failed * 2 + 2
            #expect(try await server.store.count() == expected)

            let trace = try Self.run(Self.analyzer, ["trace", failingTrace, "--store", server.storePath, "--no-color"])
            #expect(trace.status == 0, "\(trace.errors)")
            #expect(trace.output.contains("2 services, 3 spans"), "\(trace.output)")
            #expect(trace.output.contains("Deepest failure: inventory answered 500"), "\(trace.output)")
            #expect(trace.output.contains("stock database refused the query"))

            let incidents = try Self.run(Self.analyzer, ["incidents", "--store", server.storePath, "--json"])
            #expect(incidents.status == 0, "\(incidents.errors)")
            let list = try #require(try JSONSerialization.jsonObject(with: Data(incidents.output.utf8)) as? [[String: Any]])
            #expect(list.count == 1)
            let rootCause = try #require(list.first?["root_cause"] as? [String: Any])
            #expect(rootCause["service"] as? String == "inventory")
            #expect(rootCause["kind"] as? String == "errors")
            #expect(list.first?["path"] as? [String] == ["inventory", "checkout"])

            let samples = try await server.store.events(matching: EventQuery(eventTypes: [.resource]))
            #expect(Set(samples.map(\.service)) == ["checkout", "inventory"])
            guard case .resource(let sample) = samples.first?.payload else { return }
            #expect(sample.memoryMB == 180 && sample.cpuPercent == 12)
        }
    }
}

