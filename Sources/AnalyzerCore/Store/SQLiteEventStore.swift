import GRDB
import ServiceLog
import W3CTraceContext

/// The analyzer's embedded event store: one SQLite file in WAL mode, through a GRDB `DatabasePool`
/// (one writer, concurrent readers that never block it).
///
/// Events are kept whole as canonical JSON and parsed back on read, so every field and unknown
/// attribute survives; a few fields are copied into indexed columns for the queries the analyzer runs
/// (by request, by trace, by service and time). Inserting is durable when it returns (see
/// ``EventStoreSchema/applyDurability(_:)``).
///
/// Where insert time goes: writing pages (to the WAL, fsynced per batch, then to the file at
/// checkpoint) and SQLite's B-tree work. Every index but the request and trace keys grows at its end;
/// those two are kept local to the newest rows by ``RequestKey``.
public final class SQLiteEventStore: EventStore {
    /// Sendable: GRDB serializes every access to its connections.
    let pool: DatabasePool

    /// The database file.
    public var path: String { pool.path }

    /// Opens the store at `path`, creating the file and its schema if needed and migrating an older
    /// schema. Throws GRDB's `DatabaseError` when the file cannot be created or is not a store.
    public init(path: String) throws {
        pool = try DatabasePool(path: path, configuration: EventStoreSchema.configuration)
        try pool.writeWithoutTransaction { db in try EventStoreSchema.applyDurability(db) }
        try EventStoreSchema.migrator.migrate(pool)
    }

    /// Stores a batch in one transaction; see ``EventStore/insert(_:)``. Each event is encoded to its
    /// canonical line once, and one cached prepared statement inserts them all.
    public func insert(_ events: [Event]) async throws -> StoreReceipt {
        guard !events.isEmpty else { return StoreReceipt() }
        return try await pool.write { db in
            let statement = try db.cachedStatement(sql: EventColumns.insertSQL)
            var receipt = StoreReceipt()
            for (position, event) in events.enumerated() {
                // The arguments always match the statement's seven parameters: skip GRDB's check.
                // Lossless: what was acknowledged is stored, nothing cut (ingest bounded the line already).
                statement.setUncheckedArguments(EventColumns.arguments(for: event, line: event.jsonLine(limits: .lossless)))
                try statement.execute()
                if db.changesCount > 0 {
                    receipt.inserted += 1
                } else {
                    receipt.duplicates += 1
                    receipt.duplicatePositions.append(position)
                }
            }
            return receipt
        }
    }

    /// Every event of one request, oldest first; one seek per bucket in the correlation key index
    /// (see ``RequestKey``).
    public func events(correlationID: String) async throws -> [Event] {
        try await fetch(keyColumn: "correlation_key", RequestKey.of(correlationID)).filter { $0.correlationID == correlationID }
    }

    /// Every event of one trace, oldest first; one seek per bucket in the trace key index.
    public func events(traceID: TraceID) async throws -> [Event] {
        try await fetch(keyColumn: "trace_key", RequestKey.of(traceID)).filter { $0.traceID == traceID }
    }

    /// Events matching `query`, oldest first; a time range uses the `ts` index, services add the
    /// `(service, ts)` one.
    public func events(matching query: EventQuery) async throws -> [Event] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let from = query.from {
            conditions.append("ts >= ?")
            arguments += [from.microsecondsSinceEpoch]
        }
        if let until = query.until {
            conditions.append("ts < ?")
            arguments += [until.microsecondsSinceEpoch]
        }
        if let services = query.services {
            conditions.append("service IN (\(Self.placeholders(services.count)))")
            arguments += StatementArguments(services.sorted())
        }
        if let types = query.eventTypes {
            conditions.append("event_type IN (\(Self.placeholders(types.count)))")
            arguments += StatementArguments(types.map(\.rawValue).sorted())
        }
        return try await fetch(
            where: conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), arguments, limit: query.limit)
    }

    /// The oldest and newest stored timestamps (two lookups in the `ts` index), `nil` when empty.
    public func timeRange() async throws -> ClosedRange<Timestamp>? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(ts), MAX(ts) FROM events"),
                let oldest = row[0] as Int64?, let newest = row[1] as Int64?
            else { return nil }
            return Timestamp(microsecondsSinceEpoch: oldest)...Timestamp(microsecondsSinceEpoch: newest)
        }
    }

    /// `MAX(ts)` below a bound: one lookup in the `ts` index.
    public func newestTimestamp(notAfter limit: Timestamp) async throws -> Timestamp? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(ts) FROM events WHERE ts <= ?", arguments: [limit.microsecondsSinceEpoch])
                .map(Timestamp.init(microsecondsSinceEpoch:))
        }
    }

    /// Walks the `ts` index backwards from `until` over `count` entries (cheap next to reading the events).
    public func start(ofNewest count: Int, from: Timestamp?, until: Timestamp?) async throws -> Timestamp? {
        guard count >= 1 else { return nil }
        var conditions = ["1"]
        var arguments = StatementArguments()
        if let from {
            conditions.append("ts >= ?")
            arguments += [from.microsecondsSinceEpoch]
        }
        if let until {
            conditions.append("ts < ?")
            arguments += [until.microsecondsSinceEpoch]
        }
        arguments += [count - 1]
        let bound = arguments
        let sql = "SELECT ts FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY ts DESC LIMIT 1 OFFSET ?"
        return try await pool.read { db in
            try Int64.fetchOne(db, sql: sql, arguments: bound).map(Timestamp.init(microsecondsSinceEpoch:))
        }
    }

    /// Number of stored events. Counts an index, so it takes time proportional to the store's size.
    public func count() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    /// Events whose `keyColumn` is `key`, oldest first: a superset of one request's or trace's events
    /// (keys may collide), for the caller to filter.
    private func fetch(keyColumn: String, _ key: Int64) async throws -> [Event] {
        try await fetch(
            sql: """
                \(RequestKey.bucketsCTE)
                SELECT line FROM events WHERE \(RequestKey.bucketSQL) IN buckets AND \(keyColumn) = ? ORDER BY ts, id
                """,
            [key])
    }

    /// Events whose row matches `condition`, oldest first (insertion order breaks ties).
    private func fetch(where condition: String, _ arguments: StatementArguments, limit: Int? = nil) async throws -> [Event] {
        var sql = "SELECT line FROM events WHERE \(condition) ORDER BY ts, id"
        var arguments = arguments
        if let limit {
            sql += " LIMIT ?"
            arguments += [max(limit, 0)]
        }
        return try await fetch(sql: sql, arguments)
    }

    /// The events of the `line`s `sql` selects, parsed back.
    private func fetch(sql: String, _ arguments: StatementArguments) async throws -> [Event] {
        try await pool.read { db in
            var events: [Event] = []
            let lines = try String.fetchCursor(db, sql: sql, arguments: arguments)
            while let line = try lines.next() {
                // No range checks on the way back: an older version may have stored anything, and the
                // analysis copes with any value rather than refusing the whole window.
                events.append(try Event(jsonLine: line, limits: .stored))
            }
            return events
        }
    }

    /// The value of a read-only pragma on the writer connection (where connection-level settings such
    /// as `synchronous` matter), for diagnostics and tests.
    func pragma(_ name: String) async throws -> String? {
        try await pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// `?, ?, ?` for an `IN` list; SQLite accepts an empty list, which matches nothing.
    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
