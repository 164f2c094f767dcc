/// A rise of client errors (4xx) at one service during an incident: reported as its own, non-causal
/// signal (`client_errors` in `analyzer incidents --json`), never as a root cause.
public struct ClientErrorSignal: Sendable, Hashable, Codable {
    /// The service that answered with the client errors.
    public var service: String
    /// Which client errors (`rate_limited`, `unauthorized`, `not_found`, `other`).
    public var errorClass: ClientErrorClass
    /// Share of the service's requests with such an answer before and during the incident.
    public var before: Double
    public var during: Double
    /// How many there were during the incident.
    public var count: Int
    /// One sentence for a human.
    public var summary: String

    public init(service: String, errorClass: ClientErrorClass, before: Double, during: Double, count: Int, summary: String) {
        self.service = service
        self.errorClass = errorClass
        self.before = before
        self.during = during
        self.count = count
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case service, before, during, count, summary
        case errorClass = "class"
    }
}
