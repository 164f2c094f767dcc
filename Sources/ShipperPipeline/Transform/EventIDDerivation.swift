import ServiceLog
import ShipperCore

/// Stable `event_id`s for events that arrive without one.
///
/// The id is a function of where the record sits in its stream and of its bytes, so reading the same
/// record again after a crash yields the same id and the analyzer drops the duplicate; two identical
/// lines at different offsets (a service really logging the same thing twice) keep different ids.
/// The bytes are part of the input because a file truncated in place (copytruncate) restarts its
/// offsets: a new line at an old offset must not look like the old line.
public enum EventIDDerivation {
    /// `ls-` followed by 32 hex digits (128 bits from two independent FNV-1a 64 hashes).
    public static func eventID(for record: SourceRecord) -> String {
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
        return "ls-" + hex(high.value) + hex(low.value)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
