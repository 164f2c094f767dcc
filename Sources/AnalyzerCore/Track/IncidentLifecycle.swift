/// Where an incident is in its life, kept by ``IncidentTracker`` across analyses: its ID is fixed at
/// first detection, later analyses update it, and it is resolved (and kept) when its services have
/// been normal for a while.
public struct IncidentLifecycle: Sendable, Hashable, Codable {
    /// `open` while the change goes on; `resolved` once it is over.
    public enum State: String, Sendable, Hashable, Codable {
        case open
        case resolved
    }

    public var state: State
    /// When the incident was first detected (RFC 3339, wall clock of the analysis).
    public var detectedAt: String
    /// When an analysis last saw it (wall clock).
    public var updatedAt: String
    /// How many analyses have seen it.
    public var analyses: Int
    /// When it ended (RFC 3339, event time), once resolved.
    public var resolvedAt: String?
    /// Why it counts as resolved.
    public var resolution: String?

    public init(state: State, detectedAt: String, updatedAt: String, analyses: Int, resolvedAt: String? = nil, resolution: String? = nil) {
        self.state = state
        self.detectedAt = detectedAt
        self.updatedAt = updatedAt
        self.analyses = analyses
        self.resolvedAt = resolvedAt
        self.resolution = resolution
    }

    enum CodingKeys: String, CodingKey {
        case state, analyses, resolution
        case detectedAt = "detected_at"
        case updatedAt = "updated_at"
        case resolvedAt = "resolved_at"
    }
}
