/// One checkable fact behind a root-cause candidate: what was measured, before and during.
public struct Evidence: Sendable, Hashable, Codable {
    /// What the fact is about: `self_time`, `own_errors`, `refused_connections`, `timeouts_to`,
    /// `memory_mb`, `cpu_percent`, a custom gauge name, `silence`, `error_template`...
    public var signal: String
    /// One sentence a human can check, e.g. "self time p50 4.1 ms before, 212.0 ms during".
    public var summary: String
    /// The value in the baseline window, when it is a number.
    public var before: Double?
    /// The value during the incident, when it is a number.
    public var during: Double?
    /// A few requests that show it (correlation IDs).
    public var sampleRequests: [String]
    /// The edge it was seen on, e.g. `orders → payments`.
    public var edge: String?

    public init(signal: String, summary: String, before: Double? = nil, during: Double? = nil, sampleRequests: [String] = [], edge: String? = nil) {
        self.signal = signal
        self.summary = summary
        self.before = before
        self.during = during
        self.sampleRequests = sampleRequests
        self.edge = edge
    }

    enum CodingKeys: String, CodingKey {
        case signal, summary, before, during, edge
        case sampleRequests = "sample_requests"
    }
}
