import ServiceLog

/// A scan that recognises, without building anything, the commonest line that is not a canonical event:
/// a well-formed JSON object from another program (a JVM's logstash encoder, nginx, zap) that has no
/// top-level `timestamp` key.
///
/// ``Event/init(jsonLine:limits:)`` rejects such a line with `missing required field 'timestamp'`
/// after parsing it whole (a dictionary of every unknown key, strings copied, numbers converted), only
/// for the shaper to wrap it. This scan checks the same grammar in one pass and allocates nothing. It
/// answers only when it is sure the decoder would give that very reason: anything it does not fully
/// check itself (escaped keys, a `timestamp` key at all, `\u` surrogates, numbers the decoder might
/// find out of range, deep nesting, invalid UTF-8, any syntax error) makes it answer `false`, and the
/// shaper asks the decoder as before. The tests hold the two to the same verdicts.
enum ForeignJSONScan {
    /// The decoder's reason for a well-formed object without `timestamp`.
    static let missingTimestamp = "missing required field 'timestamp'"

    /// Deepest nesting the scan follows; the decoder allows 32 (the top-level object is 1).
    private static let maxDepth = 24

    /// Whether `line` (trimmed of its newline, not empty) is a well-formed JSON object without a
    /// top-level `timestamp` key, as the decoder would find.
    static func isObjectWithoutTimestamp(_ line: UnsafeRawBufferPointer) -> Bool {
        var scanner = Scanner(bytes: line)
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{") else { return false }
        guard scanner.object(depth: 1, topLevel: true) else { return false }
        scanner.skipWhitespace()
        return scanner.index == line.count
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index &+= 1
                default: return
                }
            }
        }

        /// At `{`. For the top-level object, also refuses a `timestamp` key and any escaped key.
        mutating func object(depth: Int, topLevel: Bool) -> Bool {
            guard depth <= ForeignJSONScan.maxDepth else { return false }
            index &+= 1
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                index &+= 1
                return true
            }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { return false }
                let keyStart = index &+ 1
                guard let escaped = string() else { return false }
                if topLevel {
                    // An escaped key might decode to `timestamp`: the decoder decides.
                    if escaped || isTimestamp(keyStart..<(index &- 1)) { return false }
                }
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { return false }
                index &+= 1
                skipWhitespace()
                guard value(depth: depth) else { return false }
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index &+= 1
                case UInt8(ascii: "}"):
                    index &+= 1
                    return true
                default: return false
                }
            }
        }

        mutating func array(depth: Int) -> Bool {
            guard depth <= ForeignJSONScan.maxDepth else { return false }
            index &+= 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                index &+= 1
                return true
            }
            while true {
                skipWhitespace()
                guard value(depth: depth) else { return false }
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index &+= 1
                case UInt8(ascii: "]"):
                    index &+= 1
                    return true
                default: return false
                }
            }
        }

        mutating func value(depth: Int) -> Bool {
            guard let byte = peek else { return false }
            switch byte {
            case UInt8(ascii: "{"): return object(depth: depth &+ 1, topLevel: false)
            case UInt8(ascii: "["): return array(depth: depth &+ 1)
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count &- index >= count else { return false }
            for offset in 0..<count where bytes[index &+ offset] != text.utf8Start[offset] { return false }
            index &+= count
            return true
        }

        /// At `"`: moves past the closing quote. `nil` when malformed (or not surely accepted by the
        /// decoder), else whether it held an escape.
        mutating func string() -> Bool? {
            index &+= 1
            let start = index
            var escaped = false
            var nonASCII = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    if nonASCII, UTF8Validation.firstInvalidIndex(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) != nil {
                        return nil
                    }
                    index &+= 1
                    return escaped
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    guard index &+ 1 < bytes.count else { return nil }
                    switch bytes[index &+ 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index &+= 2
                    case UInt8(ascii: "u"):
                        guard let code = hex4(at: index &+ 2), !(0xD800...0xDFFF).contains(code) else { return nil }
                        index &+= 6
                    default:
                        return nil
                    }
                    continue
                }
                if byte < 0x20 { return nil }
                if byte >= 0x80 { nonASCII = true }
                index &+= 1
            }
            return nil
        }

        func hex4(at position: Int) -> UInt32? {
            guard bytes.count &- position >= 4 else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let c = bytes[position &+ offset]
                let digit: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c &- 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c &- 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c &- 55)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }

        /// RFC 8259 numbers the decoder is sure to accept: integers of at most 18 digits, decimals of
        /// at most 15 digits without exponent (its exact fast paths). Anything else: `false`.
        mutating func number() -> Bool {
            if bytes[index] == UInt8(ascii: "-") { index &+= 1 }
            let digitsStart = index
            guard let first = peek else { return false }
            if first == UInt8(ascii: "0") {
                index &+= 1
            } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
                while let byte = peek, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { index &+= 1 }
            } else {
                return false
            }
            let integerDigits = index &- digitsStart
            if peek == UInt8(ascii: ".") {
                index &+= 1
                let fractionStart = index
                while let byte = peek, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { index &+= 1 }
                let fractionDigits = index &- fractionStart
                guard fractionDigits > 0, integerDigits &+ fractionDigits <= 15 else { return false }
            } else if integerDigits > 18 {
                return false
            }
            if let byte = peek, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return false }
            return true
        }

        func isTimestamp(_ range: Range<Int>) -> Bool {
            let key: StaticString = "timestamp"
            guard range.count == key.utf8CodeUnitCount else { return false }
            for offset in 0..<range.count where bytes[range.lowerBound &+ offset] != key.utf8Start[offset] { return false }
            return true
        }
    }
}
