/// When a batch is closed and sent: whichever limit is reached first.
public struct BatchLimits: Sendable, Hashable {
    /// Most events per batch.
    public var maxEvents: Int
    /// Most uncompressed bytes per batch (the analyzer's default body limit is larger).
    public var maxBytes: Int
    /// Longest a non-empty batch waits for more events: the delivery latency when traffic is thin.
    public var maxAge: Duration

    /// Creates limits. Defaults: 1000 events, 1 MiB, 1 s.
    public init(maxEvents: Int = 1000, maxBytes: Int = 1 << 20, maxAge: Duration = .seconds(1)) {
        self.maxEvents = max(1, maxEvents)
        self.maxBytes = max(1, maxBytes)
        self.maxAge = maxAge
    }
}
