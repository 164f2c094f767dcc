import GRDB
import ServiceLog
import Testing
import W3CTraceContext

@testable import AnalyzerCore

/// The parts of the store's layout that the behaviour tests do not reach: request keys (stored on disk,
/// so they must never change), lookups across insertion buckets, and the upgrade of a v1 store.
@Suite struct SQLiteEventStoreSchemaTests {
    typealias Fixture = SQLiteEventStoreTests.Fixture

    @Test func requestKeysAreStableAndFitSixBytes() {
        // Keys are on disk: a different hash would make every stored request unfindable.
        #expect(RequestKey.of("req-a") == 207_666_812_127_029)
        #expect(RequestKey.of("4bf92f3577b34da6a3ce929d0e0e4736") == 132_828_486_228_013)
        for id in ["", "a", "req-b", "0af7651916cd43dd8448eb211c80319c"] {
            #expect((0..<(1 << 48)).contains(RequestKey.of(id)))
        }
        // A trace's key is its text form's: that is what the v1 upgrade hashes.
        for trace in [SQLiteEventStoreTests.traceA, SQLiteEventStoreTests.traceB, TraceID(bytes: (0xff, 0xa0, 0x0b, 0x9c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))] {
            #expect(RequestKey.of(trace) == RequestKey.of(trace.description))
        }
    }

    @Test func findsARequestWhoseEventsSpanSeveralBuckets() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        // 40,000 rows cross two bucket boundaries (16,384 rows each); one request has an event in each
        // bucket and its trace one more, without a correlation ID.
        let trace = SQLiteEventStoreTests.traceA
        var events: [Event] = []
        for index in 0..<40_000 {
            let inRequest = index % 16_384 == 100
            events.append(
                SQLiteEventStoreTests.event(
                    "e\(index)", at: Int64(index), correlation: inRequest ? "wanted" : "other-\(index / 10)",
                    trace: inRequest || index == 39_999 ? trace : nil))
        }
        #expect(try await store.insert(events).inserted == 40_000)
        #expect(SQLiteEventStoreTests.ids(try await store.events(correlationID: "wanted")) == ["e100", "e16484", "e32868"])
        #expect(SQLiteEventStoreTests.ids(try await store.events(traceID: trace)) == ["e100", "e16484", "e32868", "e39999"])
        #expect(try await store.events(correlationID: "other-3999").count == 10)
    }

    @Test func lookupsUseTheKeyIndexes() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        for (column, index) in [("correlation_key", "events_correlation_key"), ("trace_key", "events_trace_key")] {
            let plan = try await store.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "EXPLAIN QUERY PLAN \(RequestKey.bucketsCTE) SELECT line FROM events WHERE \(RequestKey.bucketSQL) IN buckets AND \(column) = 1"
                ).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("USING INDEX \(index) (<expr>=? AND \(column)=?)") }, "\(plan)")
        }
    }

    @Test func upgradesAVersionOneStore() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        do {
            // A store as the previous release left it: the v1 table only, filled through its own columns.
            let pool = try DatabasePool(path: fixture.path, configuration: EventStoreSchema.configuration)
            try EventStoreSchema.migrator.migrate(pool, upTo: "v1: events")
            try await pool.write { db in
                for event in SQLiteEventStoreTests.sample {
                    try db.execute(
                        sql: """
                            INSERT INTO events (event_id, ts, service, event_type, level, correlation_id, trace_id, line)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            event.eventID, event.timestamp.microsecondsSinceEpoch, event.service, event.eventType.rawValue,
                            event.level.rawValue, event.correlationID, event.traceID?.description, event.jsonLine(),
                        ])
                }
            }
        }
        let store = try fixture.open()
        #expect(try await store.count() == 5)
        #expect(SQLiteEventStoreTests.ids(try await store.events(correlationID: "req-a")) == ["a1", "a2", "a3"])
        #expect(SQLiteEventStoreTests.ids(try await store.events(traceID: SQLiteEventStoreTests.traceB)) == ["b1"])
        #expect(SQLiteEventStoreTests.ids(try await store.events(matching: EventQuery(services: ["orders"]))) == ["a2", "r1"])
        // Deduplication still holds against the migrated rows, and new rows go on after them.
        #expect(try await store.insert(SQLiteEventStoreTests.sample) == StoreReceipt(inserted: 0, duplicates: 5))
        #expect(try await store.insert([SQLiteEventStoreTests.event("a4", at: 50, correlation: "req-a")]).inserted == 1)
        #expect(SQLiteEventStoreTests.ids(try await store.events(correlationID: "req-a")) == ["a1", "a2", "a3", "a4"])
    }
}
