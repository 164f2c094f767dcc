import ServiceLog

/// What one OTLP export request became: the canonical events to store, and the items (spans, log
/// records, data points) that could not be mapped, with why: OTLP's partial success.
public struct OTLPMappedBatch: Sendable {
    /// The events, in the order of the request.
    public var events: [Event] = []
    /// Items of the request that were accepted.
    public var acceptedItems = 0
    /// Items of the request refused (OTLP's `rejected_spans`, `rejected_log_records`, `rejected_data_points`).
    public var rejectedItems = 0
    /// The distinct reasons, at most ``maxReasons``.
    public var reasons: [String] = []
    /// How many distinct reasons are kept.
    public static let maxReasons = 10

    /// Creates an empty batch.
    public init() {}

    /// Counts `count` items refused for `reason`.
    mutating func reject(_ count: Int = 1, _ reason: String) {
        guard count > 0 else { return }
        rejectedItems += count
        if reasons.count < Self.maxReasons, !reasons.contains(reason) { reasons.append(reason) }
    }

    /// Adds the events of one item, after the same size and range checks as an NDJSON line: an item
    /// with one event over a limit is refused whole (a span is not stored half).
    mutating func accept(_ itemEvents: [Event], limits: FieldLimits?, now: Timestamp) {
        if let limits {
            for event in itemEvents {
                do {
                    try event.validate(limits, now: now)
                } catch {
                    reject(1, error.reason)
                    return
                }
            }
        }
        acceptedItems += 1
        events += itemEvents
    }

    /// The message OTLP's partial success carries: the reasons, joined.
    public var errorMessage: String {
        reasons.joined(separator: "; ")
    }
}
