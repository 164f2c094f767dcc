import GRDB

extension EventStoreSchema {
    /// The v2 table: only the columns queries select rows by, the correlation and trace IDs as
    /// ``RequestKey``s behind the row's bucket, and the line.
    ///
    /// v1 also copied the span IDs, endpoint, status, duration, success, error and level into columns
    /// that no query ever read; each cost binding work and bytes written twice (WAL, then file) per
    /// event. Its two text indexes on random IDs were most of the insert time (see ``RequestKey``).
    ///
    /// A v1 store is copied row by row into the new table (its IDs hashed by `request_key()`), once,
    /// when a new version first opens it; rowids are kept, so insertion order is too.
    static func migrateToV2(_ db: Database) throws {
        db.add(function: RequestKey.sqlFunction)
        defer { db.remove(function: RequestKey.sqlFunction) }
        let bucket = RequestKey.bucketSQL
        try db.execute(
            sql: """
                CREATE TABLE events_v2 (
                    id INTEGER PRIMARY KEY,
                    -- Not hashed: producers' IDs grow (ServiceLog's are a per-process prefix and a counter),
                    -- so this index is appended to, which a hash would turn into random writes.
                    event_id TEXT NOT NULL UNIQUE,
                    ts INTEGER NOT NULL,
                    service TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    correlation_key INTEGER,
                    trace_key INTEGER,
                    line TEXT NOT NULL
                );
                INSERT INTO events_v2 (id, event_id, ts, service, event_type, correlation_key, trace_key, line)
                    SELECT id, event_id, ts, service, event_type, request_key(correlation_id), request_key(trace_id), line
                    FROM events ORDER BY id;
                DROP TABLE events;
                ALTER TABLE events_v2 RENAME TO events;
                -- Partial: resource events carry no trace fields, and SQLite uses a partial index for
                -- `column = ?` because equality implies NOT NULL.
                CREATE INDEX events_correlation_key ON events(\(bucket), correlation_key) WHERE correlation_key IS NOT NULL;
                CREATE INDEX events_trace_key ON events(\(bucket), trace_key) WHERE trace_key IS NOT NULL;
                CREATE INDEX events_service_ts ON events(service, ts);
                CREATE INDEX events_ts ON events(ts);
                """)
    }
}
