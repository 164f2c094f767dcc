import GRDB
import ServiceLog

extension SQLiteEventStore {
    /// Rows deleted per transaction: large enough to be cheap, small enough that inserts waiting for
    /// the writer are not held up for long and the WAL stays small.
    static let retentionChunk = 20_000

    /// Deletes events older than `policy.maxAge`, then the oldest events until the database's pages in
    /// use fit in `policy.maxBytes`, then gives the freed pages back to the file system: returns how
    /// many events were deleted.
    ///
    /// Size is `(page_count - freelist_count) * page_size`, the pages holding data; once the freed
    /// pages are released (`PRAGMA incremental_vacuum`) and the WAL is checkpointed and truncated, the
    /// file is that large. Deleting alone would not shrink it: SQLite keeps freed pages for reuse.
    public func applyRetention(_ policy: RetentionPolicy) async throws -> Int {
        var deleted = 0
        if let maxAge = policy.maxAge {
            let cutoff = Timestamp.now().microsecondsSinceEpoch - Self.microseconds(maxAge)
            deleted += try await deleteInChunks { db, chunk in
                try db.execute(
                    sql: "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < ? ORDER BY ts LIMIT ?)",
                    arguments: [cutoff, chunk])
                return db.changesCount
            }
        }
        if let maxBytes = policy.maxBytes {
            deleted += try await deleteInChunks { db, chunk in
                let used = try Self.bytesInUse(db)
                guard used > maxBytes else { return 0 }
                let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
                guard rows > 0 else { return 0 }
                // Deleting rows frees fewer pages than their average share (index pages only thin out),
                // so this estimate undershoots and the loop measures again after each chunk.
                let excessRows = (used - maxBytes) / max(used / rows, 1) + 1
                try db.execute(
                    sql: "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY ts, id LIMIT ?)",
                    arguments: [min(excessRows, chunk)])
                return db.changesCount
            }
        }
        if deleted > 0 { try await releaseFreePages() }
        return deleted
    }

    /// Runs `deleteChunk` (given the most rows it may delete), each run in its own transaction, until
    /// a run deletes nothing.
    private func deleteInChunks(_ deleteChunk: @escaping @Sendable (Database, Int) throws -> Int) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await pool.write { db in try deleteChunk(db, Self.retentionChunk) }
            total += deleted
            if deleted == 0 { return total }
        }
    }

    /// Moves free pages to the end of the file and truncates it, then copies the WAL into the file and
    /// empties it, so that the space is returned to the file system now rather than at some later
    /// checkpoint.
    private func releaseFreePages() async throws {
        try await pool.write { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
        // A barrier waits for readers to finish: TRUNCATE cannot reset a WAL that a reader is using.
        try await pool.barrierWriteWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Bytes of the pages holding data (free pages excluded).
    static func bytesInUse(_ db: Database) throws -> Int {
        let pageCount = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let freePages = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pageCount - freePages) * pageSize
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
