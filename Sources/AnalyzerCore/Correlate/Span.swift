import ServiceLog
import W3CTraceContext

/// One span of a correlated request: a service handling the request (server) or one attempt of an
/// outgoing call (client), with the events written inside it and its place in the tree.
public struct Span: Sendable, Hashable, Identifiable {
    /// Server spans come from `request_start`/`request_end`, client spans from `service_call`.
    public enum Kind: String, Sendable, Hashable, Codable {
        case server
        case client
    }

    /// The span's ID (hex), or a synthetic `missing-…` one when the events had none.
    public var id: String
    public var parentID: String?
    public var kind: Kind
    public var service: String
    /// For client spans: the callee.
    public var targetService: String?
    public var method: String
    public var endpoint: String
    /// Start and end on the span's own clock, in microseconds since the epoch, after skew correction.
    public var start: Int64
    public var end: Int64?
    /// HTTP status (0 when a call got no response); `nil` while in flight.
    public var statusCode: Int?
    public var success: Bool?
    /// For client spans: why no usable response came (`timeout`, `connection_refused`, ...).
    public var errorKind: String?
    /// For client spans: the retry attempt (1 = first try).
    public var attempt: Int?
    /// `log` and `error` events written inside this span, oldest first.
    public var events: [Event] = []
    /// IDs of child spans, by start time.
    public var children: [String] = []
    /// Duration minus the time covered by children, in microseconds.
    public var selfTime: Int64 = 0
    /// Whether the span lies on the request's critical path.
    public var onCriticalPath = false
    /// Whether the span's parent was not found among the request's events (it was hung elsewhere).
    public var isOrphan = false
    /// Microseconds added to this span's times to draw it inside its parent (clock skew between hosts).
    public var skewCorrection: Int64 = 0

    /// Whether the span has not finished (no `request_end` yet).
    public var inFlight: Bool { end == nil }

    /// Duration in microseconds (up to `now` for spans in flight).
    public func duration(now: Int64) -> Int64 { max(0, (end ?? now).subtractingSaturated(start)) }

    /// `GET /orders` style name.
    public var name: String { "\(method) \(endpoint)" }

    /// Whether the span itself failed (status >= 500, a call error, or `success == false`).
    public var failed: Bool { success == false || errorKind != nil }
}
