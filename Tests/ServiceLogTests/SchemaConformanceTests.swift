import Foundation
import Logging
import ServiceLog
import Testing
import TestSupport

/// Every event type, written by the real handler (with nasty metadata), must validate against the
/// published JSON Schema, checked by an independent validator (Python's `jsonschema`).
@Suite struct SchemaConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyEventTypeValidatesAgainstTheSchema() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.ndjson").path
        let (logger, writer) = makeLogger(output: try RotatingFileOutput(path: path))
        struct Boom: Error {}
        let metadata: Logger.Metadata = [
            "service": "collides", "weird\nkey": "v\u{0}", "n": .stringConvertible(Double.nan), "list": [.stringConvertible(1), "two"],
            "deep": .dictionary(["a": .dictionary(["b": "c"])]), "token": "secret",
        ]
        // Outside a request and inside one; with and without a parent span.
        logger.info("startup", metadata: metadata)
        logger.resource(ResourceSample(memoryMB: 12.5, cpuPercent: 3, threads: 4, openFDs: 5, gauges: ["pool_in_use": 1]))
        _ = await withIncomingRequest(
            method: "POST", endpoint: "/v1/orders", headers: { _ in nil }, userID: "u-1", logger: logger, statusCode: { $0 }
        ) {
            logger.notice("inside", metadata: metadata)
            logger.errorEvent(Boom(), message: "boom", stack: "frame 1\nframe 2")
            _ = try? await withServiceCall(to: "payments", method: "POST", endpoint: "/charge", logger: logger, retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1)), statusCode: { $0 }) { _ in 503 }
            _ = try? await withServiceCall(to: "db", method: "GET", endpoint: "/q", logger: logger, statusCode: { (x: Int) in x }) { _ -> Int in throw CancellationError() }
            return 201
        }
        _ = try? await withIncomingRequest(method: "GET", endpoint: "/fail", headers: { $0 == "traceparent" ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" : nil }, logger: logger, statusCode: { (x: Int) in x }) { () async throws -> Int in throw Boom() }
        writer.flush()
        let written = try String(contentsOfFile: path, encoding: .utf8)
        let types = Set(try written.split(separator: "\n").map { try Event(jsonLine: String($0)).eventType })
        #expect(types == Set(EventType.allCases))

        let validation = try ChildProcess.run("/usr/bin/env", [
            "python3", Self.root.appendingPathComponent("scripts/validate-events.py").path,
            Self.root.appendingPathComponent("docs/event-format.schema.json").path, path,
        ])
        let report = validation.output
        #expect(validation.status == 0, "schema validation failed (needs python3 + jsonschema, installed by .ci/run):\n\(report)")
        #expect(report.contains("0 invalid"))
    }
}
