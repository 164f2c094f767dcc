import ServiceLog
import Testing

@Suite struct DecodingTests {
    static let valid =
        #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"orders","event_type":"request_end","#
        + #""correlation_id":"c1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","#
        + #""method":"GET","endpoint":"/x","status_code":200,"duration_ms":1.5,"success":true"#

    static func line(_ extra: String = "") -> String { valid + extra + "}" }

    @Test func keepsUnknownFieldsAsAttributes() throws {
        let event = try Event(jsonLine: Self.line(#","region":"eu","retries":[1,2],"nested":{"a":null}"#))
        #expect(event.attributes["region"] == .string("eu"))
        #expect(event.attributes["retries"] == .array([.int(1), .int(2)]))
        #expect(event.attributes["nested"] == .object(["a": .null]))
        guard case .requestEnd(let end) = event.payload else { Issue.record("wrong payload"); return }
        #expect(end.statusCode == 200 && end.durationMS == 1.5 && end.success)
    }

    @Test(arguments: [
        ("", "empty line"),
        ("not json", "not valid JSON"),
        ("[1,2]", "not a JSON object"),
        (#"{"a":1} trailing"#, "unexpected data after the JSON value"),
        (#"{"a":1,}"#, "expected a string key"),
        (#"{"a":NaN}"#, "unexpected character"),
        (#"{"a":01}"#, "expected ',' or '}'"),
        (#"{"a":"\ud800"}"#, "unpaired surrogate"),
        ("{\"a\":\"tab\tinside\"}", "unescaped control character"),
        (#"{"level":"info","service":"s","event_type":"log","message":"m"}"#, "missing required field 'timestamp'"),
        (#"{"timestamp":"yesterday","level":"info","service":"s","event_type":"log","message":"m"}"#, "not an RFC 3339 time"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"loud","service":"s","event_type":"log","message":"m"}"#, "field 'level'"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"party","message":"m"}"#, "field 'event_type'"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"log"}"#, "field 'message' is required"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"","event_type":"log","message":"m"}"#, "field 'service' is empty"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"request_end","method":"GET","endpoint":"/","status_code":"200","duration_ms":1,"success":true}"#, "field 'status_code' must be an integer"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"log","message":"m","trace_id":"XYZ"}"#, "field 'trace_id' must be 32 lowercase hex"),
        (#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"log","message":"m","span_id":"0000000000000000"}"#, "field 'span_id' must be 16 lowercase hex"),
    ])
    func rejectsWithAReasonThatNamesTheProblem(line: String, reason: String) {
        #expect {
            try Event(jsonLine: line)
        } throws: { error in
            guard let error = error as? EventDecodingError else { return false }
            return error.reason.contains(reason)
        }
    }

    @Test func rejectsInvalidUTF8InsideStrings() {
        var bytes = Array(Self.line(#","note":"ok""#).utf8)
        let at = bytes.lastIndex(of: UInt8(ascii: "k"))!
        bytes[at] = 0xFF
        #expect(throws: EventDecodingError.self) {
            try bytes.withUnsafeBytes { try Event(jsonLine: $0) }
        }
    }

    @Test func capsNestingDepthWithoutExhaustingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect { try JSONParser(maxDepth: 32).parse(deep) } throws: { "\($0)".contains("nesting deeper than 32") }
    }

    @Test func rejectsOverLongLinesBeforeParsing() {
        let line = Self.line(#","blob":""# + String(repeating: "a", count: 2_000) + #"""#)
        #expect { try Event(jsonLine: line, limits: DecodingLimits(maxLineBytes: 1_000)) } throws: {
            "\($0)".contains("over the 1000-byte limit")
        }
    }

    @Test func acceptsATrailingNewlineAndDuplicateKeysKeepTheFirst() throws {
        let event = try Event(jsonLine: Self.valid + #","service":"evil"}"# + "\r\n")
        #expect(event.service == "orders")
    }
}
