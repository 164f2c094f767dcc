/// Sent on the live stream after `POST /v1/events` stored a batch (`ingest` events).
public struct IngestNotice: Sendable, Codable, Hashable {
    /// Events newly stored by this batch.
    public var accepted: Int
    /// Events of the batch that were already stored.
    public var duplicates: Int
    /// Events stored through this server since it started.
    public var totalAccepted: Int

    /// Creates a notice.
    public init(accepted: Int, duplicates: Int, totalAccepted: Int) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.totalAccepted = totalAccepted
    }

    enum CodingKeys: String, CodingKey {
        case accepted, duplicates
        case totalAccepted = "total_accepted"
    }
}
