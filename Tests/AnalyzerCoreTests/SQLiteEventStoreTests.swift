import Foundation
import ServiceLog
import Testing
import W3CTraceContext

@testable import AnalyzerCore

@Suite struct SQLiteEventStoreTests {
    /// A store in a fresh temporary directory; the directory is removed by `cleanup`.
    struct Fixture {
        let directory: URL
        var path: String { directory.appendingPathComponent("events.sqlite").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("analyzer-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        func open() throws -> SQLiteEventStore { try SQLiteEventStore(path: path) }

        func fileSize(_ suffix: String = "") -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0
        }

        func cleanup() { try? FileManager.default.removeItem(at: directory) }
    }

    static let base: Int64 = 1_795_000_000_000_000  // 2026-11-18
    static let traceA = TraceID(bytes: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))
    static let traceB = TraceID(bytes: (2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))

    static func event(
        _ id: String?, at offset: Int64, service: String = "gateway", payload: EventPayload = .log,
        correlation: String? = nil, trace: TraceID? = nil, message: String? = "m", base: Int64 = base
    ) -> Event {
        Event(
            timestamp: Timestamp(microsecondsSinceEpoch: base + offset), level: .info, service: service,
            payload: payload, message: message, eventID: id, correlationID: correlation, traceID: trace,
            spanID: trace == nil ? nil : SpanID(bytes: (1, 1, 1, 1, 1, 1, 1, UInt8(offset & 0x7F) | 1)))
    }

    /// Two requests across two services, plus a resource sample outside any request.
    static let sample: [Event] = [
        event(
            "a1", at: 10, payload: .requestStart(RequestStart(method: "GET", endpoint: "/a")), correlation: "req-a",
            trace: traceA, message: nil),
        event("a2", at: 20, service: "orders", correlation: "req-a", trace: traceA),
        event(
            "b1", at: 15, payload: .requestStart(RequestStart(method: "GET", endpoint: "/b")), correlation: "req-b",
            trace: traceB, message: nil),
        event("r1", at: 30, service: "orders", payload: .resource(ResourceSample(memoryMB: 10, cpuPercent: 1)), message: nil),
        event(
            "a3", at: 40,
            payload: .requestEnd(RequestEnd(method: "GET", endpoint: "/a", statusCode: 200, durationMS: 0.03, success: true)),
            correlation: "req-a", trace: traceA, message: nil),
    ]

    static func ids(_ events: [Event]) -> [String] { events.map { $0.eventID ?? "-" } }

    @Test func insertsAndQueriesByRequestTraceTimeAndService() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        let receipt = try await store.insert(Self.sample)
        #expect(receipt == StoreReceipt(inserted: 5, duplicates: 0))
        #expect(try await store.count() == 5)

        #expect(Self.ids(try await store.events(correlationID: "req-a")) == ["a1", "a2", "a3"])
        #expect(Self.ids(try await store.events(correlationID: "none")) == [])
        #expect(Self.ids(try await store.events(traceID: Self.traceB)) == ["b1"])

        let at = { (offset: Int64) in Timestamp(microsecondsSinceEpoch: Self.base + offset) }
        // `from` is inclusive, `until` exclusive.
        #expect(Self.ids(try await store.events(matching: EventQuery(from: at(15), until: at(40)))) == ["b1", "a2", "r1"])
        #expect(Self.ids(try await store.events(matching: EventQuery(services: ["orders"]))) == ["a2", "r1"])
        #expect(Self.ids(try await store.events(matching: EventQuery(from: at(25), services: ["gateway"]))) == ["a3"])
        #expect(Self.ids(try await store.events(matching: EventQuery(eventTypes: [.requestStart, .resource]))) == ["a1", "b1", "r1"])
        #expect(Self.ids(try await store.events(matching: EventQuery(limit: 2))) == ["a1", "b1"])
        #expect(Self.ids(try await store.events(matching: EventQuery(services: []))) == [])
        #expect(try await store.timeRange() == at(10)...at(40))
    }

    @Test func emptyStoreHasNoTimeRange() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        #expect(try await store.timeRange() == nil)
        #expect(try await store.count() == 0)
        #expect(try await store.insert([]) == StoreReceipt())
    }

    @Test func storesEachEventIDOnceWithinAndAcrossBatches() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        let first = Self.event("x", at: 1)
        var sameIDOtherContent = Self.event("x", at: 2)
        sameIDOtherContent.message = "redelivered with a different body"
        #expect(try await store.insert([first, Self.event("y", at: 3), sameIDOtherContent]) == StoreReceipt(inserted: 2, duplicates: 1))
        #expect(try await store.insert([Self.event("y", at: 3), Self.event("z", at: 4)]) == StoreReceipt(inserted: 1, duplicates: 1))
        #expect(try await store.count() == 3)
        // The first delivery wins.
        #expect(try await store.events(matching: EventQuery()).first == first)
    }

    @Test func deduplicatesEventsWithoutIDByTheirContent() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        let one = Self.event(nil, at: 1)
        let other = Self.event(nil, at: 2)
        let receipt = try await store.insert([one, other, one])
        #expect(receipt == StoreReceipt(inserted: 2, duplicates: 1))
        #expect(receipt.duplicatePositions == [2], "the receipt says which events were already stored")
        #expect(try await store.insert([other]) == StoreReceipt(inserted: 0, duplicates: 1))
        let stored = try await store.events(matching: EventQuery())
        // The derived ID is only the key: the stored event still has no `event_id`.
        #expect(stored == [one, other])
    }

    @Test func roundTripsEveryFieldAndUnknownAttributes() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        let span = SpanID(bytes: (9, 8, 7, 6, 5, 4, 3, 2))
        let parent = SpanID(bytes: (1, 2, 3, 4, 5, 6, 7, 8))
        func full(_ id: String, _ payload: EventPayload, _ message: String?) -> Event {
            Event(
                timestamp: Timestamp(microsecondsSinceEpoch: Self.base + 123_456), level: .warning, service: "payments",
                payload: payload, message: message, eventID: id, host: "ip-10-0-4-52", instance: "payments-7b4c",
                source: "payments.charges", correlationID: "c3a1", traceID: Self.traceA, spanID: span,
                parentSpanID: parent, traceFlags: 1,
                attributes: [
                    "order_id": .string("ord_9f2c1e"), "amount_cents": .int(4999), "ratio": .double(0.25),
                    "3ds_required": .bool(false), "decline_codes": .array([.string("05"), .int(7)]),
                    "nested": .object(["deep": .object(["x": .string("é ✓ \u{1F600}")])]),
                    "metadata.status_code": .int(1),
                ])
        }
        let events = [
            full("e1", .requestStart(RequestStart(method: "POST", endpoint: "/v1/checkout", userID: "u_1")), nil),
            full("e2", .requestEnd(RequestEnd(method: "POST", endpoint: "/v1/checkout", statusCode: 402, durationMS: 55.448, success: false)), nil),
            full("e3", .serviceCall(ServiceCall(
                targetService: "payments", method: "POST", endpoint: "/v1/charges", durationMS: 47.912, statusCode: 0,
                success: false, error: "timeout", attempt: 2)), nil),
            full("e4", .error(ErrorDetails(errorType: "PaymentDeclined", stack: "a\nb")), "declined \"05\""),
            full("e5", .resource(ResourceSample(memoryMB: 212.5, cpuPercent: 37.5, threads: 14, openFDs: 83, gauges: ["pool_in_use": 6])), nil),
            full("e6", .log, "charge accepted"),
        ]
        #expect(try await store.insert(events).inserted == 6)
        // What any reader of the canonical format sees. It is the event itself, except that the format
        // reads a resource event's numeric extra fields as gauges.
        let canonical = try events.map { try Event(jsonLine: $0.jsonLine()) }
        #expect(Array(canonical.prefix(4)) == Array(events.prefix(4)) && canonical[5] == events[5])
        #expect(canonical[4].attributes.keys.sorted() == ["3ds_required", "decline_codes", "nested", "order_id"])
        #expect(try await store.events(correlationID: "c3a1") == canonical)
        #expect(try await store.events(traceID: Self.traceA) == canonical)
    }

    @Test func returnsOldestFirstWhateverTheArrivalOrder() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        // A late batch from a slow shipper brings older events, and ties keep arrival order.
        _ = try await store.insert([Self.event("late-1", at: 50, correlation: "r"), Self.event("late-2", at: 70, correlation: "r")])
        _ = try await store.insert([Self.event("early", at: 5, correlation: "r"), Self.event("tie", at: 50, correlation: "r")])
        _ = try await store.insert([Self.event("middle", at: 60, correlation: "r")])
        #expect(Self.ids(try await store.events(correlationID: "r")) == ["early", "late-1", "tie", "middle", "late-2"])
        #expect(Self.ids(try await store.events(matching: EventQuery())) == ["early", "late-1", "tie", "middle", "late-2"])
    }

    @Test func keepsDataAndSettingsWhenReopened() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        do {
            let store = try fixture.open()
            _ = try await store.insert(Self.sample)
        }
        let reopened = try fixture.open()
        #expect(try await reopened.count() == 5)
        #expect(Self.ids(try await reopened.events(correlationID: "req-a")) == ["a1", "a2", "a3"])
        #expect(try await reopened.insert(Self.sample) == StoreReceipt(inserted: 0, duplicates: 5))
        #expect(try await reopened.pragma("journal_mode") == "wal")
        #expect(try await reopened.pragma("synchronous") == "2")  // FULL, not GRDB's NORMAL
        #expect(try await reopened.pragma("auto_vacuum") == "2")  // INCREMENTAL
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        try Data(String(repeating: "not sqlite\n", count: 100).utf8).write(to: URL(fileURLWithPath: fixture.path))
        #expect(throws: (any Error).self) { try fixture.open() }
        #expect(throws: (any Error).self) { try SQLiteEventStore(path: fixture.directory.path + "/missing-dir/x.sqlite") }
    }

    @Test func retentionByAgeDeletesOnlyOldEvents() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        let now = Timestamp.now().microsecondsSinceEpoch
        let day: Int64 = 86_400_000_000
        var events: [Event] = []
        for index in 0..<300 {
            let age = index < 200 ? 3 * day : day / 2  // 200 old, 100 recent
            events.append(Self.event("e\(index)", at: Int64(index), base: now - age))
        }
        _ = try await store.insert(events)
        #expect(try await store.applyRetention(RetentionPolicy(maxAge: .seconds(86_400))) == 200)
        #expect(try await store.count() == 100)
        #expect(Self.ids(try await store.events(matching: EventQuery(limit: 1))) == ["e200"])
        #expect(try await store.applyRetention(RetentionPolicy(maxAge: .seconds(86_400))) == 0)
    }

    @Test func retentionBySizeDeletesTheOldestAndShrinksTheFile() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanup() }
        let store = try fixture.open()
        let padding = String(repeating: "x", count: 1_000)
        for batch in 0..<10 {
            let events = (0..<1_000).map { index in
                let number = batch * 1_000 + index
                return Self.event("e\(number)", at: Int64(number), correlation: "req-\(number / 5)", message: padding)
            }
            _ = try await store.insert(events)
        }
        _ = try await store.applyRetention(RetentionPolicy())  // no limits: nothing happens
        #expect(try await store.count() == 10_000)
        // Before: well over 10 MB between the file and its WAL.
        #expect(fixture.fileSize() + fixture.fileSize("-wal") > 10_000_000)

        let limit = 4_000_000
        let deleted = try await store.applyRetention(RetentionPolicy(maxBytes: limit))
        let remaining = try await store.count()
        #expect(deleted > 5_000 && deleted + remaining == 10_000)
        // The newest events are the ones kept.
        #expect(Self.ids(try await store.events(matching: EventQuery(limit: 1))) == ["e\(deleted)"])
        #expect(fixture.fileSize() <= limit)
        #expect(fixture.fileSize("-wal") == 0)
        #expect(try await store.pragma("freelist_count") == "0")
        // Still fits: a second pass deletes nothing.
        #expect(try await store.applyRetention(RetentionPolicy(maxBytes: limit)) == 0)
    }
}
