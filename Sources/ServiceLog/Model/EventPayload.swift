/// The fields specific to one event type. `Event.eventType` is derived from the case, so a payload and
/// its `event_type` can never disagree.
public enum EventPayload: Sendable, Hashable {
    case requestStart(RequestStart)
    case requestEnd(RequestEnd)
    case serviceCall(ServiceCall)
    case error(ErrorDetails)
    case resource(ResourceSample)
    case log

    /// The `event_type` this payload is written with.
    @inline(__always)
    public var eventType: EventType {
        switch self {
        case .requestStart: .requestStart
        case .requestEnd: .requestEnd
        case .serviceCall: .serviceCall
        case .error: .error
        case .resource: .resource
        case .log: .log
        }
    }
}

/// `request_start`: a service began handling a request.
public struct RequestStart: Sendable, Hashable {
    /// HTTP method (`GET`, `POST`, ...).
    public var method: String
    /// Path without the query string, preferably the route template (`/orders/:id`) to keep cardinality low.
    public var endpoint: String
    /// The authenticated user, when known.
    public var userID: String?

    public init(method: String, endpoint: String, userID: String? = nil) {
        self.method = method
        self.endpoint = endpoint
        self.userID = userID
    }
}

/// `request_end`: a service finished handling a request.
public struct RequestEnd: Sendable, Hashable {
    public var method: String
    public var endpoint: String
    /// The HTTP status sent (0 if the connection closed before a response).
    public var statusCode: Int
    /// Wall time from `request_start` to `request_end` in milliseconds (microsecond precision).
    public var durationMS: Double
    /// Whether the request counts as served (by default: status below 500).
    public var success: Bool

    public init(method: String, endpoint: String, statusCode: Int, durationMS: Double, success: Bool) {
        self.method = method
        self.endpoint = endpoint
        self.statusCode = statusCode
        self.durationMS = durationMS
        self.success = success
    }
}

/// `service_call`: one attempt of an outgoing call finished (a client span).
public struct ServiceCall: Sendable, Hashable {
    /// The callee's service name.
    public var targetService: String
    public var method: String
    public var endpoint: String
    public var durationMS: Double
    /// The callee's HTTP status, 0 when no response came.
    public var statusCode: Int
    public var success: Bool
    /// Why no usable response came: `timeout`, `connection_refused`, `connection_reset`, `dns`, `tls`,
    /// `cancelled`, `protocol`, `other`; see ``ServiceCallError``.
    public var error: String?
    /// 1 for the first try, 2 for the first retry, ...
    public var attempt: Int?

    public init(
        targetService: String, method: String, endpoint: String, durationMS: Double, statusCode: Int,
        success: Bool, error: String? = nil, attempt: Int? = nil
    ) {
        self.targetService = targetService
        self.method = method
        self.endpoint = endpoint
        self.durationMS = durationMS
        self.statusCode = statusCode
        self.success = success
        self.error = error
        self.attempt = attempt
    }
}

/// `error`: the details of an error event; its text is the event's `message`.
public struct ErrorDetails: Sendable, Hashable {
    /// The error's type, e.g. `PaymentDeclined` or `Swift.DecodingError`.
    public var errorType: String
    /// A stack or backtrace, when one is available.
    public var stack: String?

    public init(errorType: String, stack: String? = nil) {
        self.errorType = errorType
        self.stack = stack
    }
}

/// `resource`: a sample of process gauges.
public struct ResourceSample: Sendable, Hashable {
    /// Resident set size in MiB.
    public var memoryMB: Double
    /// CPU used since the previous sample; 100 is one full core.
    public var cpuPercent: Double
    public var threads: Int?
    public var openFDs: Int?
    /// Further numeric gauges (`pool_in_use`, `queue_depth`, ...), written as top-level numbers.
    public var gauges: [String: Double]

    public init(memoryMB: Double, cpuPercent: Double, threads: Int? = nil, openFDs: Int? = nil, gauges: [String: Double] = [:]) {
        self.memoryMB = memoryMB
        self.cpuPercent = cpuPercent
        self.threads = threads
        self.openFDs = openFDs
        self.gauges = gauges
    }
}
