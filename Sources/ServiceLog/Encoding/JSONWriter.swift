/// Hand-written JSON encoding primitives for the hot path: strings with escaping, truncation and UTF-8
/// repair, integers, doubles and hex IDs, written straight into an ``OutputBuffer``.
///
/// Foundation's `JSONEncoder` allocates per value and goes through `Codable`'s dynamic containers; the
/// benchmark in `Benchmarks/` compares the two.
public enum JSONWriter {
    /// The marker appended to a string cut at the size limit.
    public static let truncationMarker = "…[truncated "

    /// Whether a byte must be escaped inside a JSON string (control characters, quote, backslash).
    /// Arithmetic rather than a lookup table: no global to initialise or retain on the hot path.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// The lowercase hex digit of a nibble.
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 &+ nibble : 87 &+ nibble
    }

    /// Writes `"text"` with JSON escaping. A string longer than `limit` UTF-8 bytes is cut at a character
    /// boundary and `…[truncated N bytes]` is appended. Returns whether it was cut.
    @inline(__always) @discardableResult
    public static func writeString(_ text: String, limit: Int = .max, into out: inout OutputBuffer) -> Bool {
        if let cut = text.utf8.withContiguousStorageIfAvailable({
            writeValidUTF8(UnsafeRawBufferPointer($0), limit: limit, into: &out)
        }) {
            return cut
        }
        let copy = Array(text.utf8)
        return copy.withUnsafeBytes { writeValidUTF8($0, limit: limit, into: &out) }
    }

    /// Writes bytes known to be valid UTF-8 (Swift strings always are) as a JSON string. Returns whether
    /// the string was cut at `limit`.
    @inline(__always) @discardableResult
    public static func writeValidUTF8(_ bytes: UnsafeRawBufferPointer, limit: Int = .max, into out: inout OutputBuffer) -> Bool {
        var length = bytes.count
        var cut = 0
        let limit = max(limit, 0)
        if length > limit {
            length = limit
            // Back up to the start of a character: never split a multi-byte sequence.
            while length > 0 && (bytes[length] & 0xC0) == 0x80 { length -= 1 }
            cut = bytes.count - length
        }
        out.append(UInt8(ascii: "\""))
        writeEscapedBody(UnsafeRawBufferPointer(rebasing: bytes[0..<length]), into: &out)
        if cut > 0 {
            writeEscapedBody(truncationMarker, into: &out)
            writeInt(cut, into: &out)
            out.append(ascii: " bytes]")
        }
        out.append(UInt8(ascii: "\""))
        return cut > 0
    }

    @inline(__always)
    static func writeEscapedBody(_ text: String, into out: inout OutputBuffer) {
        var text = text
        text.withUTF8 { writeEscapedBody(UnsafeRawBufferPointer($0), into: &out) }
    }

    /// Copies runs of plain bytes with one `memcpy` each and escapes the rest.
    @inline(__always)
    static func writeEscapedBody(_ bytes: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        var runStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if !needsEscape(byte) {
                index &+= 1
                continue
            }
            if index > runStart {
                out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            }
            writeEscape(byte, into: &out)
            index &+= 1
            runStart = index
        }
        if count > runStart {
            out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<count]))
        }
    }

    static func writeEscape(_ byte: UInt8, into out: inout OutputBuffer) {
        let short = byte == 0x08 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D || byte == 0x22 || byte == 0x5C
        if short {
            let short: UInt8
            switch byte {
            case 0x08: short = UInt8(ascii: "b")
            case 0x09: short = UInt8(ascii: "t")
            case 0x0A: short = UInt8(ascii: "n")
            case 0x0C: short = UInt8(ascii: "f")
            case 0x0D: short = UInt8(ascii: "r")
            default: short = byte  // '"' and '\'
            }
            out.appendUnsafe(count: 2) { p in
                p[0] = UInt8(ascii: "\\")
                p[1] = short
            }
        } else {
            out.appendUnsafe(count: 6) { p in
                p[0] = UInt8(ascii: "\\")
                p[1] = UInt8(ascii: "u")
                p[2] = UInt8(ascii: "0")
                p[3] = UInt8(ascii: "0")
                p[4] = hexDigit(byte >> 4)
                p[5] = hexDigit(byte & 0xF)
            }
        }
    }

    /// Writes bytes of unknown encoding as a JSON string, replacing every invalid UTF-8 sequence with
    /// U+FFFD (the shipper's path for raw log lines). Returns the number of replacements made.
    @discardableResult
    public static func writeRepairingUTF8(_ bytes: UnsafeRawBufferPointer, limit: Int = .max, into out: inout OutputBuffer) -> Int {
        if UTF8Validation.firstInvalidIndex(bytes) == nil {
            writeValidUTF8(bytes, limit: limit, into: &out)
            return 0
        }
        let (repaired, replacements) = UTF8Validation.repair(bytes)
        _ = repaired.withUnsafeBytes { writeValidUTF8($0, limit: limit, into: &out) }
        return replacements
    }

    /// Writes a decimal integer.
    @inline(__always)
    public static func writeInt(_ value: Int, into out: inout OutputBuffer) {
        var magnitude = value.magnitude
        // 20 digits + sign is the widest Int.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { raw in
            let digits = raw.bindMemory(to: UInt8.self)
            var position = 24
            repeat {
                position -= 1
                digits[position] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                digits[position] = UInt8(ascii: "-")
            }
            out.append(UnsafeRawBufferPointer(rebasing: raw[position..<24]))
        }
    }

    /// Writes a double; NaN and infinities (not JSON) are written as `null`. Integral values below 1e15
    /// keep a `.0`; larger ones use exponent notation (`1e+15`), which is valid JSON.
    public static func writeDouble(_ value: Double, into out: inout OutputBuffer) {
        guard value.isFinite else {
            out.append(ascii: "null")
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            writeInt(Int(value), into: &out)
            out.append(ascii: ".0")
            return
        }
        var text = value.description
        text.withUTF8 { out.append(UnsafeRawBufferPointer($0)) }
    }

    /// Writes milliseconds with exactly three decimals (microsecond precision), e.g. `12.345`.
    @inline(__always)
    public static func writeMilliseconds(_ value: Double, into out: inout OutputBuffer) {
        guard value.isFinite, abs(value) < 9e12 else {
            writeDouble(value, into: &out)
            return
        }
        let micros = Int((value * 1000).rounded())
        if micros < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = abs(micros)
        writeInt(magnitude / 1000, into: &out)
        let fraction = magnitude % 1000
        out.appendUnsafe(count: 4) { p in
            p[0] = UInt8(ascii: ".")
            p[1] = UInt8(48 + fraction / 100)
            p[2] = UInt8(48 + (fraction / 10) % 10)
            p[3] = UInt8(48 + fraction % 10)
        }
    }

    /// Writes `"` + lowercase hex of `bytes` + `"`.
    @inline(__always)
    public static func writeHex(_ bytes: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let count = bytes.count
        out.appendUnsafe(count: count * 2 + 2) { p in
            p[0] = UInt8(ascii: "\"")
            for i in 0..<count {
                let b = bytes[i]
                p[1 + 2 * i] = hexDigit(b >> 4)
                p[2 + 2 * i] = hexDigit(b & 0xF)
            }
            p[count * 2 + 1] = UInt8(ascii: "\"")
        }
    }

    /// Writes `,"key":` with the key escaped (keys from metadata are arbitrary text). Returns whether the
    /// key was cut at ``FieldSize/attributeKey`` bytes.
    @inline(__always) @discardableResult
    public static func writeKey(_ key: String, limit: Int = FieldSize.attributeKey, into out: inout OutputBuffer) -> Bool {
        out.append(UInt8(ascii: ","))
        let cut = writeString(key, limit: limit, into: &out)
        out.append(UInt8(ascii: ":"))
        return cut
    }

    /// Writes a ``JSONValue``. Nesting deeper than `depth` is written as a string marker, not recursed.
    /// Returns whether anything was cut (a string, a key, or nesting).
    @discardableResult
    public static func writeValue(
        _ value: JSONValue, stringLimit: Int, depth: Int = 16, keyLimit: Int = FieldSize.attributeKey, into out: inout OutputBuffer
    ) -> Bool {
        switch value {
        case .null: out.append(ascii: "null")
        case .bool(let flag): out.append(ascii: flag ? "true" : "false")
        case .int(let number): writeInt(Int(number), into: &out)
        case .double(let number): writeDouble(number, into: &out)
        case .string(let text): return writeString(text, limit: stringLimit, into: &out)
        case .array(let items):
            guard depth > 0 else {
                out.append(ascii: "\"[nested too deep]\"")
                return true
            }
            var cut = false
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if writeValue(item, stringLimit: stringLimit, depth: depth - 1, keyLimit: keyLimit, into: &out) { cut = true }
            }
            out.append(UInt8(ascii: "]"))
            return cut
        case .object(let fields):
            guard depth > 0 else {
                out.append(ascii: "\"[nested too deep]\"")
                return true
            }
            var cut = false
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in fields.keys.sorted() {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if writeString(key, limit: keyLimit, into: &out) { cut = true }
                out.append(UInt8(ascii: ":"))
                if writeValue(fields[key]!, stringLimit: stringLimit, depth: depth - 1, keyLimit: keyLimit, into: &out) { cut = true }
            }
            out.append(UInt8(ascii: "}"))
            return cut
        }
        return false
    }
}
