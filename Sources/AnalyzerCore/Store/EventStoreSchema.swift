import GRDB

/// The SQLite schema of ``SQLiteEventStore`` and the connection settings it relies on.
///
/// Every event is kept whole in `line` (its canonical JSON) and read back from it, so nothing a producer
/// sent is lost; the other columns are copies of the fields the analyzer filters by, so that queries
/// never parse JSON to select rows. The current table is the one of ``migrateToV2(_:)``.
enum EventStoreSchema {
    /// Migrations, applied in order when a store is opened. Never edit a registered migration: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events") { db in
            // `id` is the rowid: insertion order breaks timestamp ties, and deleting the oldest rows
            // frees whole table pages because ingest mostly appends in time order.
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL UNIQUE,
                        ts INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        level TEXT NOT NULL,
                        correlation_id TEXT,
                        trace_id TEXT,
                        span_id TEXT,
                        parent_span_id TEXT,
                        target_service TEXT,
                        endpoint TEXT,
                        status_code INTEGER,
                        duration_ms REAL,
                        success INTEGER,
                        error TEXT,
                        line TEXT NOT NULL
                    );
                    -- Partial: resource events carry no trace fields, and SQLite uses a partial index for
                    -- `column = ?` because equality implies NOT NULL.
                    CREATE INDEX events_correlation_id ON events(correlation_id) WHERE correlation_id IS NOT NULL;
                    CREATE INDEX events_trace_id ON events(trace_id) WHERE trace_id IS NOT NULL;
                    CREATE INDEX events_service_ts ON events(service, ts);
                    CREATE INDEX events_ts ON events(ts);
                    """)
        }
        migrator.registerMigration("v2: request keys, slim rows", migrate: migrateToV2)
        migrator.registerMigration("v3: analyses") { db in
            // See `StoredAnalysis`: incidents found in a window, reused by `diagnose` while current.
            try db.execute(
                sql: """
                    CREATE TABLE analyses (
                        id INTEGER PRIMARY KEY,
                        from_ts INTEGER NOT NULL,
                        until_ts INTEGER NOT NULL,
                        last_row INTEGER NOT NULL,
                        analysis TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4: incidents") { db in
            // See `IncidentTracker`: incidents with a lifecycle, so their IDs survive restarts.
            try db.execute(
                sql: """
                    CREATE TABLE incidents (
                        id TEXT PRIMARY KEY,
                        start_ts INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        incident TEXT NOT NULL
                    );
                    CREATE INDEX incidents_by_start ON incidents (start_ts);
                    """)
        }
        return migrator
    }

    /// The GRDB configuration every store connection is opened with.
    static var configuration: Configuration {
        var configuration = Configuration()
        // Another process (an `analyzer ingest` next to a running `analyzer serve`) may hold the write
        // lock for one batch: wait for it rather than failing at once, GRDB's default.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            // These two must precede the first table, page size first (setting auto_vacuum fixes it):
            // SQLite only changes them while a database is empty. GRDB runs this before it turns on WAL
            // and before the migrator's own table, so a new file is created with them; on an existing
            // file they change nothing.
            // 8 KB pages instead of 4 KB hold twice the index entries per page, so B-trees are shallower
            // and split half as often: replaying a 1M-event ingest's inserts into SQLite alone took 17%
            // less CPU.
            try db.execute(sql: "PRAGMA page_size = 8192")
            // Without it, deleted rows only become free pages and the file never shrinks.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            // The writer inserts into six B-trees per event (table, unique event_id, four indexes): with
            // SQLite's default 2 MB cache it re-reads their pages from the OS on every batch. 64 MB (an
            // upper bound, allocated as used) measured 10-15% less CPU per event on a 1M-event ingest.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // A checkpoint copies every page written since the last one from the WAL into the file and
            // fsyncs it. At SQLite's default (1,000 pages, 4 MB) it ran after every ingest batch, so the
            // index pages each batch touches were written to the file once per batch; at 64 MB (8,192
            // pages of 8 KB) a page touched by several consecutive batches is copied once. Replaying a
            // 1M-event ingest's inserts into SQLite alone: 20% faster. The WAL file grows to about that
            // size between checkpoints.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
        }
        return configuration
    }

    /// Settings that must be applied after GRDB has opened the pool, because GRDB changes them while
    /// turning on WAL.
    static func applyDurability(_ db: Database) throws {
        // GRDB sets `synchronous = NORMAL` with WAL: commits are then not fsynced, and a power cut can
        // lose the last transactions. The ingest endpoint acknowledges a batch as soon as `insert`
        // returns and the shipper then drops it, so a commit must reach the disk first: FULL fsyncs the
        // WAL on every commit (once per batch, not per event). What it costs is measured in
        // Benchmarks/ingest-throughput (README there): keep it unless that contract changes.
        try db.execute(sql: "PRAGMA synchronous = FULL")
    }
}
