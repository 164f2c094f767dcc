/// Sent on the live stream after each incident analysis (`incidents` events): pages re-read
/// `GET /api/incidents` and highlight `new_ids`.
public struct IncidentsChanged: Sendable, Codable, Hashable {
    /// Incidents not in the previous analysis's list.
    public var newIDs: [String]
    /// Incidents now known.
    public var total: Int
    /// Incidents still going on at the end of the data.
    public var open: Int

    /// Creates the notice.
    public init(newIDs: [String], total: Int, open: Int) {
        self.newIDs = newIDs
        self.total = total
        self.open = open
    }

    enum CodingKeys: String, CodingKey {
        case total, open
        case newIDs = "new_ids"
    }
}
