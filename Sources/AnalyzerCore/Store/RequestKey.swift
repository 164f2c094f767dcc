import GRDB
import ServiceLog
import W3CTraceContext

/// How the store finds the events of one request or trace: an integer hash of the correlation or trace
/// ID, indexed behind the row's insertion bucket.
///
/// Why not index the IDs themselves: they are random, so every request of a batch dirties its own leaf
/// page of each index, and that page is written to the WAL (fsynced) and again at checkpoint. On a
/// 1M-event ingest the two ID indexes were most of the insert time. Two changes bound that:
/// - the key is 6 bytes instead of 32-36 characters, so the index is 3x smaller and stays in the cache;
/// - the key is prefixed by ``bucketSQL`` (the rowid in blocks of 16,384), so a batch only inserts into
///   the last bucket or two, whose pages are few and hot, whatever the store's size.
///
/// A lookup then seeks once per bucket (`bucket IN (first...last) AND key = ?`): a few microseconds per
/// 16k stored events. Different IDs may share a key, so callers keep only the rows whose event really
/// has the ID.
enum RequestKey {
    /// The bucket of a row, the leading column of the key indexes. Must stay the exact text used in
    /// the indexes (`EventStoreSchema`), or SQLite will not use them.
    static let bucketSQL = "(id >> 14)"

    /// Every bucket from the oldest stored row's to the newest's, as a CTE named `buckets`. Rowids only
    /// grow and retention deletes the oldest rows, so few buckets in the range are empty.
    static let bucketsCTE = """
        WITH RECURSIVE buckets(b) AS (
            SELECT (SELECT MIN(id) FROM events) >> 14
            UNION ALL SELECT b + 1 FROM buckets WHERE b < (SELECT MAX(id) FROM events) >> 14)
        """

    /// The key of a correlation or trace ID (its text form): the high 48 bits of a mixed FNV-1a hash,
    /// so that SQLite stores it in 6 bytes. Stable across processes and releases: keys are on disk.
    static func of(_ id: String) -> Int64 {
        // FNV-1a over the UTF-8 bytes, written out: `FNV1a.hash(_:)` is generic over `Sequence` and ran
        // unspecialized here (a witness call per byte), a tenth of the insert time.
        var hash = FNV1a.offsetBasis
        var id = id
        id.withUTF8 { bytes in
            for byte in bytes { add(byte, to: &hash) }
        }
        return finish(hash)
    }

    /// `of(trace.description)`, without building the string: the 32 lowercase hex digits are hashed as
    /// they are produced.
    static func of(_ trace: TraceID) -> Int64 {
        var hash = FNV1a.offsetBasis
        withUnsafeBytes(of: trace.bytes) { bytes in
            for byte in bytes {
                add(hexDigit(byte >> 4), to: &hash)
                add(hexDigit(byte & 0x0F), to: &hash)
            }
        }
        return finish(hash)
    }

    @inline(__always)
    private static func add(_ byte: UInt8, to hash: inout UInt64) {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x57 + nibble  // "0"... / "a"...
    }

    /// The high 48 bits of `hash` after a final mix: FNV-1a's high bits depend weakly on the last bytes.
    private static func finish(_ hash: UInt64) -> Int64 {
        var hash = hash
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return Int64(hash >> 16)
    }

    /// `request_key(TEXT)`: ``of(_:)`` in SQL, `NULL` for `NULL`, for migrating stored rows.
    static let sqlFunction = DatabaseFunction("request_key", argumentCount: 1, pure: true) { values in
        guard let id = String.fromDatabaseValue(values[0]) else { return nil }
        return of(id)
    }
}
