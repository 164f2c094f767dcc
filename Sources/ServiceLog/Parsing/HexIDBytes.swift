import W3CTraceContext

/// Hex IDs straight from UTF-8 bytes, without the intermediate arrays of ``HexID/parse(_:byteCount:allowZero:)``.
/// Same rules: exactly `2 * byteCount` lowercase hex digits, and not all zero unless allowed.
extension HexID {
    /// Decodes `text` into `output` (whose count is the number of bytes wanted); `false` if malformed or
    /// (unless `allowZero`) all zero.
    @inline(__always)
    static func decode(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, allowZero: Bool) -> Bool {
        guard text.count == output.count * 2 else { return false }
        var any: UInt8 = 0
        for i in 0..<output.count {
            guard let high = nibble(text[2 * i]), let low = nibble(text[2 * i + 1]) else { return false }
            let byte = high << 4 | low
            output[i] = byte
            any |= byte
        }
        return allowZero || any != 0
    }

    /// A W3C trace ID from 32 lowercase hex digits (not all zero).
    static func traceID(utf8 text: UnsafeRawBufferPointer) -> TraceID? {
        var raw = TraceID.null.bytes
        let valid = withUnsafeMutableBytes(of: &raw) { decode(text, into: $0, allowZero: false) }
        return valid ? TraceID(bytes: raw) : nil
    }

    /// A W3C span ID from 16 lowercase hex digits (not all zero).
    static func spanID(utf8 text: UnsafeRawBufferPointer) -> SpanID? {
        var raw = SpanID.null.bytes
        let valid = withUnsafeMutableBytes(of: &raw) { decode(text, into: $0, allowZero: false) }
        return valid ? SpanID(bytes: raw) : nil
    }

    /// W3C trace flags from 2 hex digits (zero allowed).
    static func traceFlags(utf8 text: UnsafeRawBufferPointer) -> UInt8? {
        var raw: UInt8 = 0
        let valid = withUnsafeMutableBytes(of: &raw) { decode(text, into: $0, allowZero: true) }
        return valid ? raw : nil
    }
}
