/// What a request or a call ended as, from the analysis' point of view.
///
/// A `4xx` is the client's problem and the server doing its job (rate limiting, authentication, a
/// missing resource): it is counted as its own signal and never as a failure of the service that
/// answered it. Failures are `5xx`, transport errors (timeouts, refused or reset connections) and
/// requests that ended without a status and were not successful.
public enum RequestOutcome: UInt8, Sendable, Hashable {
    case ok
    case clientError
    case failure

    /// The outcome of a request that ended with `status` (`0`: no response) and `success`.
    public static func of(status: Int, success: Bool, transportError: String? = nil) -> RequestOutcome {
        if transportError != nil { return .failure }
        if status >= 500 { return .failure }
        if status >= 400 { return .clientError }
        if status == 0 { return success ? .ok : .failure }
        return success ? .ok : .failure
    }
}

/// The class of a client error, reported on its own ("rate limiting rose at gateway").
public enum ClientErrorClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// `429 Too Many Requests`: rate limiting.
    case rateLimited = "rate_limited"
    /// `401`/`403`: authentication or authorization refused.
    case unauthorized
    /// `404`/`410`: unknown resources (often scanners and bots).
    case notFound = "not_found"
    /// Every other `4xx`.
    case other

    /// The class of `status` (a 4xx).
    public init(status: Int) {
        switch status {
        case 429: self = .rateLimited
        case 401, 403: self = .unauthorized
        case 404, 410: self = .notFound
        default: self = .other
        }
    }

    /// How an engineer would say it.
    public var phrase: String {
        switch self {
        case .rateLimited: "rate limiting (429)"
        case .unauthorized: "refused authentication (401/403)"
        case .notFound: "requests for unknown resources (404)"
        case .other: "other client errors (4xx)"
        }
    }
}
