import Foundation
import ServiceLog
import Testing
import TestSupport

/// `logshipper --to-otlp`: canonical events as OTLP/HTTP logs, decoded by OpenTelemetry's own Python
/// protobuf classes (tests/otel/otlp_receiver.py), through an outage of the receiver.
@Suite("logshipper's OTLP output", .serialized)
struct OTLPOutputTests {
    static let receiverScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tests/otel/otlp_receiver.py").path
    static let protoPresent = (try? ChildProcess.run(
        "/usr/bin/env", ["python3", "-c", "import opentelemetry.proto.collector.logs.v1.logs_service_pb2"], errors: .discarded).status) == 0

    /// One record as the independent decoder wrote it, attributes flattened to `key: value`.
    struct Record {
        var json: [String: Any]
        var attributes: [String: Any] = [:]
        var resource: [String: Any] = [:]

        init(_ json: [String: Any]) {
            self.json = json
            attributes = Self.flatten(json["attributes"])
            resource = Self.flatten((json["resource"] as? [String: Any])?["attributes"])
        }

        static func flatten(_ list: Any?) -> [String: Any] {
            var result: [String: Any] = [:]
            for item in list as? [[String: Any]] ?? [] {
                guard let key = item["key"] as? String, let value = item["value"] as? [String: Any], let (_, inner) = value.first else { continue }
                result[key] = inner
            }
            return result
        }

        subscript(_ key: String) -> Any? { json[key] }
        /// OTLP's 16- and 8-byte IDs arrive base64 in protobuf's JSON mapping.
        func hexID(_ key: String) -> String? {
            (json[key] as? String).flatMap { Data(base64Encoded: $0) }.map { $0.map { String(format: "%02x", $0) }.joined() }
        }
    }

    static let trace = "4bf92f3577b34da6a3ce929d0e0e4736"

    /// One event of each type, with every optional field the mapping names.
    static func lines() -> [String] {
        let time = "2026-12-01T10:00:00.123456Z"
        let common = #""host":"ip-10-0-4-52","instance":"payments-7b4c","source":"payments.http","correlation_id":"c-1","trace_id":"\#(trace)","span_id":"00f067aa0ba902b7","parent_span_id":"b7ad6b7169203331","trace_flags":"01""#
        return [
            #"{"timestamp":"\#(time)","level":"warning","service":"payments","event_type":"request_end","event_id":"e-end",\#(common),"method":"POST","endpoint":"/v1/charges","status_code":402,"duration_ms":55.5,"success":false,"order_id":"o-9"}"#,
            #"{"timestamp":"\#(time)","level":"warning","service":"payments","event_type":"service_call","event_id":"e-call",\#(common),"target_service":"acquirer","method":"POST","endpoint":"/auth","duration_ms":3000,"status_code":0,"success":false,"error":"timeout","attempt":2}"#,
            #"{"timestamp":"\#(time)","level":"error","service":"payments","event_type":"error","event_id":"e-error",\#(common),"message":"issuer declined","error_type":"CardDeclined","stack":"at charge()"}"#,
            #"{"timestamp":"\#(time)","level":"info","service":"payments","event_type":"resource","event_id":"e-resource","instance":"payments-7b4c","memory_mb":212.5,"cpu_percent":37.5,"threads":14,"open_fds":83,"pool_in_use":6}"#,
            #"{"timestamp":"\#(time)","level":"info","service":"payments","event_type":"request_start","event_id":"e-start",\#(common),"method":"POST","endpoint":"/v1/charges","user_id":"u-1"}"#,
            "2026-12-01 10:00:01 ERROR plain text from a legacy logger",
        ]
    }

    @Test(
        "every field lands where docs/event-format.md says, after the receiver's outage",
        .enabled(if: ProcessHarness.executablesExist && protoPresent, "needs logshipper (swift build --build-tests) and Python's opentelemetry-proto (scripts/setup.sh)"))
    func mapping() async throws {
        let harness = try ProcessHarness("otlp")
        defer { harness.cleanUp() }
        let port = ProcessHarness.freePort()
        let out = harness.directory + "/records.jsonl"
        let receiver = try harness.launch("/usr/bin/env", ["python3", Self.receiverScript, "--port", "\(port)", "--out", out, "--fail-first", "2"], log: "receiver.log")
        // Killed, not terminated: a child of the test runner may inherit an ignored SIGTERM.
        defer { ProcessHarness.stopIfRunning(receiver) }
        try ProcessHarness.waitUntil("receiver listening on \(port)") { ProcessHarness.canConnect(port: port) }
        try harness.appendLines(Self.lines(), to: "payments.log")
        let shipper = try harness.launch(
            ProcessHarness.shipperPath,
            ["--file", harness.directory + "/logs/*.log", "--to-otlp", "http://127.0.0.1:\(port)", "--state-dir", harness.stateDirectory,
             "--service", "legacy", "--metrics-listen", "off", "--set", "batch.max_age_ms=50", "--set", "retry.cap_ms=300"],
            log: "shipper.log")
        defer { ProcessHarness.stopIfRunning(shipper) }

        func records() -> [Record] {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map(Record.init)
        }
        try await ProcessHarness.waitUntil("6 records at the OTLP receiver", seconds: 60) { records().count >= 6 }
        try await Task.sleep(for: .milliseconds(500))
        let all = records()
        #expect(all.count == 6, "\(harness.log("shipper.log").suffix(1500))")
        let byID = Dictionary(all.compactMap { record in (record.attributes["log.record.uid"] as? String).map { ($0, record) } }, uniquingKeysWith: { first, _ in first })

        let end = try #require(byID["e-end"])
        #expect(end["time_unix_nano"] as? String == "1796119200123456000")
        #expect(end["severity_number"] as? String == "SEVERITY_NUMBER_WARN" && end["severity_text"] as? String == "WARNING")
        #expect(end["event_name"] as? String == "servicelog.request_end")
        #expect(end.hexID("trace_id") == Self.trace && end.hexID("span_id") == "00f067aa0ba902b7")
        #expect(end["flags"] as? Int == 1)
        #expect(end.resource["service.name"] as? String == "payments" && end.resource["service.instance.id"] as? String == "payments-7b4c")
        #expect(end.resource["host.name"] as? String == "ip-10-0-4-52" && end["scope"] as? String == "payments.http")
        #expect(end.attributes["http.request.method"] as? String == "POST" && end.attributes["url.path"] as? String == "/v1/charges")
        #expect(end.attributes["http.response.status_code"] as? String == "402")
        #expect(end.attributes["http.server.request.duration"] as? Double == 0.0555)
        #expect(end.attributes["servicelog.success"] as? Bool == false)
        #expect(end.attributes["servicelog.correlation_id"] as? String == "c-1" && end.attributes["servicelog.parent_span_id"] as? String == "b7ad6b7169203331")
        #expect(end.attributes["order_id"] as? String == "o-9")

        let call = try #require(byID["e-call"])
        #expect(call.attributes["peer.service"] as? String == "acquirer" && call.attributes["error.type"] as? String == "timeout")
        #expect(call.attributes["http.request.resend_count"] as? String == "1" && call.attributes["http.client.request.duration"] as? Double == 3)

        let error = try #require(byID["e-error"])
        #expect((error["body"] as? [String: Any])?["string_value"] as? String == "issuer declined")
        #expect(error.attributes["exception.type"] as? String == "CardDeclined" && error.attributes["exception.stacktrace"] as? String == "at charge()")
        #expect(error["severity_number"] as? String == "SEVERITY_NUMBER_ERROR")

        let resource = try #require(byID["e-resource"])
        #expect(resource.attributes["process.memory.usage"] as? Double == 212.5 * 1_048_576)
        #expect(resource.attributes["process.cpu.utilization"] as? Double == 0.375)
        #expect(resource.attributes["process.thread.count"] as? String == "14" && resource.attributes["process.unix.file_descriptor.count"] as? String == "83")
        #expect(resource.attributes["pool_in_use"] as? Double == 6)

        let start = try #require(byID["e-start"])
        #expect(start.attributes["user.id"] as? String == "u-1" && start["body"] == nil)

        // The plain line, made an event by the shaper, keeps its text and level.
        let plain = try #require(all.first { ($0["body"] as? [String: Any])?["string_value"] as? String == "2026-12-01 10:00:01 ERROR plain text from a legacy logger" })
        #expect(plain.resource["service.name"] as? String == "legacy" && plain["severity_number"] as? String == "SEVERITY_NUMBER_ERROR")
        // The first attempts met the outage (503): delivered on a retry, each record once.
        #expect(harness.log("shipper.log").contains("HTTP 503: warming up"))
        #expect(byID.count == 6 && all.count == 6)
    }
}
