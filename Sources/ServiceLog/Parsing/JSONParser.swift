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
            try expectLiteral(literal)
            return value
        }

        /// Consumes `literal` (`true`, `false` or `null`) or fails with "invalid literal".
        mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw fail("invalid literal") }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
                throw fail("invalid literal")
            }
            index += count
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

        /// Where a scanned string's content lies: either a plain run of bytes in the input (no escapes,
        /// already checked to be valid UTF-8), or the start of a string that contains escapes.
        enum StringScan {
            /// The content is `bytes[range]` verbatim; the cursor is past the closing quote.
            case plain(Range<Int>)
            /// The content starts at `start` and has an escape at the cursor; finish it with
            /// ``finishEscapedString(start:)``.
            case escaped(start: Int)
        }

        /// Scans a string up to its closing quote or its first backslash, whichever comes first, with the
        /// same checks (and failure offsets) as ``parseString()``. Lets callers that only need the bytes
        /// (hex IDs, timestamps, reserved keys) skip building a `String`.
        mutating func scanString() throws(Failure) -> StringScan {
            index += 1
            let start = index
            // Eight bytes at a time while none is a quote, a backslash or a control character; remember
            // whether any is non-ASCII (only then does the content need UTF-8 validation).
            var highBits: UInt64 = 0
            while bytes.count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if Self.hasQuoteBackslashOrControl(word) { break }
                highBits |= word
                index += 8
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    if highBits & 0x8080_8080_8080_8080 != 0 {
                        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                        if let bad = UTF8Validation.firstInvalidIndex(slice) {
                            index = start + bad
                            throw fail("invalid UTF-8")
                        }
                    }
                    index += 1
                    return .plain(start..<(index - 1))
                }
                if byte == UInt8(ascii: "\\") { return .escaped(start: start) }
                if byte < 0x20 { throw fail("unescaped control character in string") }
                highBits |= UInt64(byte)
                index += 1
            }
            throw fail("unterminated string")
        }

        /// Whether any byte of `word` is `"`, `\` or below 0x20 (exact: no false positives or negatives).
        @inline(__always)
        static func hasQuoteBackslashOrControl(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
            let quote = hasZeroByte(word ^ (ones &* 0x22))
            let backslash = hasZeroByte(word ^ (ones &* 0x5C))
            let control = (word &- ones &* 0x20) & ~word & highs != 0
            return quote || backslash || control
        }

        /// The string at the cursor, unescaped.
        mutating func parseString() throws(Failure) -> String {
            switch try scanString() {
            case .plain(let range): return string(range)
            case .escaped(let start): return try finishEscapedString(start: start)
            }
        }

        /// The input bytes in `range` (already validated) as a `String`.
        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// Finishes a string whose content began at `start` and that has an escape at the cursor.
        mutating func finishEscapedString(start: Int) throws(Failure) -> String {
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

        /// A JSON number, unboxed (``JSONValue`` is an indirect enum: every case with a payload allocates).
        enum Number {
            case int(Int64)
            case double(Double)

            var jsonValue: JSONValue {
                switch self {
                case .int(let value): .int(value)
                case .double(let value): .double(value)
                }
            }
        }

        mutating func parseNumber() throws(Failure) -> JSONValue {
            try scanNumber().jsonValue
        }

        /// Exact powers of ten for the fast double path (all exactly representable as `Double`).
        static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

        /// Parses a number with the RFC 8259 grammar: an integer that fits in `Int64` stays an integer,
        /// anything else is a finite `Double`.
        ///
        /// Fast paths that give bit-identical results to `Int64(text)` / `Double(text)` without building the
        /// text: integers of at most 18 digits are accumulated directly; decimals without exponent whose
        /// digits fit in 15 significant digits and 22 fraction digits are `mantissa / 10^k`, which IEEE
        /// division rounds correctly because both operands are exact (Clinger's fast path).
        mutating func scanNumber() throws(Failure) -> Number {
            let start = index
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let digitsStart = index
            guard !atEnd else { throw fail("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) {
                while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            } else {
                throw fail("invalid number")
            }
            let integerEnd = index
            var integral = true
            var fractionStart = index
            if !atEnd, bytes[index] == UInt8(ascii: ".") {
                integral = false
                index += 1
                fractionStart = index
                let digits = index
                while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                guard index > digits else { throw fail("invalid number") }
            }
            let fractionEnd = index
            if !atEnd, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                integral = false
                index += 1
                if !atEnd, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let digits = index
                while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                guard index > digits else { throw fail("invalid number") }
            }
            if integral, integerEnd - digitsStart <= 18 {
                var value: Int64 = 0
                for position in digitsStart..<integerEnd { value = value &* 10 &+ Int64(bytes[position] &- 48) }
                return .int(negative ? -value : value)
            }
            if !integral, fractionEnd == index, fractionEnd - fractionStart <= 22,
                (integerEnd - digitsStart) + (fractionEnd - fractionStart) <= 15
            {
                var mantissa: Int64 = 0
                for position in digitsStart..<integerEnd { mantissa = mantissa &* 10 &+ Int64(bytes[position] &- 48) }
                for position in fractionStart..<fractionEnd { mantissa = mantissa &* 10 &+ Int64(bytes[position] &- 48) }
                let value = Double(mantissa) / Self.powersOfTen[fractionEnd - fractionStart]
                return .double(negative ? -value : value)
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if integral, let value = Int64(text) { return .int(value) }
            guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
            return .double(value)
        }
    }
}
