/// Names one input stream whose position is checkpointed: one file (by its identity, not its path, so
/// that a renamed file keeps its place) or the journal.
///
/// The raw value is stable across restarts and is part of every derived `event_id`, so its spelling is a
/// compatibility contract: `file:<device>:<inode>:<n>:<fingerprint hex>` (n = leading bytes hashed) or `journal`.
public struct StreamID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The stable spelling, e.g. `file:2049:1837261:9f2c...` or `journal`.
    public var rawValue: String

    /// Wraps a raw value.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The journal stream: one per shipper, its position is a journald cursor.
    public static let journal = StreamID("journal")

    public var description: String { rawValue }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension StreamID: CodingKeyRepresentable {
    public var codingKey: any CodingKey { StreamCodingKey(stringValue: rawValue) }

    public init?<T: CodingKey>(codingKey: T) {
        self.init(codingKey.stringValue)
    }

    private struct StreamCodingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
