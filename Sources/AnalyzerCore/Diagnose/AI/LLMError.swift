/// Why a chat-completions request produced no answer. `description` is written for the person running
/// the analyzer: it ends up in ``Diagnosis/fallbackReason``.
public enum LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No complete answer within the configured timeout (the request was cancelled).
    case timedOut(after: Duration)
    /// The server answered with a non-2xx status; `bodyExcerpt` is the start of its body, redacted.
    case httpStatus(Int, bodyExcerpt: String)
    /// A 2xx answer that is not a chat completion (no `choices[0].message.content` string).
    case malformedResponse(String)
    /// The request did not reach the server or the connection failed (refused, DNS, TLS...).
    case transport(String)
    /// The calling task was cancelled.
    case cancelled

    /// One line for people, e.g. `request timed out after 20 s` or `HTTP 500: {"error": ...}`.
    public var description: String {
        switch self {
        case .timedOut(let after): "request timed out after \(after.llmSecondsText)"
        case .httpStatus(let status, let excerpt): excerpt.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(excerpt)"
        case .malformedResponse(let reason): "malformed response: \(reason)"
        case .transport(let reason): "could not reach the server: \(reason)"
        case .cancelled: "cancelled"
        }
    }
}
