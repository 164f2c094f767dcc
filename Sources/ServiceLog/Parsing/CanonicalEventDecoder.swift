import Logging
import W3CTraceContext

/// The fast decoder behind ``Event/init(jsonLine:limits:)``: one pass over the top-level object.
///
/// It uses ``JSONParser``'s cursor (same grammar, UTF-8 validation, escapes, depth limit and failure
/// offsets) but never builds the top-level dictionary: reserved keys are recognised by their bytes
/// (``ReservedField``) and their values kept unboxed (``ReservedValues``); only unknown keys go through the
/// generic parser into ``Event/attributes``. The type checks then run in exactly the order of
/// ``Event/init(fields:)``, so a line is accepted or rejected (and with which reason) as by the original
/// dictionary-based decoder, ``Event/init(referenceJSONLine:limits:)``; the differential tests hold the two
/// to that.
enum CanonicalEventDecoder {
    /// Decodes a line already trimmed of its newline, checked against the size limit and not empty.
    static func decode(_ line: UnsafeRawBufferPointer, maxDepth: Int) throws(EventDecodingError) -> Event {
        var cursor = JSONParser.Cursor(bytes: line, maxDepth: maxDepth)
        cursor.skipWhitespace()
        guard !cursor.atEnd, line[cursor.index] == UInt8(ascii: "{") else {
            // Not an object (or not JSON at all): rare, so the generic path decides, with its own reasons.
            return try Event(referenceJSONLine: line, limits: DecodingLimits(maxLineBytes: line.count, maxDepth: maxDepth))
        }
        var reserved = ReservedValues()
        var attributes: [String: JSONValue] = [:]
        do {
            try scanObject(&cursor, reserved: &reserved, attributes: &attributes)
            cursor.skipWhitespace()
            guard cursor.index == line.count else { throw cursor.fail("unexpected data after the JSON value") }
        } catch {
            throw EventDecodingError("not valid JSON: \(error)")
        }
        var reader = ReservedFieldReader(line: line, values: reserved)
        return try reader.event(attributes: attributes)
    }

    /// The top-level object, as ``JSONParser/Cursor/parseObject(depth:)`` at depth 1, with reserved values
    /// going to `reserved` and the rest to `attributes` (first occurrence of a key wins in both).
    private static func scanObject(
        _ cursor: inout JSONParser.Cursor, reserved: inout ReservedValues, attributes: inout [String: JSONValue]
    ) throws(JSONParser.Failure) {
        let depth = 1
        guard depth <= cursor.maxDepth else { throw cursor.fail("nesting deeper than \(cursor.maxDepth)") }
        cursor.index += 1
        cursor.skipWhitespace()
        if !cursor.atEnd, cursor.bytes[cursor.index] == UInt8(ascii: "}") {
            cursor.index += 1
            return
        }
        while true {
            cursor.skipWhitespace()
            guard !cursor.atEnd, cursor.bytes[cursor.index] == UInt8(ascii: "\"") else {
                throw cursor.fail("expected a string key")
            }
            var field: ReservedField?
            var unknownKey: String?
            switch try cursor.scanString() {
            case .plain(let range):
                field = ReservedField(key: UnsafeRawBufferPointer(rebasing: cursor.bytes[range]))
                if field == nil { unknownKey = cursor.string(range) }
            case .escaped(let start):
                // Escaped keys are compared after decoding, as the generic parser does: `"\u0073ervice"` is `service`.
                let key = try cursor.finishEscapedString(start: start)
                field = ReservedField(name: key)
                if field == nil { unknownKey = key }
            }
            cursor.skipWhitespace()
            guard !cursor.atEnd, cursor.bytes[cursor.index] == UInt8(ascii: ":") else { throw cursor.fail("expected ':'") }
            cursor.index += 1
            cursor.skipWhitespace()
            if let field {
                if reserved.contains(field) {
                    _ = try cursor.parseValue(depth: depth)  // a duplicate: checked, then dropped
                } else {
                    reserved.setIfAbsent(field, try scanValue(&cursor, depth: depth))
                }
            } else if let unknownKey {
                let value = try cursor.parseValue(depth: depth)
                if attributes.isEmpty { attributes.reserveCapacity(8) }  // one allocation, not one per growth
                if attributes[unknownKey] == nil { attributes[unknownKey] = value }
            }
            cursor.skipWhitespace()
            guard !cursor.atEnd else { throw cursor.fail("unterminated object") }
            if cursor.bytes[cursor.index] == UInt8(ascii: ",") {
                cursor.index += 1
                continue
            }
            guard cursor.bytes[cursor.index] == UInt8(ascii: "}") else { throw cursor.fail("expected ',' or '}'") }
            cursor.index += 1
            return
        }
    }

    /// A value as ``JSONParser/Cursor/parseValue(depth:)`` parses it, without boxing scalars or copying
    /// strings that have no escapes.
    @inline(__always)
    private static func scanValue(_ cursor: inout JSONParser.Cursor, depth: Int) throws(JSONParser.Failure) -> ScannedValue {
        guard !cursor.atEnd else { throw cursor.fail("unexpected end of input") }
        switch cursor.bytes[cursor.index] {
        case UInt8(ascii: "\""):
            switch try cursor.scanString() {
            case .plain(let range): return .plainString(range)
            case .escaped(let start): return .string(try cursor.finishEscapedString(start: start))
            }
        case UInt8(ascii: "t"):
            try cursor.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try cursor.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try cursor.expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try cursor.scanNumber() {
            case .int(let value): return .int(value)
            case .double(let value): return .double(value)
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return .composite(try cursor.parseValue(depth: depth))
        default:
            throw cursor.fail("unexpected character")
        }
    }
}
