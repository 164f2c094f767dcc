import ShipperCore

/// Stable `event_id`s for events that arrive without one.
///
/// The id is a function of where the record sits in its stream and of its bytes, so reading the same
/// record again after a crash yields the same id and the analyzer drops the duplicate; two identical
/// lines at different offsets (a service really logging the same thing twice) keep different ids.
/// The bytes are part of the input because a file truncated in place (copytruncate) restarts its
/// offsets: a new line at an old offset must not look like the old line.
///
/// Hot path: it runs once per shipped line. The two FNV-1a 64 hashes run in one loop over raw bytes
/// (the generic `Sequence` loop it replaces cost ~60% of the shipper's CPU), and the id is written
/// straight into the caller's buffer; the values are those of ServiceLog's `FNV1a`, which the tests pin.
public enum EventIDDerivation {
    /// Bytes of an id: `ls-` followed by 32 hex digits.
    public static let byteCount = 35

    /// `ls-` followed by 32 hex digits (128 bits from two independent FNV-1a 64 hashes).
    public static func eventID(for record: SourceRecord) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        append(for: record, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the id of `record` (the bytes of ``eventID(for:)``) to `output`, without allocating beyond it.
    public static func append(for record: SourceRecord, to output: inout [UInt8]) {
        let (high, low) = record.bytes.withUnsafeBytes { hashes(stream: record.stream.rawValue, origin: record.origin, bytes: $0) }
        output.append(UInt8(ascii: "l"))
        output.append(UInt8(ascii: "s"))
        output.append(UInt8(ascii: "-"))
        appendHex(high, to: &output)
        appendHex(low, to: &output)
    }

    /// Writes the id of `record` (``byteCount`` bytes) at `destination`.
    public static func write(for record: SourceRecord, to destination: UnsafeMutablePointer<UInt8>) {
        let (high, low) = record.bytes.withUnsafeBytes { hashes(stream: record.stream.rawValue, origin: record.origin, bytes: $0) }
        destination[0] = UInt8(ascii: "l")
        destination[1] = UInt8(ascii: "s")
        destination[2] = UInt8(ascii: "-")
        func hex(_ value: UInt64, at index: Int) {
            for digit in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * digit)) & 0xF
                destination[index + digit] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
            }
        }
        hex(high, at: 3)
        hex(low, at: 19)
    }

    /// The two hashes over `stream`, 0, `origin`, 0, then `bytes`.
    static func hashes(stream: String, origin: String, bytes: UnsafeRawBufferPointer) -> (high: UInt64, low: UInt64) {
        var low: UInt64 = 0xcbf2_9ce4_8422_2325
        var high: UInt64 = 0x6c62_272e_07bb_0142
        var stream = stream
        var origin = origin
        stream.withUTF8 { mix(UnsafeRawBufferPointer($0), &low, &high) }
        separate(&low, &high)
        origin.withUTF8 { mix(UnsafeRawBufferPointer($0), &low, &high) }
        separate(&low, &high)
        mix(bytes, &low, &high)
        return (high, low)
    }

    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The 0 byte between the parts: `x ^ 0 == x`, so only the multiplication remains.
    @inline(__always)
    private static func separate(_ low: inout UInt64, _ high: inout UInt64) {
        low = low &* prime
        high = high &* prime
    }

    @inline(__always)
    private static func mix(_ bytes: UnsafeRawBufferPointer, _ low: inout UInt64, _ high: inout UInt64) {
        var a = low
        var b = high
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* prime
            b = (b ^ UInt64(byte)) &* prime
        }
        low = a
        high = b
    }

    private static func appendHex(_ value: UInt64, to output: inout [UInt8]) {
        var shift = 60
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
            output.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
            shift -= 4
        }
    }
}
