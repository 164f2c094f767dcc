/// What the handler's encoder remembers from one line to the next: the encoded date and time of the
/// current second, and what it decided about recent keys (secret? reserved name?).
///
/// It lives in a ``LineWriter``'s locked state, next to the buffer lines are encoded into, so it needs no
/// lock of its own: only the one producer holding the writer's lock (the one encoding a line) touches it.
struct EncodingCache {
    /// The second whose `YYYY-MM-DDTHH:MM:SS.` is in `secondPrefix`.
    private var second: Int64 = .min
    /// The first 20 bytes of the timestamp of `second`.
    private var secondPrefix: (UInt64, UInt64, UInt32) = (0, 0, 0)
    /// The ``Redaction`` the verdicts were decided by (its ``Redaction/cacheID``).
    private var redactionID: UInt64 = 0
    /// Direct-mapped: a key's slot is picked from its bits, and a slot holds the last key that landed
    /// there. Bounded by construction (keys made from data cannot grow it), and a lookup is a hash of
    /// 16 bytes and one string comparison instead of hashing the text (measured: a `Dictionary` cost as
    /// much as the scan it saved).
    private var slots = Array(repeating: Slot.empty, count: EncodingCache.slotCount)

    struct Slot {
        var key: String
        var verdict: KeyVerdict

        /// Holds the empty key, whose verdict this is.
        static let empty = Slot(key: "", verdict: KeyVerdict(secret: false, reserved: false))
    }

    /// What a metadata or field key needs decided before it is written.
    struct KeyVerdict {
        /// Its value is written as ``Redaction/replacement``.
        var secret: Bool
        /// It is a reserved field name: written as `metadata.<key>`.
        var reserved: Bool
    }

    static let slotCount = 256

    init() {}

    /// Writes the ``Timestamp/encodedLength`` bytes of `time` (as ``Timestamp/write(_:to:)`` does); the
    /// date and time of day are computed once per second, only the microseconds per line.
    @inline(__always)
    mutating func writeTimestamp(_ time: Timestamp, to out: UnsafeMutablePointer<UInt8>) {
        let micros = time.microsecondsSinceEpoch
        var seconds = micros / 1_000_000
        var fraction = micros - seconds * 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        if seconds != second {
            // Slow path once per second: the full encoding, of which the prefix is kept.
            Timestamp.write(time, to: out)
            withUnsafeMutableBytes(of: &secondPrefix) { $0.copyMemory(from: UnsafeRawBufferPointer(start: out, count: 20)) }
            second = seconds
            return
        }
        withUnsafeBytes(of: secondPrefix) { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: 20) }
        for index in stride(from: 25, through: 20, by: -1) {
            out[index] = UInt8(truncatingIfNeeded: 48 &+ fraction % 10)
            fraction /= 10
        }
        out[26] = UInt8(ascii: "Z")
    }

    /// Whether `key` names a secret under `redaction`, and whether it is reserved: decided once per
    /// distinct key (while it stays in its slot), then looked up.
    @inline(__always)
    mutating func verdict(for key: String, _ redaction: Redaction) -> KeyVerdict {
        if redaction.cacheID != redactionID {
            // Handlers with different lists share this writer: the cache follows the latest one.
            for index in slots.indices { slots[index] = .empty }
            redactionID = redaction.cacheID
        }
        let index = Self.slot(of: key)
        // The bits only choose the slot; `==` decides, so a collision can only cost a scan, never a
        // wrong verdict. (Equal bits, the common case of the same literal or the same string object, make
        // `==` return at its first check.)
        if slots[index].key == key { return slots[index].verdict }
        let verdict = KeyVerdict(secret: redaction.isSecret(key), reserved: FieldName.isReserved(key))
        slots[index] = Slot(key: key, verdict: verdict)
        return verdict
    }

    /// A slot index from the string's 16 bytes of representation: for a short string these are its
    /// bytes, for a long one its storage's address and length; either way the same key (same literal,
    /// same object) lands in the same slot.
    @inline(__always)
    static func slot(of key: String) -> Int {
        var mixed: UInt64 = 0
        withUnsafeBytes(of: key) { raw in
            var offset = 0
            while offset + 8 <= raw.count {
                mixed = (mixed ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                offset += 8
            }
            if offset < raw.count { mixed = (mixed ^ UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* 0x9E37_79B9_7F4A_7C15 }
        }
        return Int(truncatingIfNeeded: mixed >> 56) & (slotCount - 1)
    }
}
