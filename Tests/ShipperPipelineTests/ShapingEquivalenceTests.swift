import ServiceLog
import ShipperCore
@testable import ShipperPipeline
import Testing

/// The shaper's fast paths (the foreign-JSON scan, the one-pass wrap, the raw-byte event id) against
/// the path they replaced: the full decoder's verdict, the ``Event`` encoder, the generic FNV-1a. The
/// reference below is the shaper as it was, kept here so that every line shaped either way is compared
/// byte for byte.
@Suite("Shaping fast paths equal the previous path")
struct ShapingEquivalenceTests {
    let fixedNow = Timestamp(microsecondsSinceEpoch: 1_700_000_000_123_456)

    /// The previous event id: ServiceLog's generic FNV-1a over stream, 0, origin, 0, bytes.
    static func referenceEventID(_ record: SourceRecord) -> String {
        var low = FNV1a()
        var high = FNV1a(seed: 0x6c62_272e_07bb_0142)
        for part in [record.stream.rawValue, record.origin] {
            low.add(part.utf8)
            high.add(part.utf8)
            low.add(0)
            high.add(0)
        }
        low.add(record.bytes)
        high.add(record.bytes)
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "ls-" + hex(high.value) + hex(low.value)
    }

    /// The previous `shape`: a full decode of every line that starts with `{`, the reason of its
    /// failure, then the general (Event-encoding) wrap.
    static func referenceShape(_ shaper: EventShaper, _ record: SourceRecord, now: Timestamp) -> EventShaper.Shaped {
        var text = record.bytes
        if text.last == UInt8(ascii: "\r") { text.removeLast() }
        var parseError: String?
        if !record.isTruncated, text.first(where: { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }) == UInt8(ascii: "{") {
            do {
                let event = try text.withUnsafeBytes { try Event(jsonLine: $0, limits: DecodingLimits(maxLineBytes: shaper.maxLineBytes)) }
                if event.eventID != nil { return .init(line: text, wrapped: false) }
                let id = referenceEventID(record)
                if String(decoding: text, as: UTF8.self).contains(#""event_id""#) {
                    var withID = event
                    withID.eventID = id
                    return .init(line: Array(withID.jsonLine(limits: shaper.encodingLimits).utf8), wrapped: false)
                }
                let brace = text.firstIndex(of: UInt8(ascii: "{"))!
                return .init(line: Array(text[...brace]) + Array(#""event_id":"\#(id)","#.utf8) + Array(text[(brace + 1)...]), wrapped: false)
            } catch let error as EventDecodingError {
                parseError = error.reason
            } catch {
                parseError = "\(error)"
            }
        }
        return .init(line: shaper.wrapWithEvent(record, text: text, parseError: parseError, now: now), wrapped: true)
    }

    static let fileEnrichment = Enrichment(origin: "/var/log/app.log", attributes: ["file": "/var/log/app.log"])

    static func record(_ bytes: [UInt8], origin: String = "4096", originalLength: Int? = nil, enrichment: Enrichment = fileEnrichment)
        -> SourceRecord
    {
        SourceRecord(
            bytes: bytes, originalLength: originalLength, stream: StreamID("file:2049:1837261:256:9f2c"), origin: origin,
            position: .file(path: "/var/log/app.log", offset: 9000), enrichment: enrichment)
    }

    /// Lines of every kind the shaper meets, and the awkward ones.
    static let corpus: [String] = [
        // Canonical events (with and without event_id, with an event_id key that is null).
        #"{"timestamp":"2025-03-01T10:00:00.5Z","level":"error","service":"payments","event_type":"log","message":"card declined","host":"p1"}"#,
        #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"api","event_type":"request_end","event_id":"r-1","method":"GET","endpoint":"/x","status_code":200,"duration_ms":1.5,"success":true}"#,
        #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"api","event_type":"log","message":"m","event_id":null}"#,
        // Other programs' JSON.
        #"{"@timestamp":"2026-11-18T11:06:40.000+00:00","@version":"1","message":"Completed order 0 in 11 ms \"ok\"","logger_name":"c.s.Checkout","level":"INFO","level_value":20000}"#,
        #"{"time_local":"2026-11-18T11:06:40.001+00:00","request":"GET /static/app.js?v=1 HTTP/1.1","status":"200","request_time":"0.294"}"#,
        #"{"level":"error","ts":1795000000.002,"caller":"payments/charge.go:188","msg":"charge settled","tags":["checkout","card"],"stack":null,"n":-0,"x":{"y":[true,false,{}]}}"#,
        #"  {"level":"warn","msg":"spaces around"}   "#,
        #"{}"#, #"{"a":1}"#, #"{"a":[]}"#, #"{"a":{"b":{}}}"#,
        // Escapes and Unicode, in values and keys.
        #"{"msg":"tab\there \u00e9 \u20ac \/ \\ \" \b\f\n\r","k":"é€😀"}"#,
        #"{"\u0074imestamp":"2025-03-01T10:00:00Z","level":"info","service":"a","event_type":"log","message":"escaped key"}"#,
        #"{"t\u0069mestamp":"x","msg":"escaped key, not a valid event"}"#,
        #"{"msg":"surrogates \ud83d\ude00"}"#, #"{"msg":"lone \ud83d"}"#, #"{"msg":"bad \x"}"#, #"{"msg":"short \u12"}"#,
        // A timestamp key at the top or only nested.
        #"{"timestamp":"yesterday","msg":"not RFC 3339"}"#, #"{"timestamp":null,"msg":"null"}"#,
        #"{"meta":{"timestamp":"2025-03-01T10:00:00Z"},"msg":"nested timestamp"}"#,
        // Numbers at the edges of the decoder's fast paths.
        #"{"n":123456789012345678}"#, #"{"n":1234567890123456789}"#, #"{"n":12345678901234567890123}"#, #"{"n":1e400}"#,
        #"{"n":1.5e3}"#, #"{"n":1.23456789012345}"#, #"{"n":1.234567890123456789}"#, #"{"n":01}"#, #"{"n":1.}"#, #"{"n":-}"#,
        #"{"n":.5}"#, #"{"n":+1}"#,
        // Broken JSON.
        #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":1"#, #"{"a":tru}"#, #"{"a":1} trailing"#, #"{a:1}"#, #"{"a":"unterminated}"#, "{",
        "{\"a\":\"ctrl\u{01}char\"}", "{\"a\":1}\r", "{\"a\":1}\r\n",
        // Plain text.
        "2026-11-25 10:15:02,123 WARN  [pool-3] orders.Checkout - slow response 812 ms from payments",
        "[error] upstream timed out", "level=error msg=\"boom\"", "just a line", "", "   ", "ERROR", "/api/error is a path",
    ]

    static var deeplyNested: String { String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40) }
    static var nested: String { String(repeating: #"{"a":["#, count: 12) + "1" + String(repeating: "]}", count: 12) }

    /// The corpus as bytes, plus invalid UTF-8 inside and outside strings, and every prefix of a few lines.
    static var lines: [[UInt8]] {
        var lines = (corpus + [deeplyNested, nested]).map { Array($0.utf8) }
        lines.append(Array(#"{"msg":"bad "#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
        lines.append(Array(#"{"msg":"overlong "#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8))
        lines.append(Array(#"{"msg":"cut "#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8))
        lines.append([0xFF, 0xFE] + Array("plain with invalid bytes".utf8))
        lines.append(Array(#"{"msg":"x"}"#.utf8) + [0x80])
        for base in [corpus[3], corpus[5], corpus[11]] {
            let bytes = Array(base.utf8)
            for length in 1..<bytes.count { lines.append(Array(bytes[..<length])) }
        }
        return lines
    }

    @Test func eventIDsAreThePreviousOnes() {
        for (index, line) in Self.lines.enumerated() {
            let record = Self.record(line, origin: String(index * 977))
            #expect(EventIDDerivation.eventID(for: record) == Self.referenceEventID(record))
        }
        let journal = SourceRecord(bytes: Array("é".utf8), stream: .journal, origin: "s=abc;i=1f", position: .file(path: "/x", offset: 1))
        #expect(EventIDDerivation.eventID(for: journal) == Self.referenceEventID(journal))
    }

    @Test func theScanAnswersOnlyWhereTheDecoderSaysMissingTimestamp() {
        var answered = 0
        for line in Self.lines where line.withUnsafeBytes(ForeignJSONScan.isObjectWithoutTimestamp) {
            answered += 1
            let verdict = line.withUnsafeBytes { bytes -> String? in
                do throws(EventDecodingError) {
                    _ = try Event(jsonLine: bytes)
                    return nil
                } catch {
                    return error.reason
                }
            }
            #expect(verdict == ForeignJSONScan.missingTimestamp, "\(String(decoding: line, as: UTF8.self))")
        }
        // It must recognise the common case, or it saves nothing.
        #expect(answered >= 10)
        for common in [Self.corpus[3], Self.corpus[4], Self.corpus[5], Self.corpus[11], Self.nested] {
            #expect(Array(common.utf8).withUnsafeBytes(ForeignJSONScan.isObjectWithoutTimestamp), "\(common)")
        }
        for undecided in [Self.corpus[12], Self.corpus[13], Self.corpus[18], Self.deeplyNested, #"{"n":1e3}"#] {
            #expect(!Array(undecided.utf8).withUnsafeBytes(ForeignJSONScan.isObjectWithoutTimestamp), "\(undecided)")
        }
    }

    @Test(arguments: [1 << 20, 4096, 1100])
    func everyLineIsShapedAsBefore(maxLineBytes: Int) {
        let shaper = EventShaper(defaults: .init(service: "orders", host: "h1"), maxLineBytes: maxLineBytes)
        let enrichments = [
            Self.fileEnrichment, Enrichment(),
            Enrichment(host: "jh", service: "unit", priority: 3, origin: "journald", attributes: ["_PID": "12", "_SYSTEMD_UNIT": "u"]),
            Enrichment(timestamp: Timestamp(microsecondsSinceEpoch: 1_750_000_000_000_000), origin: "/x", attributes: ["zz": "after"]),
        ]
        var lines = Self.lines
        // Long lines: a message near and over the string and line limits.
        for size in [1000, 1090, 3000, 4090, 5000, 40_000] {
            lines.append(Array(String(repeating: "é long plain line ", count: size / 19).utf8))
            lines.append(Array((#"{"msg":""# + String(repeating: "x\"", count: size / 2) + #""}"#).utf8))
        }
        for (index, line) in lines.enumerated() {
            for enrichment in enrichments {
                let record = Self.record(line, origin: String(index), enrichment: enrichment)
                let shaped = shaper.shape(record, now: fixedNow)
                let reference = Self.referenceShape(shaper, record, now: fixedNow)
                #expect(shaped == reference, "line \(index): \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
        }
    }

    @Test func aLineCutAtTheSourceIsShapedAsBefore() {
        let shaper = EventShaper(defaults: .init(service: "orders"), maxLineBytes: 4096)
        let bytes = Array(String(repeating: #"{"a":"b"},"#, count: 400).utf8)
        let record = Self.record(bytes, originalLength: 2 << 20)
        #expect(shaper.shape(record, now: fixedNow) == Self.referenceShape(shaper, record, now: fixedNow))
    }
}
