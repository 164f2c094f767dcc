import ServiceLog

/// What one ingest request body held: the valid events, and an account of the invalid lines.
public struct IngestBatch: Sendable {
    /// Valid events, in line order.
    public var events: [Event]
    /// Number of lines that are not valid canonical events (blank lines are not counted).
    public var invalidCount: Int
    /// Every invalid line's number.
    public var invalidLines: LineRanges
    /// `line N: reason` for the first few invalid lines (``IngestLimits/maxReportedErrors``).
    public var errors: [String]

    /// Creates a batch.
    public init(events: [Event] = [], invalidCount: Int = 0, invalidLines: LineRanges = LineRanges(), errors: [String] = []) {
        self.events = events
        self.invalidCount = invalidCount
        self.invalidLines = invalidLines
        self.errors = errors
    }

    /// Whether the body had lines and none of them was valid: the request as a whole is bad (400), and
    /// retrying it cannot help.
    public var isEntirelyInvalid: Bool { events.isEmpty && invalidCount > 0 }
}
