import ServiceLog
import W3CTraceContext

/// Where the analyzer keeps events. The embedded SQLite store is the default; other engines
/// (PostgreSQL, ...) implement the same protocol.
///
/// `insert` must be durable when it returns: the ingest endpoint acknowledges a batch only then, and
/// the shipper moves its checkpoint only on that acknowledgement.
public protocol EventStore: Sendable {
    /// Stores a batch atomically and durably. Events whose `event_id` is already stored are skipped
    /// (counted as duplicates); events without one get a derived ID (see ``StoredEventID``).
    func insert(_ events: [Event]) async throws -> StoreReceipt

    /// Every event of one request by its correlation ID, oldest first.
    func events(correlationID: String) async throws -> [Event]

    /// Every event of one trace, oldest first (for requests that lost their correlation ID).
    func events(traceID: TraceID) async throws -> [Event]

    /// Events matching a query, oldest first.
    func events(matching query: EventQuery) async throws -> [Event]

    /// The oldest and newest stored timestamps, or `nil` when empty.
    func timeRange() async throws -> ClosedRange<Timestamp>?

    /// Number of stored events.
    func count() async throws -> Int

    /// Deletes events older than the policy's age or beyond its size; returns how many were deleted.
    func applyRetention(_ policy: RetentionPolicy) async throws -> Int

    /// The newest stored timestamp at or before `limit`, `nil` when there is none: the end of an
    /// analysis window that an event dated in the far future must not move.
    func newestTimestamp(notAfter limit: Timestamp) async throws -> Timestamp?

    /// The timestamp of the `count`-th newest event in `[from, until)`, or `nil` when the range holds
    /// fewer: where an analysis window must start to hold at most `count` events.
    func start(ofNewest count: Int, from: Timestamp?, until: Timestamp?) async throws -> Timestamp?
}

extension EventStore {
    /// Through ``timeRange()`` when the newest event is not beyond `limit`; otherwise by reading the
    /// events before it (stores that can should answer with one indexed lookup, as SQLite does).
    public func newestTimestamp(notAfter limit: Timestamp) async throws -> Timestamp? {
        guard let range = try await timeRange() else { return nil }
        if range.upperBound <= limit { return range.upperBound }
        return try await events(matching: EventQuery(until: limit.adding(microseconds: 1))).last?.timestamp
    }

    /// No cap by default (`nil`): stores that can count cheaply implement it.
    public func start(ofNewest count: Int, from: Timestamp?, until: Timestamp?) async throws -> Timestamp? { nil }
}

/// What storing a batch did.
public struct StoreReceipt: Sendable, Hashable, Codable {
    /// Events newly stored.
    public var inserted: Int
    /// Events skipped because their `event_id` was already stored.
    public var duplicates: Int
    /// Positions in the batch of the events counted in ``duplicates``, ascending, when the store knows
    /// them (per-service metrics count only what was newly stored). Not part of the encoded receipt.
    public var duplicatePositions: [Int]

    private enum CodingKeys: String, CodingKey {
        case inserted, duplicates
    }

    public init(inserted: Int = 0, duplicates: Int = 0, duplicatePositions: [Int] = []) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.duplicatePositions = duplicatePositions
    }

    /// Receipts are equal when they count the same: the positions are detail, not outcome.
    public static func == (lhs: StoreReceipt, rhs: StoreReceipt) -> Bool {
        lhs.inserted == rhs.inserted && lhs.duplicates == rhs.duplicates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(inserted)
        hasher.combine(duplicates)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inserted = try container.decode(Int.self, forKey: .inserted)
        duplicates = try container.decode(Int.self, forKey: .duplicates)
        duplicatePositions = []
    }
}

/// A filter over stored events. `nil` fields do not filter.
public struct EventQuery: Sendable, Hashable {
    /// Inclusive lower bound.
    public var from: Timestamp?
    /// Exclusive upper bound.
    public var until: Timestamp?
    public var services: Set<String>?
    public var eventTypes: Set<EventType>?
    /// At most this many events (the oldest ones).
    public var limit: Int?

    public init(from: Timestamp? = nil, until: Timestamp? = nil, services: Set<String>? = nil, eventTypes: Set<EventType>? = nil, limit: Int? = nil) {
        self.from = from
        self.until = until
        self.services = services
        self.eventTypes = eventTypes
        self.limit = limit
    }
}

/// How long and how much the store keeps.
public struct RetentionPolicy: Sendable, Hashable {
    /// Events older than this (relative to now) are deleted.
    public var maxAge: Duration?
    /// When the database grows past this many bytes, the oldest events are deleted until it fits.
    public var maxBytes: Int?

    public init(maxAge: Duration? = nil, maxBytes: Int? = nil) {
        self.maxAge = maxAge
        self.maxBytes = maxBytes
    }
}

/// The ID an event is deduplicated by: its own `event_id`, or for events without one a stable hash
/// of its canonical line, so that a batch delivered twice is still stored once.
public enum StoredEventID {
    /// The event's `event_id`, or `derived-<16 hex>` from FNV-1a of its canonical encoding.
    public static func of(_ event: Event) -> String {
        if let id = event.eventID, !id.isEmpty { return id }
        let hash = FNV1a.hash(event.jsonLine().utf8)
        return "derived-" + HexID.string(withUnsafeBytes(of: hash.bigEndian) { Array($0) })
    }
}
