import AnalyzerOTLP
import Foundation
import Logging
import ServiceLog
import ShipperOTLPSink
import Testing
import W3CTraceContext

/// logshipper's OTLP output read by the analyzer's OTLP receiver: what passes through an
/// OpenTelemetry Collector on its way comes back as the same canonical events.
@Suite("canonical events through OTLP logs and back")
struct RoundTripTests {
    static let trace = TraceID(bytes: (0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36))
    static let span = SpanID(bytes: (0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7))
    static let parent = SpanID(bytes: (0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31))

    /// On a resource event numeric extra fields are gauges (as in the NDJSON format), so it carries a text one only.
    static func event(
        _ level: Logger.Level, _ payload: EventPayload, id: String, message: String? = nil,
        attributes: [String: JSONValue] = ["order_id": .string("o-9"), "retries_left": .int(2)]
    ) -> Event {
        Event(
            timestamp: Timestamp(microsecondsSinceEpoch: 1_796_119_200_123_456), level: level, service: "payments", payload: payload,
            message: message, eventID: id, host: "ip-10-0-4-52", instance: "payments-7b4c", source: "payments.http", correlationID: "c-1",
            traceID: trace, spanID: span, parentSpanID: parent, traceFlags: 1, attributes: attributes)
    }

    static let events: [Event] = [
        event(.info, .requestStart(RequestStart(method: "POST", endpoint: "/v1/charges", userID: "u-1")), id: "a"),
        event(.warning, .requestEnd(RequestEnd(method: "POST", endpoint: "/v1/charges", statusCode: 402, durationMS: 55.5, success: false)), id: "b"),
        event(.warning, .serviceCall(ServiceCall(
            targetService: "acquirer", method: "POST", endpoint: "/auth", durationMS: 3000, statusCode: 0, success: false, error: "timeout", attempt: 2)), id: "c"),
        event(.error, .error(ErrorDetails(errorType: "CardDeclined", stack: "at charge()")), id: "d", message: "issuer declined"),
        event(.notice, .log, id: "e", message: "charge accepted"),
        event(.info, .resource(ResourceSample(memoryMB: 212.5, cpuPercent: 37.5, threads: 14, openFDs: 83, gauges: ["pool_in_use": 6])), id: "f",
              attributes: ["region": .string("eu-1")]),
    ]

    /// Durations and gauges travel in other units (seconds, bytes, ratios): equal to the microsecond.
    static func rounded(_ event: Event) -> Event {
        var copy = event
        func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        switch event.payload {
        case .requestEnd(var end):
            end.durationMS = round(end.durationMS)
            copy.payload = .requestEnd(end)
        case .serviceCall(var call):
            call.durationMS = round(call.durationMS)
            copy.payload = .serviceCall(call)
        case .resource(var sample):
            sample.memoryMB = round(sample.memoryMB)
            sample.cpuPercent = round(sample.cpuPercent)
            copy.payload = .resource(sample)
        default: break
        }
        return copy
    }

    @Test("every event type comes back equal, typed fields and free-form ones")
    func roundTrip() {
        let request = OTLPLogEncoding.request(for: Self.events, observed: Timestamp(microsecondsSinceEpoch: 1_796_119_260_000_000))
        let batch = LogRecordMapping.events(from: request, now: Timestamp(microsecondsSinceEpoch: 1_796_119_300_000_000))
        #expect(batch.rejectedItems == 0, "\(batch.reasons)")
        #expect(batch.events.count == Self.events.count)
        for (back, original) in zip(batch.events, Self.events) {
            #expect(Self.rounded(back) == original, "\(original.eventType)")
        }
    }

    @Test("a servicelog record missing a required field stays an ordinary log record")
    func incomplete() throws {
        var request = OTLPLogEncoding.request(for: [Self.events[1]], observed: Timestamp(microsecondsSinceEpoch: 1_796_119_260_000_000))
        request.resourceLogs[0].scopeLogs[0].logRecords[0].attributes.removeAll { $0.key == "http.response.status_code" }
        let batch = LogRecordMapping.events(from: request, now: Timestamp(microsecondsSinceEpoch: 1_796_119_300_000_000))
        let event = try #require(batch.events.first)
        #expect(event.eventType == .log && event.message == "servicelog.request_end")
        #expect(event.attributes["url.path"] == .string("/v1/charges"))
    }
}
