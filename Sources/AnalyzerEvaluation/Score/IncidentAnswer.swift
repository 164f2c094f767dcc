import Foundation
import ServiceLog

/// One incident as an independent evaluator reads it from `analyzer incidents --json`: only the
/// documented keys, decoded leniently, so that the scorer keeps working while the engine's JSON grows
/// (and does not depend on the engine's own `Incident` type).
///
/// `root_cause.service` may be `null` or missing: the engine abstained, which counts as no answer.
public struct IncidentAnswer: Sendable, Hashable, Decodable {
    public var id: String?
    public var start: Timestamp
    public var end: Timestamp
    /// The named root cause; `nil`: no answer.
    public var service: String?
    public var kind: String?
    /// 0 when missing.
    public var confidence: Double
    /// Candidate services, best first.
    public var candidates: [String]
    /// Keys of the incident object beyond the documented ones (signals the engine may add, such as a
    /// separate client-error signal), for checks that look for them.
    public var otherKeys: [String]

    /// An answer from its parts (normally decoded).
    public init(
        id: String? = nil, start: Timestamp, end: Timestamp, service: String?, kind: String?, confidence: Double, candidates: [String],
        otherKeys: [String] = []
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.service = service
        self.kind = kind
        self.confidence = confidence
        self.candidates = candidates
        self.otherKeys = otherKeys
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(_ name: String) { stringValue = name }
    }

    static let documentedKeys: Set<String> = [
        "id", "start", "end", "root_cause", "candidates", "affected_services", "correlation_ids", "entry_services", "affected_requests",
        "total_requests", "error_templates",
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        id = try container.decodeIfPresent(String.self, forKey: Key("id"))
        start = try Self.timestamp(container, "start")
        end = try Self.timestamp(container, "end")
        if container.contains(Key("root_cause")), try !container.decodeNil(forKey: Key("root_cause")) {
            let root = try container.nestedContainer(keyedBy: Key.self, forKey: Key("root_cause"))
            service = try root.decodeIfPresent(String.self, forKey: Key("service"))
            kind = try root.decodeIfPresent(String.self, forKey: Key("kind"))
            confidence = try root.decodeIfPresent(Double.self, forKey: Key("confidence")) ?? 0
        } else {
            confidence = 0
        }
        var names: [String] = []
        if container.contains(Key("candidates")), try !container.decodeNil(forKey: Key("candidates")) {
            var list = try container.nestedUnkeyedContainer(forKey: Key("candidates"))
            while !list.isAtEnd {
                let candidate = try list.nestedContainer(keyedBy: Key.self)
                if let name = try candidate.decodeIfPresent(String.self, forKey: Key("service")) { names.append(name) }
            }
        }
        candidates = names
        otherKeys = container.allKeys.map(\.stringValue).filter { !Self.documentedKeys.contains($0) }.sorted()
    }

    private static func timestamp(_ container: KeyedDecodingContainer<Key>, _ key: String) throws -> Timestamp {
        let text = try container.decode(String.self, forKey: Key(key))
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(forKey: Key(key), in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return value
    }

    /// The incidents of one `analyzer incidents --json` output.
    public static func decodeAll(_ json: Data) throws -> [IncidentAnswer] {
        try JSONDecoder().decode([IncidentAnswer].self, from: json)
    }
}
