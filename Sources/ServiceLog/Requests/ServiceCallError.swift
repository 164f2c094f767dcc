/// Why an outgoing call got no usable response: the `error` field of `service_call`.
///
/// The analyzer tells faults apart by it (refused connections point at a stopped callee, timeouts at a
/// slow one), so classify as precisely as the HTTP client allows.
public enum ServiceCallError: String, Sendable, Hashable, CaseIterable {
    case timeout
    case connectionRefused = "connection_refused"
    case connectionReset = "connection_reset"
    case dns
    case tls
    case cancelled
    case `protocol`
    case other

    /// A best-effort classification from the error's type name and description, for clients without
    /// a dedicated integration (`ServiceLogHTTPClient` classifies AsyncHTTPClient errors exactly).
    public static func classify(_ error: any Error) -> ServiceCallError {
        if error is CancellationError { return .cancelled }
        let text = (String(reflecting: type(of: error)) + " " + String(describing: error)).lowercased()
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }
        if has("refused", "econnrefused", "errno: 111") { return .connectionRefused }
        if has("timeout", "timed out", "timedout", "deadlineexceeded", "deadline exceeded") { return .timeout }
        if has("reset", "econnreset", "errno: 104", "remoteconnectionclosed", "broken pipe", "eof") { return .connectionReset }
        if has("cancel") { return .cancelled }
        if has("dns", "resolution", "getaddrinfo", "nxdomain", "unknown host") { return .dns }
        if has("tls", "ssl", "certificate", "handshake") { return .tls }
        if has("invalid", "malformed", "parse", "protocol") { return .protocol }
        return .other
    }
}
