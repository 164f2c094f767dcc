/// A change of request rate during an incident: a surge at a user-facing service, or one caller
/// sending a service far more calls than before (`traffic` in `analyzer incidents --json`). Told as
/// context: a surge can expose a fault (a leak that only hurts under load) or be the whole story.
public struct TrafficChange: Sendable, Hashable, Codable {
    /// The caller, for a change along one edge; `nil` for all requests a service served.
    public var caller: String?
    public var service: String
    /// Requests (or calls) per second before and during the incident.
    public var before: Double
    public var during: Double
    /// One sentence for a human.
    public var summary: String

    public init(caller: String?, service: String, before: Double, during: Double, summary: String) {
        self.caller = caller
        self.service = service
        self.before = before
        self.during = during
        self.summary = summary
    }

    /// `during / before`.
    public var factor: Double { during / max(before, 1e-9) }
}
