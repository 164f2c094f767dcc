import Foundation
import Logging
import ServiceLog
import Testing
import W3CTraceContext

@Suite struct EncodingTests {
    static let trace = TraceID(bytes: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))
    static let span = SpanID(bytes: (0xA, 0xB, 0xC, 0xD, 0xE, 0xF, 0x10, 0x11))
    static let parent = SpanID(bytes: (1, 1, 1, 1, 1, 1, 1, 2))

    static func event(_ payload: EventPayload, message: String? = nil, attributes: [String: JSONValue] = [:]) -> Event {
        Event(
            timestamp: Timestamp(microsecondsSinceEpoch: 1_795_515_302_123_456), level: .info, service: "orders", payload: payload,
            message: message, eventID: "e-1", host: "h1", instance: "i-1", correlationID: "corr-1", traceID: trace, spanID: span,
            parentSpanID: parent, traceFlags: 1, attributes: attributes)
    }

    static let everyType: [Event] = [
        event(.requestStart(RequestStart(method: "GET", endpoint: "/orders/:id", userID: "u-1"))),
        event(.requestEnd(RequestEnd(method: "GET", endpoint: "/orders/:id", statusCode: 200, durationMS: 12.345, success: true))),
        event(.serviceCall(ServiceCall(targetService: "payments", method: "POST", endpoint: "/charge", durationMS: 1000.5, statusCode: 0, success: false, error: "timeout", attempt: 2))),
        event(.error(ErrorDetails(errorType: "PaymentDeclined", stack: "at charge()\nat main()")), message: "card declined"),
        event(.resource(ResourceSample(memoryMB: 512.25, cpuPercent: 87.5, threads: 12, openFDs: 40, gauges: ["pool_in_use": 9]))),
        event(.log, message: "charged card", attributes: ["amount": .double(42.5), "items": .int(3), "vip": .bool(true), "tags": .array([.string("a")])]),
    ]

    @Test(arguments: everyType)
    func roundTripsThroughTheParser(event: Event) throws {
        let line = event.jsonLine()
        #expect(!line.contains("\n"))
        let parsed = try Event(jsonLine: line)
        #expect(parsed == event)
        // Foundation's parser agrees it is one JSON object with the canonical header.
        let object = try foundationObject(line)
        #expect(object["event_type"] as? String == event.eventType.rawValue)
        #expect(object["timestamp"] as? String == "2026-11-24T10:15:02.123456Z")
        #expect(line.hasPrefix("{\"timestamp\":\"2026-11-24T10:15:02.123456Z\",\"level\":\"info\",\"service\":\"orders\",\"event_type\":"))
    }

    @Test func typedFieldsAreJSONNumbersAndBooleans() throws {
        let line = Self.everyType[2].jsonLine()
        #expect(line.contains("\"status_code\":0"))
        #expect(line.contains("\"duration_ms\":1000.500"))
        #expect(line.contains("\"success\":false"))
        #expect(line.contains("\"attempt\":2"))
        #expect(line.contains("\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\""))
        #expect(line.contains("\"span_id\":\"0a0b0c0d0e0f1011\""))
        #expect(line.contains("\"trace_flags\":\"01\""))
    }

    @Test func escapesEverythingJSONRequires() throws {
        let nasty = "quote\" backslash\\ newline\n tab\t nul\u{0} bell\u{7} del\u{7F} é 中文 🚀 </script>"
        let line = Self.event(.log, message: nasty).jsonLine()
        #expect(!line.contains("\n"))
        #expect(line.contains("\\u0000"))
        #expect(line.contains("\\u0007"))
        #expect(try foundationObject(line)["message"] as? String == nasty)
        #expect(try Event(jsonLine: line).message == nasty)
    }

    @Test func cutsHugeStringsAtACharacterBoundaryWithAMarker() throws {
        let huge = String(repeating: "é", count: 40_000)  // 80,000 bytes
        let line = Self.event(.log, message: huge).jsonLine(limits: EncodingLimits(maxStringBytes: 1001))
        let message = try #require(try Event(jsonLine: line).message)
        #expect(message.hasPrefix(String(repeating: "é", count: 500)))
        #expect(message.hasSuffix("…[truncated 79000 bytes]"))
        #expect(!message.contains("\u{FFFD}"))
    }

    @Test func overLongLinesAreShortenedAndMarked() throws {
        let attributes: [String: JSONValue] = Dictionary(uniqueKeysWithValues: (0..<200).map { ("k\($0)", .string(String(repeating: "x", count: 1000))) })
        let line = Self.event(.log, message: "m", attributes: attributes).jsonLine(limits: EncodingLimits(maxLineBytes: 10_000))
        #expect(line.utf8.count < 10_000)
        let object = try foundationObject(line)
        #expect(object["line_truncated"] as? Bool == true)
        #expect(object["message"] as? String == "m")
    }

    @Test func nonFiniteNumbersBecomeNull() throws {
        let line = Self.event(.resource(ResourceSample(memoryMB: .nan, cpuPercent: .infinity))).jsonLine()
        let object = try foundationObject(line)
        #expect(object["memory_mb"] is NSNull)
        #expect(object["cpu_percent"] is NSNull)
    }

    @Test func attributesNeverOverwriteReservedFields() throws {
        let line = Self.event(.log, message: "real", attributes: ["service": .string("fake"), "message": .string("fake")]).jsonLine()
        let object = try foundationObject(line)
        #expect(object["service"] as? String == "orders")
        #expect(object["message"] as? String == "real")
        #expect(object["metadata.service"] as? String == "fake")
        #expect(object["metadata.message"] as? String == "fake")
    }

    @Test func repairsInvalidUTF8FromOutside() throws {
        let bytes: [UInt8] = [0x6F, 0x6B, 0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x21]  // ok, bad, truncated, surrogate, !
        var out = OutputBuffer()
        let replaced = bytes.withUnsafeBytes { JSONWriter.writeRepairingUTF8($0, into: &out) }
        #expect(replaced == 5)
        let decoded = try JSONParser().parse(out.string)
        #expect(decoded == .string("ok\u{FFFD}\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}!"))
    }

    @Test func aNegativeStringLimitCutsEverythingInsteadOfTrapping() throws {
        var out = OutputBuffer()
        JSONWriter.writeString("hello", limit: -3, into: &out)
        #expect(try JSONParser().parse(out.string) == .string("…[truncated 5 bytes]"))
    }

    @Test func writesIntegersAtTheExtremes() throws {
        for value in [0, -1, 7, Int.max, Int.min, 1_000_000] {
            var out = OutputBuffer()
            JSONWriter.writeInt(value, into: &out)
            #expect(out.string == String(value))
        }
    }
}

extension Event: CustomTestStringConvertible {
    public var testDescription: String { eventType.rawValue }
}

@Suite struct FieldNameTests {
    @Test func theFastReservedCheckAgreesWithTheSet() {
        for name in FieldName.reserved { #expect(FieldName.isReserved(name), "\(name)") }
        for name in ["region", "cart_items", "Service", "services", "trace", "span", "", "levels", "metadata.service", "user", "status"] {
            #expect(!FieldName.isReserved(name), "\(name)")
        }
    }
}
