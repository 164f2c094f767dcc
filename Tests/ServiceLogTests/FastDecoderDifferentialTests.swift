import Foundation
import Logging
@testable import ServiceLog
import Testing
import W3CTraceContext
import TestSupport

/// Holds the fast `Event(jsonLine:)` to the original dictionary-based `Event(referenceJSONLine:)`: same
/// event, or the same rejection with the same reason, for valid lines and for thousands of broken ones.
@Suite struct FastDecoderDifferentialTests {
    // MARK: Harness

    enum Outcome: Equatable {
        case event(Event)
        case rejected(String)
    }

    static func decode(_ line: [UInt8], limits: DecodingLimits, reference: Bool) -> Outcome {
        line.withUnsafeBytes { bytes in
            do throws(EventDecodingError) {
                return .event(reference ? try Event(referenceJSONLine: bytes, limits: limits) : try Event(jsonLine: bytes, limits: limits))
            } catch {
                return .rejected(error.reason)
            }
        }
    }

    /// Collects mismatches and reports the first few (one `Issue` per line would drown the output).
    final class Checker {
        var checked = 0
        var accepted = 0
        var mismatches: [String] = []

        /// Compares the decoders with types checked only (`limits`, what "accepted" counts), then again
        /// with the default value ranges: the random values stray far out of them, and the reasons must
        /// agree as well.
        func check(_ line: [UInt8], limits: DecodingLimits = DecodingLimits(fields: nil)) {
            checked += 1
            for (index, limits) in [limits, DecodingLimits(maxLineBytes: limits.maxLineBytes, maxDepth: limits.maxDepth)].enumerated() {
                let fast = FastDecoderDifferentialTests.decode(line, limits: limits, reference: false)
                let reference = FastDecoderDifferentialTests.decode(line, limits: limits, reference: true)
                if index == 0, case .event = reference { accepted += 1 }
                if fast != reference {
                    mismatches.append("line \(String(decoding: line, as: UTF8.self).debugDescription) (maxDepth \(limits.maxDepth), ranges \(limits.fields != nil)):\n  fast:      \(fast)\n  reference: \(reference)")
                }
            }
        }

        func check(_ line: String, limits: DecodingLimits = DecodingLimits(fields: nil)) { check(Array(line.utf8), limits: limits) }

        func report(sourceLocation: SourceLocation = #_sourceLocation) {
            for mismatch in mismatches.prefix(10) { Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation) }
            #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked) lines differ", sourceLocation: sourceLocation)
        }
    }

    // MARK: Random events

    static let services = ["orders", "payments", "gateway", "a", "ünïcødé-svc", "with \"quotes\"", "tab\there", "emoji 🚀"]
    static let endpoints = ["/v1/checkout", "/orders/:id", "/", "/a\\b", "/ü"]
    static let methods = ["GET", "POST", "DELETE", "PATCH"]

    static func randomHex(_ count: Int, _ rng: inout SeededGenerator) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &rng)! })
    }

    static func randomText(_ rng: inout SeededGenerator) -> String {
        let pieces = ["hello", " ", "wörld", "\"", "\\", "\n", "\u{1}", "🚀", "/", "é", "x", "\u{7F}", "\u{2028}", "0"]
        return (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func randomDouble(_ rng: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: Double(Int.random(in: 0...10_000, using: &rng)) / 1000
        case 1: Double.random(in: 0...1e6, using: &rng)
        case 2: Double(Int.random(in: -5...5, using: &rng))
        case 3: Double.random(in: -1e-300...1e-300, using: &rng)
        case 4: Double.random(in: 1e15...1e22, using: &rng)
        default: Double(Int.random(in: 0...999_999, using: &rng)) / 1000
        }
    }

    static func randomAttribute(_ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &rng) {
        case 0: .null
        case 1: .bool(Bool.random(using: &rng))
        case 2: .int(Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...63, using: &rng))
        case 3: .double(randomDouble(&rng))
        case 4: .string(randomText(&rng))
        case 5: .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomAttribute(&rng, depth: depth + 1) })
        default:
            .object(Dictionary(
                (0..<Int.random(in: 0...3, using: &rng)).map { ("k\($0)", randomAttribute(&rng, depth: depth + 1)) },
                uniquingKeysWith: { a, _ in a }))
        }
    }

    static func randomEvent(_ rng: inout SeededGenerator) -> Event {
        let method = methods.randomElement(using: &rng)!
        let endpoint = endpoints.randomElement(using: &rng)!
        let payload: EventPayload
        switch EventType.allCases.randomElement(using: &rng)! {
        case .requestStart:
            payload = .requestStart(RequestStart(method: method, endpoint: endpoint, userID: Bool.random(using: &rng) ? "u_\(rng.next() % 1000)" : nil))
        case .requestEnd:
            payload = .requestEnd(RequestEnd(
                method: method, endpoint: endpoint, statusCode: [0, 200, 204, 404, 500, 503].randomElement(using: &rng)!,
                durationMS: randomDouble(&rng), success: Bool.random(using: &rng)))
        case .serviceCall:
            payload = .serviceCall(ServiceCall(
                targetService: services.randomElement(using: &rng)!, method: method, endpoint: endpoint,
                durationMS: randomDouble(&rng), statusCode: Int.random(in: 0...599, using: &rng), success: Bool.random(using: &rng),
                error: Bool.random(using: &rng) ? randomText(&rng) : nil, attempt: Bool.random(using: &rng) ? Int.random(in: 1...5, using: &rng) : nil))
        case .error:
            payload = .error(ErrorDetails(errorType: "E.\(rng.next() % 10)", stack: Bool.random(using: &rng) ? randomText(&rng) : nil))
        case .resource:
            var gauges: [String: Double] = [:]
            for index in 0..<Int.random(in: 0...3, using: &rng) { gauges["gauge_\(index)"] = randomDouble(&rng) }
            payload = .resource(ResourceSample(
                memoryMB: randomDouble(&rng), cpuPercent: randomDouble(&rng),
                threads: Bool.random(using: &rng) ? Int.random(in: 1...500, using: &rng) : nil,
                openFDs: Bool.random(using: &rng) ? Int.random(in: 0...5000, using: &rng) : nil, gauges: gauges))
        case .log:
            payload = .log
        }
        let needsMessage = payload.eventType == .log || payload.eventType == .error
        var event = Event(
            timestamp: Timestamp(microsecondsSinceEpoch: Int64.random(in: 0...4_102_444_800_000_000, using: &rng)),
            level: Logger.Level.allCases.randomElement(using: &rng)!, service: services.randomElement(using: &rng)!,
            payload: payload, message: needsMessage || Bool.random(using: &rng) ? randomText(&rng) : nil)
        if Bool.random(using: &rng) { event.eventID = "01JDQ8X4T3M9K2V7B5N6C8\(rng.next() % 10_000)" }
        if Bool.random(using: &rng) { event.host = "ip-10-0-3-\(rng.next() % 255)" }
        if Bool.random(using: &rng) { event.instance = "inst-\(rng.next() % 9)" }
        if Bool.random(using: &rng) { event.source = "mod.\(rng.next() % 9)" }
        if Bool.random(using: &rng) { event.correlationID = UUID().uuidString.lowercased() }
        if Bool.random(using: &rng) {
            event.traceID = HexID.traceID(randomHex(32, &rng))
            event.spanID = HexID.spanID(randomHex(16, &rng))
            if Bool.random(using: &rng) { event.parentSpanID = HexID.spanID(randomHex(16, &rng)) }
            if Bool.random(using: &rng) { event.traceFlags = UInt8.random(in: 0...255, using: &rng) }
        }
        for index in 0..<Int.random(in: 0...4, using: &rng) {
            event.attributes[["region", "retries", "nested", "amount", "flag", "x\(index)"].randomElement(using: &rng)!] = randomAttribute(&rng)
        }
        return event
    }

    // MARK: Structural mutations on the top-level fields

    /// The raw `key` and `value` texts of a top-level object's members, in order (nil if not an object).
    static func members(_ line: String) -> [(key: String, value: String)]? {
        let bytes = Array(line.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var result: [(String, String)] = []
        var depth = 0, inString = false, escaped = false
        var start = 1, colon = -1
        for index in 1..<(bytes.count - 1) {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ":") where depth == 0 && colon < 0: colon = index
            case UInt8(ascii: ",") where depth == 0:
                result.append((String(decoding: bytes[start..<colon], as: UTF8.self), String(decoding: bytes[(colon + 1)..<index], as: UTF8.self)))
                start = index + 1
                colon = -1
            default: break
            }
        }
        if colon > 0 {
            result.append((String(decoding: bytes[start..<colon], as: UTF8.self), String(decoding: bytes[(colon + 1)..<(bytes.count - 1)], as: UTF8.self)))
        }
        return result
    }

    static func join(_ members: [(key: String, value: String)], _ rng: inout SeededGenerator, whitespace: Bool = false) -> String {
        func space() -> String {
            whitespace ? String((0..<Int.random(in: 0...2, using: &rng)).map { _ in [" ", "\t", "\n", "\r"].randomElement(using: &rng)! }) : ""
        }
        return space() + "{" + members.map { space() + $0.key + space() + ":" + space() + $0.value + space() }.joined(separator: ",") + "}" + space()
    }

    static let replacementValues = [
        #""200""#, "1", "0", "-0", "-0.0", "0.5", "200.0", "2e2", "2E+2", "1e400", "-1e400", "1e-400", "99999999999999999999",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "123456789012345678",
        "1234567890123456789", "0.1", "3.14159265358979", "3.141592653589793", "12345678901234567.5", "1.00000000000000000000001",
        "null", "true", "false", "[]", "{}", #"{"a":[1,{"b":null}]}"#, #""x""#, #""""#, #""INFO""#, #""info""#, #""log""#,
        #""request_end""#, #""\u0069nfo""#, #""4BF92F3577B34DA6A3CE929D0E0E4736""#, #""4bf92f3577b34da6a3ce929d0e0e4736""#,
        #""00000000000000000000000000000000""#, #""00f067aa0ba902b7""#, #""0000000000000000""#, #""00""#, #""ff""#, #""FF""#,
        #""0g""#, #""2026-11-24T10:15:02.123456Z""#, #""2026-11-24T10:15:02+01:00""#, #""2026-02-30T10:15:02Z""#,
        #""yesterday""#, #""\ud83d\ude80""#, #""\u00e9""#, "01", "1.", ".5", "+1", "tru", "nul", #""unterminated"#,
    ]

    static func mutateMembers(_ line: String, _ rng: inout SeededGenerator) -> String {
        guard var fields = members(line), !fields.isEmpty else { return line }
        let reservedKeys = FieldName.reserved.sorted()
        switch Int.random(in: 0..<9, using: &rng) {
        case 0:  // a reserved field gets another value (or type)
            let index = Int.random(in: 0..<fields.count, using: &rng)
            fields[index].value = replacementValues.randomElement(using: &rng)!
        case 1:  // a reserved field is added with some value (may not belong to the type)
            fields.insert(
                (#""\#(reservedKeys.randomElement(using: &rng)!)""#, replacementValues.randomElement(using: &rng)!),
                at: Int.random(in: 0...fields.count, using: &rng))
        case 2:  // a field is dropped
            fields.remove(at: Int.random(in: 0..<fields.count, using: &rng))
        case 3:  // a key is duplicated, before or after, with another value
            let index = Int.random(in: 0..<fields.count, using: &rng)
            let copy = (fields[index].key, Bool.random(using: &rng) ? fields[index].value : replacementValues.randomElement(using: &rng)!)
            fields.insert(copy, at: Bool.random(using: &rng) ? index : fields.count)
        case 4:  // a key is spelled with an escape
            let index = Int.random(in: 0..<fields.count, using: &rng)
            var key = Array(fields[index].key.dropFirst().dropLast())
            if !key.isEmpty, key[0].isASCII {
                let position = Int.random(in: 0..<key.count, using: &rng)
                if key[position] != "\\" && key[position].isASCII && key[position] != "\"" {
                    let code = String(key[position].asciiValue!, radix: 16)
                    key.replaceSubrange(position...position, with: Array("\\u00" + (code.count == 1 ? "0" + code : code)))
                    fields[index].key = "\"" + String(key) + "\""
                }
            }
        case 5:  // null in a reserved field
            let index = Int.random(in: 0..<fields.count, using: &rng)
            fields[index].value = "null"
        case 6:  // uppercase a value
            let index = Int.random(in: 0..<fields.count, using: &rng)
            fields[index].value = fields[index].value.uppercased()
        case 7:  // a near-reserved key
            fields.append((#""\#(reservedKeys.randomElement(using: &rng)!)_""#, "1"))
            fields.append((#""\#(reservedKeys.randomElement(using: &rng)!.dropLast())""#, #""v""#))
        default:  // shuffled order
            fields.shuffle(using: &rng)
        }
        return join(fields, &rng, whitespace: Int.random(in: 0..<4, using: &rng) == 0)
    }

    static let insertions: [[UInt8]] = [
        [0x22], [0x5B], [0x5D], [0x7B], [0x7D], [0x5C], [0x00], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x2C], [0x3A],
        [0x20], [0x0A], [0x09], Array(#"\u"#.utf8), Array(#"\ud800"#.utf8), Array("null".utf8), [0x2D], [0x30], [0x2E], [0x65],
    ]

    static func mutateBytes(_ line: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = line
        guard !bytes.isEmpty else { return bytes }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
        case 1: bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
        case 2: bytes.insert(contentsOf: insertions.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
        default: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        }
        return bytes
    }

    // MARK: Tests

    @Test func reservedFieldTableMatchesFieldName() {
        #expect(Set(ReservedField.allCases.map(\.name)) == FieldName.reserved)
        #expect(ReservedField.allCases.count == FieldName.reserved.count)
        for field in ReservedField.allCases {
            #expect(ReservedField(name: field.name) == field)
            #expect(ReservedField(name: field.name + "x") == nil)
            #expect(ReservedField(name: String(field.name.dropLast())) == nil)
            #expect(ReservedField(name: field.name.uppercased()) == nil)
        }
        for other in ["", "hosts", "HOST", "levels", "servicE", "span_iD", "evnt_id", "traceid__", "metadata.level"] {
            #expect(ReservedField(name: other) == nil)
        }
    }

    @Test func documentedExamplesDecodeIdentically() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/examples/events.ndjson")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 6)
        let checker = Checker()
        for line in lines {
            checker.check(String(line))
            checker.check(String(line) + "\n")
            checker.check(String(line) + "\r\n")
        }
        #expect(checker.accepted == checker.checked)
        checker.report()
    }

    @Test func randomEventsDecodeIdentically() {
        var rng = SeededGenerator(seed: 0x5EED_0001)
        let checker = Checker()
        for _ in 0..<4000 {
            let event = Self.randomEvent(&rng)
            let line = event.jsonLine()
            checker.check(line)
            #expect(throws: Never.self) { try Event(jsonLine: line, limits: DecodingLimits(fields: nil)) }
        }
        #expect(checker.accepted == checker.checked)
        checker.report()
    }

    @Test func structurallyMutatedLinesDecodeIdentically() {
        var rng = SeededGenerator(seed: 0x5EED_0002)
        let checker = Checker()
        for _ in 0..<8000 {
            var line = Self.randomEvent(&rng).jsonLine()
            for _ in 0..<Int.random(in: 1...3, using: &rng) { line = Self.mutateMembers(line, &rng) }
            checker.check(line)
        }
        // Both outcomes must be well represented, or the mutations test nothing.
        #expect(checker.accepted > 500 && checker.accepted < checker.checked - 500, "\(checker.accepted) of \(checker.checked) accepted")
        checker.report()
    }

    @Test func byteMutatedLinesDecodeIdentically() {
        var rng = SeededGenerator(seed: 0x5EED_0003)
        let checker = Checker()
        for _ in 0..<8000 {
            var bytes = Array(Self.randomEvent(&rng).jsonLine().utf8)
            for _ in 0..<Int.random(in: 1...2, using: &rng) { bytes = Self.mutateBytes(bytes, &rng) }
            checker.check(bytes)
        }
        checker.report()
    }

    @Test func edgeCasesDecodeIdentically() {
        let base =
            #""timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"orders","event_type":"request_end","#
            + #""method":"GET","endpoint":"/x","status_code":200,"duration_ms":1.5,"success":true"#
        var lines = [
            "", " ", "\t", "\n", "\r\n", "{}", " {} ", "{ }", "[]", "[{}]", "\"text\"", "123", "null", "true", "{", "}", "{\"",
            "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\" 1}", "{1:2}", "{\"a\":1}}", "{\"a\":1}{}", "{\"a\":1} x",
            "{" + base + "}", "{" + base + "} ", "{" + base + "}\n\n", "{" + base + "}\r", " \t\n{" + base + "}",
            "{" + base + ",}", "{," + base + "}", "{" + base + "}x", "{" + base + "}]", "{" + base + "}\0",
            "{" + base + ",\"a\":[" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "]}",
            "{" + base + ",\"a\":" + String(repeating: "[", count: 31) + String(repeating: "]", count: 31) + "}",
            "{" + base + ",\"a\":" + String(repeating: "[", count: 32) + String(repeating: "]", count: 32) + "}",
            "{" + base + ",\"a\":" + String(repeating: "{\"b\":", count: 31) + "1" + String(repeating: "}", count: 31) + "}",
            "{" + base + ",\"a\":" + String(repeating: "{\"b\":", count: 32) + "1" + String(repeating: "}", count: 32) + "}",
            "{" + base + ",\"status_code\":[" + String(repeating: "[", count: 40) + "]}",
            "{" + base + ",\"a\":-0,\"b\":-0.0,\"c\":1e400,\"d\":123456789012345678901234567890,\"e\":1E-7,\"f\":0.1e1}",
            "{" + base + ",\"\\u0073ervice\":\"dup\"}", "{\"\\u0073ervice\":\"first\"," + base + "}",
            "{\"\\u0074imestamp\":\"2026-11-24T10:15:02Z\",\"level\":\"info\",\"service\":\"s\",\"event_type\":\"log\",\"message\":\"m\"}",
            "{\"timestamp\":\"2026-11-24T10:15:02\\u005a\",\"level\":\"\\u0069nfo\",\"service\":\"s\",\"event_type\":\"l\\u006fg\",\"message\":\"m\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e473\\u0036\",\"span_id\":\"00f067aa0ba902b\\u0037\",\"trace_flags\":\"0\\u0031\"}",
            "{\"timestamp\":\"2026-11-24T10:15:02Z\",\"level\":\"info\",\"service\":\"s\",\"event_type\":\"resource\",\"memory_mb\":1,\"cpu_percent\":2.5,\"threads\":3.0,\"open_fds\":null,\"g1\":1,\"g2\":2.5,\"g3\":true,\"g4\":\"x\",\"status_code\":5,\"method\":null}",
            "{\"timestamp\":\"2026-11-24T10:15:02Z\",\"level\":\"info\",\"service\":\"s\",\"event_type\":\"resource\",\"memory_mb\":1,\"cpu_percent\":2.5,\"threads\":3.5}",
            "{\"timestamp\":\"2026-11-24T10:15:02Z\",\"level\":\"info\",\"service\":\"s\",\"event_type\":\"log\",\"message\":null}",
            "{\"timestamp\":null,\"level\":\"info\",\"service\":\"s\",\"event_type\":\"log\",\"message\":\"m\"}",
            "{\"timestamp\":1,\"level\":2,\"service\":3,\"event_type\":4}",
            "{\"level\":\"nope\",\"service\":\"\",\"event_type\":\"nope\"}",
            "{\"timestamp\":\"" + String(repeating: "9", count: 100) + "\",\"level\":\"info\"}",
            "{\"timestamp\":\"2026-11-24T10:15:02Z\",\"level\":\"" + String(repeating: "x", count: 100) + "\",\"service\":\"s\"}",
        ]
        for value in Self.replacementValues {
            for key in FieldName.reserved.sorted() {
                lines.append("{" + base + ",\"\(key)\":\(value)}")
                lines.append("{\"\(key)\":\(value)," + base + "}")
            }
        }
        let checker = Checker()
        for line in lines {
            checker.check(line)
            for depth in [0, 1, 2, 3] { checker.check(line, limits: DecodingLimits(maxDepth: depth)) }
            checker.check(line, limits: DecodingLimits(maxLineBytes: 10))
            checker.check(line, limits: DecodingLimits(maxLineBytes: line.utf8.count))
        }
        checker.report()
    }

    /// The word-at-a-time string scan's test against the byte-by-byte rule, for every byte at every position
    /// and for pairs of bytes next to each other (borrows between bytes).
    @Test func wordScanFindsExactlyTheSpecialBytes() {
        func special(_ byte: UInt8) -> Bool { byte == 0x22 || byte == 0x5C || byte < 0x20 }
        func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } }
        var mismatches = 0
        for filler in [UInt8(ascii: "a"), 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF] {
            for position in 0..<8 {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = UInt8(value)
                    if JSONParser.Cursor.hasQuoteBackslashOrControl(word(bytes)) != bytes.contains(where: special) { mismatches += 1 }
                    if position < 7 {
                        for next in [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x80, 0xFF] {
                            bytes[position + 1] = UInt8(next)
                            if JSONParser.Cursor.hasQuoteBackslashOrControl(word(bytes)) != bytes.contains(where: special) { mismatches += 1 }
                        }
                    }
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// The number fast paths of `JSONParser` (which both decoders share) against `Int64(text)` / `Double(text)`.
    @Test func numbersParseAsTheStandardLibraryDoes() throws {
        var rng = SeededGenerator(seed: 0x5EED_0004)
        func digits(_ count: Int) -> String {
            String((0..<count).map { index in
                Character(String(index == 0 ? Int.random(in: 1...9, using: &rng) : Int.random(in: 0...9, using: &rng)))
            })
        }
        var mismatches: [String] = []
        for _ in 0..<50_000 {
            var text = Bool.random(using: &rng) ? "-" : ""
            text += Int.random(in: 0..<5, using: &rng) == 0 ? "0" : digits(Int.random(in: 1...20, using: &rng))
            if Int.random(in: 0..<3, using: &rng) > 0 {
                text += "." + String((0..<Int.random(in: 1...25, using: &rng)).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            }
            if Int.random(in: 0..<6, using: &rng) == 0 { text += "e" + String(Int.random(in: -30...30, using: &rng)) }
            let expected: JSONValue
            if let int = Int64(text), !text.contains("."), !text.contains("e") {
                expected = .int(int)
            } else if let double = Double(text), double.isFinite {
                expected = .double(double)
            } else {
                continue
            }
            let parsed = try JSONParser().parse(text)
            var same = parsed == expected
            if case .double(let a) = parsed, case .double(let b) = expected { same = a.bitPattern == b.bitPattern }
            if !same { mismatches.append("\(text): \(parsed) vs \(expected)") }
        }
        for mismatch in mismatches.prefix(10) { Issue.record(Comment(rawValue: mismatch)) }
        #expect(mismatches.isEmpty)
    }
}
