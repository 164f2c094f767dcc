/// A strict JSON parser (RFC 8259) with limits, for lines that come from outside the process.
///
/// Strict means: one value, no trailing garbage, no comments, no trailing commas, no NaN, no leading
/// zeros, valid UTF-8, paired surrogates. Limits mean: nesting depth is capped, so a hostile line cannot
/// exhaust the stack.
public struct JSONParser {
    /// Why a line is not valid JSON; `offset` is the byte position where parsing stopped.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var offset: Int
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Maximum nesting of arrays and objects.
    public var maxDepth: Int

    public init(maxDepth: Int = 32) {
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value that fills `bytes` (surrounding whitespace allowed).
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> JSONValue {
        var cursor = Cursor(bytes: bytes, maxDepth: maxDepth)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == bytes.count else { throw cursor.fail("unexpected data after the JSON value") }
        return value
    }

    /// Parses a string holding one JSON value.
    public func parse(_ text: String) throws(Failure) -> JSONValue {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(Failure) -> JSONValue in try parse(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }
}

extension JSONParser {
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        let maxDepth: Int
        var index = 0

        init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func fail(_ reason: String) -> Failure { Failure(reason: reason, offset: index) }

        var atEnd: Bool { index >= bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: StaticString, value: JSONValue) throws(Failure) -> JSONValue {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw fail("invalid literal") }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
                throw fail("invalid literal")
            }
            index += count
            return value
        }

        mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
            guard !atEnd else { throw fail("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
            case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
            case UInt8(ascii: "n"): return try expect("null", value: .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw fail("unexpected character")
            }
        }

        mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
            index += 1
            var fields: [String: JSONValue] = [:]
            skipWhitespace()
            if !atEnd, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(fields)
            }
            while true {
                skipWhitespace()
                guard !atEnd, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                guard !atEnd, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                // Duplicate keys: the first one wins, so a later field cannot overwrite a validated one.
                if fields[key] == nil { fields[key] = value }
                skipWhitespace()
                guard !atEnd else { throw fail("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                index += 1
                return .object(fields)
            }
        }

        mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if !atEnd, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth))
                skipWhitespace()
                guard !atEnd else { throw fail("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                index += 1
                return .array(items)
            }
        }

        mutating func parseString() throws(Failure) -> String {
            index += 1
            let start = index
            // Fast path: no escapes, ASCII or valid UTF-8, one copy.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    if let bad = UTF8Validation.firstInvalidIndex(slice) {
                        index = start + bad
                        throw fail("invalid UTF-8")
                    }
                    index += 1
                    return String(decoding: slice, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("unescaped control character in string") }
                index += 1
            }
            guard index < bytes.count else { throw fail("unterminated string") }
            var scalars = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let bad = scalars.withUnsafeBytes { UTF8Validation.firstInvalidIndex($0) }
                    if bad != nil { throw fail("invalid UTF-8") }
                    index += 1
                    return String(decoding: scalars, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw fail("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append(0x22)
                    case UInt8(ascii: "\\"): scalars.append(0x5C)
                    case UInt8(ascii: "/"): scalars.append(0x2F)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try parseHex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                                bytes[index + 1] == UInt8(ascii: "u")
                            else { throw fail("unpaired surrogate") }
                            index += 2
                            let low = try parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw fail("unpaired surrogate")
                        }
                        scalars.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
                    default:
                        throw fail("invalid escape")
                    }
                default:
                    if byte < 0x20 { throw fail("unescaped control character in string") }
                    scalars.append(byte)
                    index += 1
                }
            }
            throw fail("unterminated string")
        }

        mutating func parseHex4() throws(Failure) -> UInt32 {
            guard bytes.count - index >= 4 else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let digit: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - 55)
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func parseNumber() throws(Failure) -> JSONValue {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard !atEnd else { throw fail("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) {
                while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            } else {
                throw fail("invalid number")
            }
            var integral = true
            if !atEnd, bytes[index] == UInt8(ascii: ".") {
                integral = false
                index += 1
                let digits = index
                while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                guard index > digits else { throw fail("invalid number") }
            }
            if !atEnd, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                integral = false
                index += 1
                if !atEnd, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let digits = index
                while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                guard index > digits else { throw fail("invalid number") }
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if integral, let value = Int64(text) { return .int(value) }
            guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
            return .double(value)
        }
    }
}
